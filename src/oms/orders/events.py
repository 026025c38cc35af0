"""Writing OrderEvent rows: the one way any area adds to an order's timeline (append-only)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from oms.core.actor import Actor

# What the timeline shows for each event type (console and API); unknown types show their code.
EVENT_LABELS = {
    "created": gettext_lazy("Received"),
    "updated": gettext_lazy("Updated by the platform"),
    "cancelled": gettext_lazy("Cancelled"),
    "corrected": gettext_lazy("Corrected"),
    "resubmitted": gettext_lazy("Checked again"),
    "platform_update_not_applied": gettext_lazy("Platform update not applied (order already past review)"),
    "platform_cancel_refused": gettext_lazy("Platform cancellation not applied (already shipped)"),
}


def event_label(event_type: str) -> str:
    return str(EVENT_LABELS.get(event_type, event_type))


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
