"""Review pages in the Orders module's navigation and the review/confirmation dashboard tiles
(merged into orders.console)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oms.web.modules import Section

SECTIONS = [
    Section("orders", gettext_lazy("Review and confirmation"), "orders:review:queue", ("orders.view_order",),
            order=25,
            description=gettext_lazy("Queues per stage: review, finance review, holds, to confirm, awaiting stock."),
            ),
    Section("orders", gettext_lazy("Stock shortages"), "orders:review:shortages", ("orders.view_order",), order=27,
            description=gettext_lazy("Orders awaiting stock and what each lacks.")),
    Section("orders", gettext_lazy("Review rules"), "orders:review:rules", ("orders.view_reviewrule",), order=91,
            description=gettext_lazy("The automatic review rule set.")),
    Section("orders", gettext_lazy("Blacklist"), "orders:review:blacklist", ("orders.view_blacklistentry",),
            order=92, description=gettext_lazy("Customers, phones and addresses whose orders are held.")),
]  # fmt: skip


def dashboard_panels(user: Any) -> list[dict[str, Any]]:
    if not user.has_perm("orders.view_order"):
        return []
    from oms.monitoring import selectors as alert_selectors
    from oms.monitoring.kinds import AlertKind
    from oms.orders.choices import OrderStatus as S
    from oms.orders.models import Order

    orders = Order.objects.restrict(user)
    counts = orders.aggregate(
        finance=Count("pk", filter=Q(status=S.PENDING_FINANCE)),
        hold=Count("pk", filter=Q(status=S.ON_HOLD)),
        approved=Count("pk", filter=Q(status=S.APPROVED)),
        awaiting=Count("pk", filter=Q(status=S.AWAITING_STOCK)),
    )
    short = alert_selectors.count_active(user, AlertKind.STOCK_SHORTAGE)
    queue = reverse("orders:review:queue")
    return [
        {"label": _("Finance review"), "value": counts["finance"], "url": f"{queue}?stage=pending_finance", "note": ""},
        {"label": _("On hold"), "value": counts["hold"], "url": f"{queue}?stage=on_hold", "note": ""},
        {"label": _("To confirm"), "value": counts["approved"], "url": f"{queue}?stage=approved", "note": ""},
        {
            "label": _("Awaiting stock"),
            "value": counts["awaiting"],
            "url": reverse("orders:review:shortages"),
            "note": _("%(n)s SKUs short") % {"n": short} if short else "",
        },
    ]
