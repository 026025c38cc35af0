"""The Orders module's pages and dashboard tiles."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oms.web.modules import Section

SECTIONS = [
    Section(
        "orders",
        gettext_lazy("All orders"),
        "orders:list",
        ("orders.view_order",),
        order=10,
        description=gettext_lazy("Search, filter, export; counts per status and class."),
    ),
    Section(
        "orders",
        gettext_lazy("Invalid orders"),
        "orders:invalid",
        ("orders.change_order",),
        order=20,
        description=gettext_lazy("Orders that failed the intake checks: correct and resubmit."),
    ),
    Section(
        "orders",
        gettext_lazy("Returned for correction"),
        "orders:rejected",
        ("orders.change_order",),
        order=30,
        description=gettext_lazy("Orders a reviewer rejected."),
    ),
    Section(
        "orders",
        gettext_lazy("New order"),
        "orders:new",
        ("orders.add_order",),
        order=40,
        description=gettext_lazy("Enter an order by hand (phone or shop sales)."),
    ),
    Section(
        "orders",
        gettext_lazy("Classification rules"),
        "orders:rules",
        ("orders.view_classificationrule",),
        order=90,
        description=gettext_lazy("How orders are classified at intake."),
    ),
]


def dashboard_panels(user: Any) -> list[dict[str, Any]]:
    if not user.has_perm("orders.view_order"):
        return []
    from oms.monitoring import selectors as alert_selectors
    from oms.monitoring.kinds import AlertKind
    from oms.orders.choices import OrderStatus
    from oms.orders.models import Order

    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    counts = Order.objects.restrict(user).aggregate(
        today=Count("pk", filter=Q(created_at__gte=today)),
        invalid=Count("pk", filter=Q(status=OrderStatus.INVALID)),
        pending=Count("pk", filter=Q(status=OrderStatus.PENDING_REVIEW)),
    )
    alerts = alert_selectors.count_active(user, AlertKind.INTAKE_PROBLEMS)
    base = reverse("orders:list")
    return [
        {"label": _("Orders today"), "value": counts["today"], "url": base, "note": ""},
        {
            "label": _("Invalid orders"),
            "value": counts["invalid"],
            "url": reverse("orders:invalid"),
            "note": _("%(n)s open intake alerts") % {"n": alerts},
        },
        {"label": _("Pending review"), "value": counts["pending"], "url": f"{base}?status=pending_review", "note": ""},
    ]


# Review and confirmation (issue 6): its pages and tiles join the Orders module's.
from oms.orders.review import console as _review_console  # noqa: E402

SECTIONS += _review_console.SECTIONS
_intake_panels = dashboard_panels


def dashboard_panels(user: Any) -> list[dict[str, Any]]:  # type: ignore[no-redef]
    return _intake_panels(user) + _review_console.dashboard_panels(user)
