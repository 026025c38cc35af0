"""What other areas decided about an order, recorded by orders: the warehouse inventory's routing chose.

Inventory routes and reserves, then hands its decision here; orders writes its own table (with the
version bump every change of an order makes, so an edit based on the order as it was is refused). The
event that explains the decision (stock_reserved, routing_overridden) is written by the reservation in
the same transaction.
"""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from oms.orders.models import Order


def record_warehouse(order_id: int, warehouse_id: int) -> bool:
    """The order ships from `warehouse_id` (the first parcel's, when split); False when it already did."""
    changed = (
        Order.objects.filter(pk=order_id)
        .exclude(warehouse_id=warehouse_id)
        .update(warehouse_id=warehouse_id, version=F("version") + 1, updated_at=timezone.now())
    )
    return bool(changed)
