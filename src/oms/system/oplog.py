"""Recording administrative operations. Call inside the action's transaction so that the record
and the change commit (or roll back) together."""

from __future__ import annotations

from typing import Any

from oms.core.actor import Actor


def record(*, actor: Actor, action: str, target: str = "", details: dict[str, Any] | None = None) -> Any:
    from oms.system.models import OperationLog

    return OperationLog.objects.create(
        actor_kind=actor.kind,
        actor_user_id=actor.user_id,
        actor_name=actor.name,
        ip=actor.ip or None,
        action=action,
        target=target[:300],
        details=details or {},
    )
