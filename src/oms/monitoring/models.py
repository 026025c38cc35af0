"""Alert: one model for everything that is wrong (intake problems, low stock, shortages, and the
monitoring rules of later issues), with an append-only AlertEvent history.

At most one alert per (kind, subject, cause) is open or acknowledged at a time: a partial unique
constraint, so concurrent raises cannot create a second one. A resolved alert stays as history; the
condition coming back opens a new one.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from oms.core.scoping import ScopedQuerySet
from oms.monitoring.kinds import ACTIVE_STATES, KINDS, SEVERITY_COLOURS, AlertKind, AlertState, Severity


class Alert(models.Model):
    kind = models.CharField(_("kind"), max_length=40, choices=AlertKind.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    state = models.CharField(
        pgettext_lazy("alert", "state"), max_length=15, choices=AlertState.choices, default=AlertState.OPEN
    )
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    subject_key = models.CharField(max_length=120)
    cause = models.CharField(max_length=120, blank=True, default="")
    params = models.JSONField(default=dict, blank=True)
    # Data scope of the subject (oms.core.scoping); empty when the subject is not tied to one.
    channel_id = models.PositiveBigIntegerField(null=True, blank=True)
    warehouse_id = models.PositiveBigIntegerField(null=True, blank=True)
    assignee_role = models.CharField(_("assigned role"), max_length=150, blank=True)
    assignee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    opened_by = models.CharField(max_length=150, blank=True)
    last_seen_at = models.DateTimeField(_("last seen"), default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.CharField(max_length=150, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.CharField(max_length=150, blank=True)
    resolution_note = models.TextField(blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_fields = {"channel": "channel_id", "warehouse": "warehouse_id"}
    scope_optional = frozenset({"channel", "warehouse"})  # an alert without one is seen by every scope

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        permissions = [
            ("acknowledge_alert", _("Can acknowledge alerts")),
            ("assign_alert", _("Can assign alerts")),
            ("resolve_alert", _("Can resolve alerts")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_key", "cause"],
                condition=Q(state__in=[s.value for s in ACTIVE_STATES]),
                name="alert_one_active_per_subject_cause",
            )
        ]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="alert_subject"),
            models.Index(fields=["state", "kind"], name="alert_state_kind"),
            # raise/clear look alerts up by key; the partial unique index cannot serve a query whose
            # state condition is a bound parameter
            models.Index(fields=["kind", "subject_key"], name="alert_kind_subject_key"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_key} {self.cause} {self.state}".strip()

    @property
    def message(self) -> str:
        """The kind's message in the active language."""
        k = KINDS.get(self.kind)
        return k.render(self.params) if k else self.kind

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def assignee_role_label(self) -> str:
        from oms.core.roles import ROLES

        return str(ROLES[self.assignee_role][1]) if self.assignee_role in ROLES else self.assignee_role

    @property
    def severity_colour(self) -> str:
        return SEVERITY_COLOURS.get(self.severity, "secondary")  # type: ignore[call-overload]


class AlertEventType(models.TextChoices):
    RAISED = "raised", pgettext_lazy("alert event", "Raised")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("alert event", "Acknowledged")
    ASSIGNED = "assigned", pgettext_lazy("alert event", "Assigned")
    RESOLVED = "resolved", pgettext_lazy("alert event", "Resolved")
    CLEARED = "cleared", pgettext_lazy("alert event", "Cleared automatically")


class AlertEvent(models.Model):
    """Append-only history of an alert: who raised, acknowledged, assigned, resolved it, and when."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=20, choices=AlertEventType.choices)
    state_from = models.CharField(max_length=15, blank=True)
    state_to = models.CharField(max_length=15, blank=True)
    actor_kind = models.CharField(max_length=20, default="system")
    actor_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    actor_name = models.CharField(max_length=150, blank=True)
    note = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("alert event")

    def __str__(self) -> str:
        return f"{self.alert_id} {self.type}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise ValueError("alert events are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]
