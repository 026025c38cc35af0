"""Extension points other areas plug into (kept free of imports so that anyone may import it).

`on_pending_review`: called after commit with the id of each order that has just entered
"pending review" (automatic review, issue 6, appends its function here in its AppConfig.ready).
"""

from __future__ import annotations

from collections.abc import Callable

on_pending_review: list[Callable[[int], None]] = []


def fire_pending_review(order_id: int) -> None:
    for hook in list(on_pending_review):
        hook(order_id)
