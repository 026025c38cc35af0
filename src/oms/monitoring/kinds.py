"""The declared set of alert kinds: what each means, how it is worded, who sees it and who is told.

Words are never stored: an alert keeps its kind and parameters, and its message is the kind's
template filled with them in the reader's language. A kind names the console module (and any
permission) a user needs to see its alerts, the role it is assigned to by default, and the
notification event (`notifications.event_roles`) whose recipients get an email when one is raised.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from oms.core.roles import ORDER_CLERK, WAREHOUSE


class AlertKind(models.TextChoices):
    INTAKE_PROBLEMS = "intake_problems", _("Order arrived with problems")
    LOW_STOCK = "low_stock", _("Stock below threshold")
    STOCK_SHORTAGE = "stock_shortage", _("Order short of stock")


class Severity(models.TextChoices):
    INFO = "info", pgettext_lazy("alert severity", "Info")
    WARNING = "warning", pgettext_lazy("alert severity", "Warning")
    CRITICAL = "critical", pgettext_lazy("alert severity", "Critical")


# Bootstrap colour of each severity in the console.
SEVERITY_COLOURS = {Severity.INFO: "secondary", Severity.WARNING: "warning", Severity.CRITICAL: "danger"}


class AlertState(models.TextChoices):
    OPEN = "open", pgettext_lazy("alert state", "Open")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("alert state", "Acknowledged")
    RESOLVED = "resolved", pgettext_lazy("alert state", "Resolved")


ACTIVE_STATES = (AlertState.OPEN, AlertState.ACKNOWLEDGED)


@dataclass(frozen=True)
class Kind:
    code: str
    severity: str
    message: Any  # lazy translatable template with %(name)s placeholders filled from the alert's params
    params: tuple[str, ...]  # the parameters the message reads (each raise must give them)
    module: str  # console module whose access shows these alerts
    perms: tuple[str, ...] = ()  # further permissions needed to see them
    assignee_role: str = ""  # role code the alert is assigned to when raised
    notify_event: str = ""  # event of notifications.event_roles that gets an email; "" sends none
    subject_url: str = ""  # URL name taking the subject's id, for the link in the list

    @property
    def label(self) -> str:
        return str(AlertKind(self.code).label)

    def render(self, params: Mapping[str, Any]) -> str:
        """The message in the active language; a missing parameter shows its name rather than failing."""
        values = {name: params.get(name, f"{{{name}}}") for name in self.params}
        return str(self.message) % values


KINDS: dict[str, Kind] = {
    AlertKind.INTAKE_PROBLEMS: Kind(
        AlertKind.INTAKE_PROBLEMS,
        Severity.WARNING,
        _("Order %(number)s arrived with problems and waits for correction."),
        ("number",),
        module="orders",
        perms=("orders.view_order",),
        assignee_role=ORDER_CLERK,
        subject_url="orders:detail",
    ),
    AlertKind.LOW_STOCK: Kind(
        AlertKind.LOW_STOCK,
        Severity.WARNING,
        _(
            "%(sku)s in %(warehouse)s: %(available)s available when raised, below the threshold of "
            "%(threshold)s (lowest since: %(lowest)s)."
        ),
        ("sku", "warehouse", "available", "threshold", "lowest"),
        module="inventory",
        perms=("inventory.view_stock",),
        assignee_role=WAREHOUSE,
        notify_event="low_stock",
        subject_url="inventory:product",
    ),
    AlertKind.STOCK_SHORTAGE: Kind(
        AlertKind.STOCK_SHORTAGE,
        Severity.CRITICAL,
        _("Order %(number)s waits for %(quantity)s × %(sku)s."),
        ("number", "quantity", "sku"),
        module="orders",
        perms=("orders.view_order",),
        assignee_role=ORDER_CLERK,
        subject_url="orders:review:order",
    ),
}


def kind(code: str) -> Kind:
    return KINDS[code]


def visible_kinds(user: Any) -> list[str]:
    """The kinds whose alerts `user` may see: those of the console modules they open."""
    if not user or not user.is_authenticated:
        return []
    return [code for code, k in KINDS.items() if user.has_perm(f"core.access_{k.module}") and user.has_perms(k.perms)]
