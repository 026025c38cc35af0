"""Extension points other areas plug into (kept free of imports so that anyone may import it).

`on_pending_review`: called after commit with the id of each order that has just entered
"pending review" (automatic review, issue 6, appends its function here in its AppConfig.ready).

`on_pending_review_batch`: the same for bulk intake, called once per committed batch with all the
ids (a bulk import of 1,000 orders then costs one call, e.g. one enqueue, instead of 1,000).

`on_approved`: called after commit with the id of an order that has just been approved (automatic or
by a person), e.g. to merge and confirm it automatically.

A listener that raises is logged and retried by the worker (oms.core.hooks), never an error for the
request that committed.
"""

from __future__ import annotations

from collections.abc import Callable

from oms.core import hooks

on_pending_review: list[Callable[[int], None]] = []
on_pending_review_batch: list[Callable[[list[int]], None]] = []
on_approved: list[Callable[[int], None]] = []


def fire_pending_review(order_id: int) -> None:
    fire_pending_review_batch([order_id])


def fire_pending_review_batch(order_ids: list[int]) -> None:
    if not order_ids:
        return
    hooks.fire("on_pending_review_batch", on_pending_review_batch, list(order_ids))
    for order_id in order_ids:
        hooks.fire("on_pending_review", on_pending_review, order_id)


def fire_approved(order_id: int) -> None:
    hooks.fire("on_approved", on_approved, order_id)
