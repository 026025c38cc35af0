"""Parameters of the notification and backup groups (the system area's own), and the few
cross-cutting ones of the workflow, inventory and logistics groups that several areas read
(the monitoring scans and the module that owns the data). Each area declares its own others."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from oms.system.params import Param, register

# Events that can send an email, and the roles notified by default (role codes of oms.core.roles
# or names of custom roles).
NOTIFY_EVENTS: dict[str, Any] = {
    "order_anomaly": _("Order anomaly detected"),
    "low_stock": _("Stock below threshold"),
    "shipment_exception": _("Shipment exception"),
    "ticket_escalated": _("Customer ticket escalated"),
    "backup_failed": _("Backup failed"),
}
DEFAULT_EVENT_ROLES = {
    "order_anomaly": ["administrator", "order_clerk"],
    "low_stock": ["administrator", "warehouse"],
    "shipment_exception": ["administrator", "logistics"],
    "ticket_escalated": ["administrator", "customer_service"],
    "backup_failed": ["administrator"],
}


def _role_words() -> list[tuple[str, Any]]:
    from oms.core.roles import ROLES

    return [(code, label) for code, (_name, label) in ROLES.items()]


def _status_words() -> list[tuple[str, Any]]:
    from oms.orders.choices import OrderStatus

    return list(OrderStatus.choices)


def _validate_event_roles(value: Any) -> None:
    if not isinstance(value, dict):
        raise ValidationError(gettext("Enter an object mapping each event to a list of roles."))
    for event, roles in value.items():
        if event not in NOTIFY_EVENTS:
            raise ValidationError(gettext("Unknown event %(event)s.") % {"event": event})
        if not isinstance(roles, list) or not all(isinstance(r, str) and r for r in roles):
            raise ValidationError(gettext("The roles of %(event)s must be a list of role names.") % {"event": event})


def _validate_stage_hours(value: Any) -> None:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, int | float) and not isinstance(v, bool) and v > 0
        for k, v in value.items()
    ):
        raise ValidationError(gettext("Enter an object mapping each order status to a number of hours above 0."))


register(
    Param("notifications.smtp_host", "str", "localhost", _("SMTP host")),
    Param("notifications.smtp_port", "int", 25, _("SMTP port"), min=1, max=65535),
    Param(
        "notifications.smtp_security",
        "choice",
        "none",
        _("SMTP security"),
        choices=(("none", _("None")), ("starttls", _("STARTTLS")), ("ssl", _("SSL/TLS"))),
    ),
    Param("notifications.smtp_user", "str", "", _("SMTP user")),
    Param(
        "notifications.smtp_password",
        "secret",
        "",
        _("SMTP password"),
        _("Stored encrypted and never shown again; leave empty to keep the current one."),
    ),
    Param("notifications.sender", "str", "oms@localhost", _("Sender address")),
    Param(
        "backup.schedule_hour",
        "int",
        3,
        _("Daily backup hour"),
        _("Hour of the day (0-23) at which the worker takes a backup; -1 turns scheduled backups off."),
        min=-1,
        max=23,
    ),
    Param("backup.keep", "int", 7, _("Backups to keep"), _("Older backups are deleted."), min=1, max=1000),
    Param(
        "backup.directory",
        "str",
        "",
        _("Backup directory"),
        _("Where backups are written; empty means a folder in the data directory."),
    ),
    Param(
        "notifications.event_roles",
        "json",
        DEFAULT_EVENT_ROLES,
        _("Who is notified of which event"),
        _("An object mapping each event to the roles whose users get an email (the codes below)."),
        validator=_validate_event_roles,
        legend=lambda: [*NOTIFY_EVENTS.items(), *_role_words()],
    ),
    Param(
        "workflow.stage_limit_hours",
        "json",
        {"received": 2, "pending_review": 24, "approved": 24, "confirmed": 48},
        _("Stage time limits (hours)"),
        _("An order that stays longer than this in a status is reported as an anomaly."),
        validator=_validate_stage_hours,
        legend=lambda: _status_words(),
    ),
    Param(
        "inventory.low_stock_threshold",
        "int",
        10,
        _("Default low-stock threshold"),
        _("Available quantity at or below which a product raises a low-stock alert, unless it has its own."),
        min=0,
        max=1_000_000,
    ),
    Param(
        "logistics.exception_delay_hours",
        "int",
        48,
        _("Shipment stalled after (hours)"),
        _("A shipment without a tracking update for this long is reported as a logistics exception."),
        min=1,
        max=2160,
    ),
)
