"""Review read-models: what the queues and the review page show beside the orders themselves
(merge suggestions, the units of a split family per order). Reads only; the changes are in
oms.orders.review.transitions."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from oms.orders.choices import OrderStatus as S
from oms.orders.models import Order
from oms.orders.review.models import OrderReview
from oms.orders.review.transitions import MERGE_KEY, MERGEABLE


def merge_suggestions(qs: Any) -> list[dict[str, Any]]:
    """Groups of approved orders (of `qs`) sharing customer, address and shop, not yet merged."""
    rows = (
        qs.filter(status__in=MERGEABLE, merge_groups__isnull=True)
        .values_list("pk", "number", *MERGE_KEY)
        .order_by("pk")
    )
    found: dict[tuple, list[tuple[int, str]]] = defaultdict(list)
    for pk, number, *key in rows:
        found[tuple(key)].append((pk, number))
    return [
        {"ids": [p for p, _n in members], "numbers": [n for _p, n in members], "customer": key[2], "city": key[5]}
        for key, members in found.items()
        if len(members) > 1
    ]


def line_progress(order: Order) -> list[dict[str, Any]]:
    """Per SKU of the order's family (the original and every part split from it): how many units
    are in which order and status, for the detail page."""
    review = OrderReview.objects.filter(order=order).first()
    root = (review.split_from if review and review.split_from_id else None) or order
    family = [root, *Order.objects.filter(review__split_from=root).order_by("pk")]
    if len(family) == 1:
        return []
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    labels = dict(S.choices)
    for member in family:
        for ln in member.lines.all():
            rows[ln.sku or ln.platform_sku].append(
                {
                    "number": member.number,
                    "pk": member.pk,
                    "quantity": ln.quantity,
                    "status": member.status,
                    "status_label": labels.get(member.status, member.status),
                }
            )
    return [{"sku": sku, "parts": parts, "total": sum(p["quantity"] for p in parts)} for sku, parts in rows.items()]
