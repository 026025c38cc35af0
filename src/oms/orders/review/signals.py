"""Plugging review and confirmation into the other areas' extension points (from OrdersConfig.ready,
which imports this module once the models are loaded)."""

from __future__ import annotations

from oms.inventory import hooks as inventory_hooks
from oms.orders import hooks
from oms.orders.review import tasks  # also registers the periodic task with Huey

# Orders per review task: a bulk import of 1,000 orders costs a few enqueues, not 1,000, while a
# single order (webhook, manual entry) is still one small task reviewed within seconds.
REVIEW_CHUNK = 200


def on_pending_review_batch(order_ids: list[int]) -> None:
    for start in range(0, len(order_ids), REVIEW_CHUNK):
        tasks.auto_review_many_task(order_ids[start : start + REVIEW_CHUNK])


def on_stock_available(warehouse_id: int, product_ids: list[int]) -> None:
    tasks.stock_arrived_task(sorted(product_ids))


def connect() -> None:
    if on_pending_review_batch not in hooks.on_pending_review_batch:
        hooks.on_pending_review_batch.append(on_pending_review_batch)
    if tasks.after_approval not in hooks.on_approved:
        hooks.on_approved.append(tasks.after_approval)
    if on_stock_available not in inventory_hooks.on_stock_available:
        inventory_hooks.on_stock_available.append(on_stock_available)
