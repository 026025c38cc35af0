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
