"""Extension points other areas register into (no import of theirs here).

`on_stock_available`: called after commit with (warehouse_id, {product_id, ...}) whenever stock became
available in a warehouse (receipt, transfer arrival, release, positive adjustment), so that review and
confirmation can re-try orders awaiting stock. A listener that raises is logged and retried by the
worker (oms.core.hooks), never undoing or blocking the stock change that already committed.
"""

from __future__ import annotations

from collections.abc import Callable

from oms.core import hooks

on_stock_available: list[Callable[[int, list[int]], None]] = []


def stock_available(warehouse_id: int, product_ids: set[int]) -> None:
    # Sorted list, not a set: a retry carries the arguments through the queue as JSON.
    hooks.fire("on_stock_available", on_stock_available, warehouse_id, sorted(product_ids))
