from django.db import models
from django.utils.translation import gettext_lazy as _


class Parameter(models.Model):
    """The current value of one runtime parameter (declared in some area's params.py)."""

    key = models.CharField(_("key"), max_length=100, unique=True)
    value = models.JSONField(_("value"), null=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("parameter")

    def __str__(self) -> str:
        return self.key


class OperationLog(models.Model):
    """What administrators (and the system on their behalf) did: one append-only log, filterable."""

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor_kind = models.CharField(_("actor kind"), max_length=20, default="user")
    actor_user = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("user")
    )
    actor_name = models.CharField(_("actor"), max_length=150, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    target = models.CharField(_("target"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("operation log entry")
        verbose_name_plural = _("operation log")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"


class ParameterRevision(models.Model):
    """One save of runtime parameters: who, when, from where, and old -> new per key.

    Secret parameters appear in `changes` only as {"secret": true}: never with a value.
    `snapshot` holds every stored value after the save (secrets still encrypted), so that any
    revision can be restored exactly.
    """

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor_user = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("user")
    )
    actor_name = models.CharField(_("changed by"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    changes = models.JSONField(_("changes"), default=dict)
    snapshot = models.JSONField(default=dict)
    restored_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("restored from")
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("parameter revision")
        verbose_name_plural = _("parameter revisions")

    def __str__(self) -> str:
        return f"#{self.pk} {self.actor_name}"


class BackupRun(models.Model):
    """A backup or restore the console asked the worker for, with its progress for the page."""

    class Kind(models.TextChoices):
        BACKUP = "backup", _("Backup")
        RESTORE = "restore", _("Restore")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.BACKUP)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    archive = models.CharField(_("archive"), max_length=300, blank=True)
    message = models.TextField(_("message"), blank=True)
    requested_by = models.CharField(_("requested by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("backup run")
        permissions = [
            ("download_backup", _("Can download backup archives")),
            ("restore_backup", _("Can restore a backup")),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.status} {self.archive}"
