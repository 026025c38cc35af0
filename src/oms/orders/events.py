"""Writing OrderEvent rows: the one way any area adds to an order's timeline (append-only)."""

from __future__ import annotations

from typing import Any

from oms.core.actor import Actor


def record_event(
    order: Any,
    *,
    type: str,
    actor: Actor,
    status_from: str = "",
    status_to: str = "",
    reason: str = "",
    payload: dict[str, Any] | None = None,
    public: bool = False,
) -> Any:
    """Append one event. Call inside the action's transaction so that it commits with the change."""
    from oms.orders.models import OrderEvent

    return OrderEvent.objects.create(
        order=order,
        type=type,
        status_from=status_from,
        status_to=status_to,
        actor_kind=actor.kind,
        actor_user_id=actor.user_id,
        actor_name=actor.name,
        reason=reason,
        payload=payload or {},
        public=public,
    )
