"""The order lifecycle in one table, on the core workflow engine. Pure: no database.

Every edge names the action that takes it (a function of that name in one of ACTION_MODULES; a test
proves it) and the pseudo-roles of non-person actors allowed to ("system", "channel", "carrier").
A person may take an edge iff they hold the action's one permission in PERMISSIONS: views, the API,
bulk actions and the guard all read it from here. Order code changes status only through
oms.orders.transitions. docs/workflows/orders.md is generated from this table (`oms workflow_docs`).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from oms.core import workflow as engine
from oms.core.workflow import CARRIER, CHANNEL, SYSTEM, Edge, Performer, TransitionNotAllowed, edges
from oms.orders.choices import OrderStatus as S

__all__ = ["ORDERS", "EDGES", "Edge", "Performer", "TransitionNotAllowed", "SYSTEM", "CHANNEL", "CARRIER"]

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
    # intake
    *edges([S.RECEIVED], S.PENDING_REVIEW, "intake_order", SYSTEM, CHANNEL),
    *edges([S.RECEIVED], S.INVALID, "intake_order", SYSTEM, CHANNEL),
    *edges([S.INVALID, S.REJECTED], S.PENDING_REVIEW, "resubmit_order", SYSTEM),
    *edges([S.REJECTED], S.INVALID, "resubmit_order", SYSTEM),
    *edges([S.PENDING_REVIEW], S.INVALID, "recheck_order", SYSTEM, CHANNEL),
    *edges([S.INVALID], S.PENDING_REVIEW, "recheck_order", SYSTEM, CHANNEL),
    *edges(_BEFORE_SHIPPING, S.CANCELLED, "cancel_from_platform", CHANNEL, SYSTEM),
    # review and confirmation
    *edges([S.PENDING_REVIEW], S.APPROVED, "approve_order", SYSTEM),
    *edges([S.PENDING_REVIEW], S.PENDING_FINANCE, "escalate_to_finance", SYSTEM),
    *edges([S.PENDING_REVIEW], S.REJECTED, "reject_order", SYSTEM),
    *edges([S.PENDING_FINANCE], S.APPROVED, "finance_approve_order"),
    *edges([S.PENDING_FINANCE], S.REJECTED, "finance_reject_order"),
    *edges([S.PENDING_REVIEW, S.PENDING_FINANCE, S.APPROVED], S.ON_HOLD, "hold_order", SYSTEM),
    # the scheduler releases holds whose time has come
    *edges([S.ON_HOLD], S.PENDING_REVIEW, "release_order", SYSTEM),
    # merging and splitting approved orders keeps their status (each keeps its identity)
    *edges([S.APPROVED, S.CONFIRMED], None, "merge_orders", SYSTEM),
    *edges([S.APPROVED, S.AWAITING_STOCK], None, "split_order"),
    *edges([S.APPROVED, S.AWAITING_STOCK], S.CONFIRMED, "confirm_order", SYSTEM),
    *edges([S.APPROVED], S.AWAITING_STOCK, "confirm_order", SYSTEM),
    *edges(_BEFORE_SHIPPING, S.CANCELLED, "cancel_order"),
    # the warehouse takes a confirmed order for picking, or hands it back
    *edges([S.CONFIRMED], S.ALLOCATED, "allocate_order", SYSTEM),
    *edges([S.ALLOCATED], S.CONFIRMED, "release_allocation", SYSTEM),
    # logistics (planned: no function yet)
    *edges([S.ALLOCATED], S.SHIPPED, "ship_order", SYSTEM),
    *edges([S.SHIPPED], S.IN_TRANSIT, "record_tracking", CARRIER, SYSTEM),
    *edges([S.SHIPPED, S.IN_TRANSIT], S.OUT_FOR_DELIVERY, "record_tracking", CARRIER, SYSTEM),
    *edges([S.SHIPPED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY], S.DELIVERED, "record_tracking", CARRIER, SYSTEM),
    *edges([S.DELIVERED, S.CANCELLED], S.CLOSED, "close_order", SYSTEM),
]

# action -> the one permission a person needs (None: only the actors named on the edge).
PERMISSIONS: dict[str, str | None] = {
    "intake_order": "orders.add_order",
    "resubmit_order": "orders.change_order",
    "recheck_order": "orders.change_order",
    "cancel_from_platform": None,
    "approve_order": "orders.review_order",
    "escalate_to_finance": "orders.review_order",
    "reject_order": "orders.review_order",
    "finance_approve_order": "orders.finance_review_order",
    "finance_reject_order": "orders.finance_review_order",
    "hold_order": "orders.hold_order",
    "release_order": "orders.hold_order",
    "merge_orders": "orders.merge_split_order",
    "split_order": "orders.merge_split_order",
    "confirm_order": "orders.confirm_order",
    "cancel_order": "orders.cancel_order",
    "allocate_order": "orders.allocate_order",
    "release_allocation": "orders.allocate_order",
    "ship_order": None,
    "record_tracking": None,
    "close_order": None,
}

# Where the action functions live (the edge test imports these and finds each action by name).
ACTION_MODULES = ("oms.orders.intake", "oms.orders.actions", "oms.orders.review.transitions")

ORDERS = engine.Workflow(
    name="orders",
    title="Order lifecycle",
    states=S,
    edges=EDGES,
    permissions=PERMISSIONS,
    messages={
        engine.NO_EDGE: _("An order cannot go from “%(source)s” to “%(target)s”."),
        engine.NOT_PERMITTED: _("Your role may not move an order from “%(source)s” to “%(target)s”."),
        engine.NO_ACTION: _("This cannot be done to an order that is “%(source)s”."),
        engine.ACTION_NOT_PERMITTED: _("Your role may not do this to an order that is “%(source)s”."),
    },
    action_modules=ACTION_MODULES,
    initial=[S.RECEIVED],
    final=[S.CLOSED],
    planned={"ship_order": "logistics", "record_tracking": "logistics", "close_order": "logistics"},
    source="src/oms/orders/workflow.py",
)

# Names callers used before the engine moved to core.
edges_from = ORDERS.edges_from
ensure = ORDERS.ensure
ensure_action = ORDERS.ensure_action
allowed_actions = ORDERS.allowed_actions
permission_for = ORDERS.permission_for
permissions_for = ORDERS.permissions_for
may = ORDERS.may
as_markdown = ORDERS.as_markdown


def roles_of(actor: object, user: Any = None) -> Performer:
    """Who the actor is for the guard: the person (judged by permission) or its pseudo-role."""
    return engine.performer_of(actor, user)


# What a person asks for with one button or endpoint -> the actions it may take (which one depends on
# the order's status). The console, its bulk actions and the API read their permissions from here.
COMMANDS: dict[str, tuple[str, ...]] = {
    "approve": ("approve_order", "escalate_to_finance", "finance_approve_order"),
    "reject": ("reject_order", "finance_reject_order"),
    "hold": ("hold_order",),
    "release": ("release_order",),
    "confirm": ("confirm_order",),
    "cancel": ("cancel_order",),
    "merge": ("merge_orders",),
    "split": ("split_order",),
    "resubmit": ("resubmit_order",),
    "allocate": ("allocate_order",),
    "release_allocation": ("release_allocation",),
}


def command_permissions(command: str) -> tuple[str, ...]:
    """The permissions of a command's actions: a person needs one of them to be let in."""
    return ORDERS.permissions_for(*COMMANDS[command])


def may_command(user: Any, command: str) -> bool:
    return any(user.has_perm(p) for p in command_permissions(command))


def command_applies(status: str, command: str) -> bool:
    """Whether the command does anything to an order in `status` (for anybody)."""
    return any(e.action in COMMANDS[command] for e in ORDERS.edges_from(status))


def allowed_commands(status: str, who: Any) -> list[str]:
    allowed = set(ORDERS.allowed_actions(status, who))
    return [c for c, actions in COMMANDS.items() if allowed.intersection(actions)]
