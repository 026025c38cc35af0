"""Thin Huey wrappers for the orders app (review's own tasks live in orders/review/tasks.py)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*"))
def fold_order_counts_task() -> None:
    """Count the orders received since the last run into OrderCount (oms.orders.counts.fold)."""
    from oms.orders import counts

    counts.fold()
