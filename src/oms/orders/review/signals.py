"""Plugging review and confirmation into the other areas' extension points (from OrdersConfig.ready)."""

from __future__ import annotations


def on_pending_review(order_id: int) -> None:
    from oms.orders.review import tasks

    tasks.auto_review_task(order_id)


def on_stock_available(warehouse_id: int, product_ids: set[int]) -> None:
    from oms.orders.review import tasks

    tasks.stock_arrived_task(sorted(product_ids))


def connect() -> None:
    from oms.inventory import hooks as inventory_hooks
    from oms.orders import hooks
    from oms.orders.review import tasks  # noqa: F401  (registers the periodic task with Huey)

    if on_pending_review not in hooks.on_pending_review:
        hooks.on_pending_review.append(on_pending_review)
    if on_stock_available not in inventory_hooks.on_stock_available:
        inventory_hooks.on_stock_available.append(on_stock_available)
