"""Inventory pages in the console navigation, and the dashboard tiles."""

from __future__ import annotations

from typing import Any

from django.db.models import DecimalField, ExpressionWrapper, F, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oms.web.modules import Section

V = ("inventory.view_stock",)
ALERTS = ("inventory.view_stockthreshold", "monitoring.view_alert")
SECTIONS = [
    Section("inventory", gettext_lazy("Stock"), "inventory:stock", V, 10, gettext_lazy("On hand, reserved, available")),
    Section("inventory", gettext_lazy("Products"), "inventory:products", ("inventory.view_product",), 20),
    Section("inventory", gettext_lazy("Stock moves"), "inventory:moves", ("inventory.view_stockmove",), 30),
    Section("inventory", gettext_lazy("Low-stock alerts"), "inventory:alerts", ALERTS, 40),
    Section("inventory", gettext_lazy("Analysis"), "inventory:analysis", V, 50),
    Section("inventory", gettext_lazy("Transfer plans"), "inventory:transfers", ("inventory.view_transferplan",), 60),
    Section("inventory", gettext_lazy("Stocktakes"), "inventory:counts", ("inventory.view_count",), 70),
    Section("inventory", gettext_lazy("Warehouses"), "inventory:warehouses", ("inventory.view_warehouse",), 80),
    Section("inventory", gettext_lazy("Transfer lanes"), "inventory:lanes", ("inventory.view_lane",), 85),
    Section(
        "inventory", gettext_lazy("Shipping costs"), "inventory:shipping_costs", ("inventory.view_shippingcost",), 90
    ),
]


def dashboard_panels(user: Any) -> list[dict[str, Any]]:
    if not (user.has_perm("core.access_inventory") and user.has_perm("inventory.view_stock")):
        return []
    from oms.inventory.models import Stock
    from oms.monitoring import selectors as alert_selectors
    from oms.monitoring.kinds import AlertKind

    alerts = alert_selectors.count_active(user, AlertKind.LOW_STOCK)
    value = Stock.objects.restrict(user).aggregate(
        v=Sum(ExpressionWrapper(F("on_hand") * F("product__unit_cost"), output_field=DecimalField()))
    )["v"]
    return [
        {
            "label": _("Low-stock alerts open"),
            "value": alerts,
            "url": reverse("inventory:alerts"),
            "note": _("SKU x warehouse below threshold"),
        },
        {
            "label": _("Stock value"),
            "value": f"¥{value or 0:,.2f}",
            "url": reverse("inventory:stock"),
            "note": _("on hand at unit cost"),
        },
    ]
