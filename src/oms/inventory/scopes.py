"""What a person limited to some warehouses may do with transfer plans, lanes and an order's routing.

Reading follows `restrict(user)`: a plan, line or lane is seen when either end is one of the user's
warehouses. Changing follows what the change touches (docs/data-scopes.md):
- deciding on a plan (edit or add lines, approve, back to draft, cancel, close with a difference)
  needs every line of it wholly inside the user's warehouses;
- dispatching needs every source inside (the senders ship); receiving is allowed for the lines whose
  destination is inside (the receiver counts);
- a lane is changed only when both its ends are inside;
- an order's routing is overridden only when every reservation it holds, and every warehouse chosen,
  is inside.
Views call these after `restrict`; a refusal of something the user cannot see is a 404, of something
they can see but not change a 403.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from oms.core.scoping import scope_of, within
from oms.inventory.models import Lane, Reservation, TransferPlan, Warehouse


def warehouse_ids(user: Any) -> frozenset[int] | None:
    """The user's warehouses; None when not limited."""
    return scope_of(user).warehouse_ids


def inside(user: Any, *ids: int | None) -> bool:
    return within(user, "warehouse", *ids)


def _legs(plan: TransferPlan) -> list[tuple[int, int]]:
    return list(plan.lines.values_list("source_id", "destination_id"))


def may_decide(user: Any, plan: TransferPlan) -> bool:
    return all(inside(user, s, d) for s, d in _legs(plan))


def may_dispatch(user: Any, plan: TransferPlan) -> bool:
    return all(inside(user, s) for s, _d in _legs(plan))


def receivable(user: Any, plan: TransferPlan) -> set[int]:
    """Ids of the plan's lines the user may record a receipt for."""
    return {pk for pk, d in plan.lines.values_list("pk", "destination_id") if inside(user, d)}


def ensure_plan_action(user: Any, plan: TransferPlan, op: str, line_ids: Iterable[int] = ()) -> None:
    """PermissionDenied unless the user's warehouses cover what `op` changes on the plan."""
    if op in ("dispatch_transfer", "dispatch"):
        allowed = may_dispatch(user, plan)
    elif op in ("receive_transfer", "receive"):
        outside = {pk for pk, d in plan.lines.values_list("pk", "destination_id") if not inside(user, d)}
        allowed = not outside & {int(i) for i in line_ids}
    else:
        allowed = may_decide(user, plan)
    if not allowed:
        raise PermissionDenied


def may_change_lane(user: Any, lane: Lane) -> bool:
    return inside(user, lane.source_id, lane.destination_id)


def ensure_routing_override(user: Any, order_id: int, chosen: Iterable[int]) -> None:
    """Http404 unless the order's held stock and every chosen warehouse lie inside the user's scope."""
    held = Reservation.objects.filter(order_id=order_id, state="active").values_list("warehouse_id", flat=True)
    if not inside(user, *held, *chosen):
        raise Http404


def warehouses_for(user: Any) -> Any:
    """Active warehouses a form may offer the user."""
    return Warehouse.objects.restrict(user).filter(active=True)
