"""The one way an order's status changes: intake, resubmit, recheck, review, confirmation, cancel,
allocation. Every change is guarded by the lifecycle table (oms.orders.workflow.ORDERS) and stamps
`status_changed_at`, so "time in this stage" is read from the order itself.

A test (tests/test_transitions.py) fails when code elsewhere assigns an order's status. The caller
saves the order (STATUS_FIELDS in update_fields) and records its event in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from oms.core.workflow import Edge
from oms.orders.choices import OrderStatus
from oms.orders.workflow import ORDERS

STATUS_FIELDS = ("status", "status_changed_at")


def place(target: Any, status: str, at: datetime | None = None) -> None:
    """Set the status and when it was entered, on an order or on the values of one about to be
    inserted (a dict). Unguarded: callers guard first (move, enter) or copy a guarded status."""
    when = at or timezone.now()
    if isinstance(target, dict):
        target["status"] = status
        target["status_changed_at"] = when
    else:
        target.status = status
        target.status_changed_at = when


def move(order: Any, target: str, *, action: str, who: Any, at: datetime | None = None) -> Edge:
    """Guard order.status -> target for `who` taking `action`, then set it (not saved)."""
    edge = ORDERS.ensure(order.status, target, who, action=action)
    place(order, target, at)
    return edge


def enter(values: dict[str, Any], target: str, *, action: str, who: Any, at: datetime | None = None) -> Edge:
    """A new order's first status: the edge from "received" to `target`, set on its values."""
    edge = ORDERS.ensure(OrderStatus.RECEIVED, target, who, action=action)
    place(values, target, at)
    return edge


def copy_status(child: Any, parent: Any, at: datetime | None = None) -> None:
    """An order split off another starts in the parent's status (the split was guarded on the parent)."""
    place(child, parent.status, at)
