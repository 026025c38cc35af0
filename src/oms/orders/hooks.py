"""Extension points other areas plug into (kept free of imports so that anyone may import it).

`on_pending_review`: called after commit with the id of each order that has just entered
"pending review" (automatic review, issue 6, appends its function here in its AppConfig.ready).

`on_pending_review_batch`: the same for bulk intake, called once per committed batch with all the
ids (a bulk import of 1,000 orders then costs one call, e.g. one enqueue, instead of 1,000).
"""

from __future__ import annotations

from collections.abc import Callable

on_pending_review: list[Callable[[int], None]] = []
on_pending_review_batch: list[Callable[[list[int]], None]] = []


def fire_pending_review(order_id: int) -> None:
    fire_pending_review_batch([order_id])


def fire_pending_review_batch(order_ids: list[int]) -> None:
    if not order_ids:
        return
    for batch_hook in list(on_pending_review_batch):
        batch_hook(list(order_ids))
    for hook in list(on_pending_review):
        for order_id in order_ids:
            hook(order_id)
