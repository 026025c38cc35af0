"""The order lifecycle in one table. Pure: no database.

Every edge names the action (a function in orders/actions.py, or in a later issue's actions) that
performs it and the roles allowed to. Non-person actors take pseudo-roles: "system", "channel",
"carrier". Administrators may perform every edge. Actions call `ensure(...)` (or `ensure_action`)
before changing anything; docs/workflows/orders.md is generated from this table
(`oms workflow_docs`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from oms.core.roles import (
    ADMINISTRATOR,
    CUSTOMER_SERVICE,
    FINANCE_REVIEWER,
    LOGISTICS,
    ORDER_CLERK,
    REVIEWER,
    WAREHOUSE,
)
from oms.orders.choices import OrderStatus as S

SYSTEM = "system"
CHANNEL = "channel"
CARRIER = "carrier"


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    action: str
    roles: frozenset[str]


def _edges(sources: Iterable[str], target: str | None, action: str, *roles: str) -> list[Edge]:
    """Edges from each source to `target`; target None means the status stays (a self-loop)."""
    return [Edge(s, target or s, action, frozenset(roles)) for s in sources]


_BEFORE_SHIPPING = [
    S.RECEIVED,
    S.INVALID,
    S.PENDING_REVIEW,
    S.PENDING_FINANCE,
    S.ON_HOLD,
    S.REJECTED,
    S.APPROVED,
    S.AWAITING_STOCK,
    S.CONFIRMED,
    S.ALLOCATED,
]

EDGES: list[Edge] = [
    # intake (this issue)
    *_edges([S.RECEIVED], S.PENDING_REVIEW, "intake_order", SYSTEM, CHANNEL, ORDER_CLERK),
    *_edges([S.RECEIVED], S.INVALID, "intake_order", SYSTEM, CHANNEL, ORDER_CLERK),
    *_edges([S.INVALID, S.REJECTED], S.PENDING_REVIEW, "resubmit_order", ORDER_CLERK, SYSTEM),
    *_edges([S.REJECTED], S.INVALID, "resubmit_order", ORDER_CLERK, SYSTEM),
    *_edges([S.PENDING_REVIEW], S.INVALID, "recheck_order", SYSTEM, CHANNEL, ORDER_CLERK),
    *_edges([S.INVALID], S.PENDING_REVIEW, "recheck_order", SYSTEM, CHANNEL, ORDER_CLERK),
    *_edges(_BEFORE_SHIPPING, S.CANCELLED, "cancel_from_platform", CHANNEL, SYSTEM),
    # review and confirmation (issue 6)
    *_edges([S.PENDING_REVIEW], S.APPROVED, "approve_order", REVIEWER, SYSTEM),
    *_edges([S.PENDING_FINANCE], S.APPROVED, "approve_order", FINANCE_REVIEWER),
    *_edges([S.PENDING_REVIEW], S.PENDING_FINANCE, "escalate_to_finance", REVIEWER, SYSTEM),
    *_edges([S.PENDING_REVIEW], S.REJECTED, "reject_order", REVIEWER, SYSTEM),
    *_edges([S.PENDING_FINANCE], S.REJECTED, "reject_order", FINANCE_REVIEWER),
    *_edges(
        [S.PENDING_REVIEW, S.PENDING_FINANCE, S.APPROVED],
        S.ON_HOLD,
        "hold_order",
        REVIEWER,
        FINANCE_REVIEWER,
        ORDER_CLERK,
        CUSTOMER_SERVICE,
        SYSTEM,
    ),
    *_edges([S.ON_HOLD], S.PENDING_REVIEW, "release_order", REVIEWER, ORDER_CLERK, CUSTOMER_SERVICE),
    # finance reviewers release what they held; the scheduler releases holds whose time has come
    *_edges([S.ON_HOLD], S.PENDING_REVIEW, "release_order", FINANCE_REVIEWER, SYSTEM),
    # merging and splitting approved orders keeps their status (each keeps its identity)
    *_edges([S.APPROVED, S.CONFIRMED], None, "merge_orders", REVIEWER, ORDER_CLERK, SYSTEM),
    *_edges([S.APPROVED, S.AWAITING_STOCK], None, "split_order", REVIEWER, ORDER_CLERK),
    *_edges([S.APPROVED, S.AWAITING_STOCK], S.CONFIRMED, "confirm_order", ORDER_CLERK, SYSTEM),
    *_edges([S.APPROVED], S.AWAITING_STOCK, "confirm_order", ORDER_CLERK, SYSTEM),
    *_edges([S.PENDING_REVIEW], S.CLOSED, "merge_orders", REVIEWER, ORDER_CLERK),
    *_edges([S.PENDING_REVIEW], S.CLOSED, "split_order", REVIEWER, ORDER_CLERK),
    *_edges(_BEFORE_SHIPPING, S.CANCELLED, "cancel_order", ORDER_CLERK, REVIEWER, CUSTOMER_SERVICE),
    # stock (issue 5)
    *_edges([S.CONFIRMED], S.ALLOCATED, "allocate_order", WAREHOUSE, SYSTEM),
    *_edges([S.ALLOCATED], S.CONFIRMED, "release_allocation", WAREHOUSE, SYSTEM),
    # logistics
    *_edges([S.ALLOCATED], S.SHIPPED, "ship_order", WAREHOUSE, LOGISTICS, SYSTEM),
    *_edges([S.SHIPPED], S.IN_TRANSIT, "record_tracking", CARRIER, SYSTEM, LOGISTICS),
    *_edges([S.SHIPPED, S.IN_TRANSIT], S.OUT_FOR_DELIVERY, "record_tracking", CARRIER, SYSTEM, LOGISTICS),
    *_edges([S.SHIPPED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY], S.DELIVERED, "record_tracking", CARRIER, SYSTEM, LOGISTICS),
    *_edges([S.DELIVERED, S.CANCELLED], S.CLOSED, "close_order", SYSTEM, CUSTOMER_SERVICE),
]

# Which issue delivers each action's function (the test enforces the ones that exist).
ACTION_OWNERS: dict[str, str] = {
    "intake_order": "issue 4",
    "resubmit_order": "issue 4",
    "recheck_order": "issue 4",
    "cancel_from_platform": "issue 4",
    "approve_order": "issue 6",
    "escalate_to_finance": "issue 6",
    "reject_order": "issue 6",
    "hold_order": "issue 6",
    "release_order": "issue 6",
    "confirm_order": "issue 6",
    "merge_orders": "issue 6",
    "split_order": "issue 6",
    "cancel_order": "issue 6",
    "allocate_order": "issue 5",
    "release_allocation": "issue 5",
    "ship_order": "logistics",
    "record_tracking": "logistics",
    "close_order": "logistics",
}


class TransitionNotAllowed(Exception):
    def __init__(self, message: str, *, source: str = "", target: str = "", action: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.source, self.target, self.action = source, target, action

    def __str__(self) -> str:
        return self.message


def _label(status: str) -> str:
    try:
        return str(S(status).label)
    except ValueError:
        return status


def edges_from(source: str) -> list[Edge]:
    return [e for e in EDGES if e.source == source]


def _may(edge: Edge, roles: Iterable[str]) -> bool:
    roles = set(roles)
    return ADMINISTRATOR in roles or bool(edge.roles & roles)


def ensure(source: str, target: str, actor_roles: Iterable[str], action: str | None = None) -> Edge:
    """Return the edge source -> target (performed by `action` if given) that one of the roles may take."""
    roles = set(actor_roles)
    candidates = [e for e in EDGES if e.source == source and e.target == target]
    if action is not None:
        candidates = [e for e in candidates if e.action == action]
    if not candidates:
        raise TransitionNotAllowed(
            _("An order cannot go from “%(source)s” to “%(target)s”.")
            % {"source": _label(source), "target": _label(target)},
            source=source,
            target=target,
            action=action or "",
        )
    for edge in candidates:
        if _may(edge, roles):
            return edge
    raise TransitionNotAllowed(
        _("Your role may not move an order from “%(source)s” to “%(target)s”.")
        % {"source": _label(source), "target": _label(target)},
        source=source,
        target=target,
        action=action or "",
    )


def ensure_action(source: str, action: str, actor_roles: Iterable[str]) -> list[Edge]:
    """The edges `action` may take from `source` for these roles; raises when there are none."""
    roles = set(actor_roles)
    edges = [e for e in EDGES if e.source == source and e.action == action]
    if not edges:
        raise TransitionNotAllowed(
            _("This cannot be done to an order that is “%(source)s”.") % {"source": _label(source)},
            source=source,
            action=action,
        )
    allowed = [e for e in edges if _may(e, roles)]
    if not allowed:
        raise TransitionNotAllowed(
            _("Your role may not do this to an order that is “%(source)s”.") % {"source": _label(source)},
            source=source,
            action=action,
        )
    return allowed


def allowed_actions(source: str, actor_roles: Iterable[str]) -> list[str]:
    roles = set(actor_roles)
    seen: list[str] = []
    for e in EDGES:
        if e.source == source and _may(e, roles) and e.action not in seen:
            seen.append(e.action)
    return seen


def roles_of(actor: object, user: Any = None) -> set[str]:
    """The pseudo-roles of a non-person actor, or the built-in roles of a user."""
    kind = getattr(actor, "kind", "system")
    if kind != "user":
        return {kind}
    if user is None:
        from django.contrib.auth import get_user_model

        user_id = getattr(actor, "user_id", None)
        user = get_user_model().objects.filter(pk=user_id).first() if user_id is not None else None
    if user is None:
        return set()
    if getattr(user, "is_superuser", False):
        return {ADMINISTRATOR}
    from oms.core.roles import GROUP_TO_ROLE

    return {GROUP_TO_ROLE[g] for g in user.groups.values_list("name", flat=True) if g in GROUP_TO_ROLE}


def as_markdown() -> str:
    """docs/workflows/orders.md: the table and a mermaid state diagram (in English)."""
    from django.utils import translation

    with translation.override("en"):
        return _markdown()


def _markdown() -> str:
    lines = [
        "# Order lifecycle",
        "",
        "Generated from `src/oms/orders/workflow.py` by `oms workflow_docs`; do not edit by hand.",
        "Administrators may perform every transition.",
        "",
        "## States",
        "",
        "| status | label |",
        "|---|---|",
    ]
    for status in S:
        lines.append(f"| `{status.value}` | {status.label} |")
    lines += ["", "## Transitions", "", "| from | to | action | roles | delivered by |", "|---|---|---|---|---|"]
    for e in EDGES:
        lines.append(
            f"| `{e.source}` | `{e.target}` | `{e.action}` | {', '.join(sorted(e.roles))} | "
            f"{ACTION_OWNERS.get(e.action, '?')} |"
        )
    lines += ["", "## Diagram", "", "```mermaid", "stateDiagram-v2", "    [*] --> received"]
    pairs: dict[tuple[str, str], list[str]] = {}
    for e in EDGES:
        names = pairs.setdefault((e.source, e.target), [])
        if e.action not in names:
            names.append(e.action)
    for (source, target), names in pairs.items():
        lines.append(f"    {source} --> {target}: {' / '.join(names)}")
    lines += ["    closed --> [*]", "```", ""]
    return "\n".join(lines)
