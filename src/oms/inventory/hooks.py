"""Extension points other areas register into (no import of theirs here).

`on_stock_available`: called after commit with (warehouse_id, {product_id, ...}) whenever stock became
available in a warehouse (receipt, transfer arrival, release, positive adjustment), so that review and
confirmation can re-try orders awaiting stock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

on_stock_available: list[Callable[[int, set[int]], None]] = []


def stock_available(warehouse_id: int, product_ids: set[int]) -> None:
    for hook in list(on_stock_available):
        try:
            hook(warehouse_id, set(product_ids))
        except Exception:  # a failing listener must not undo or block the stock change that already committed
            log.exception("on_stock_available hook %r failed", hook)
