"""The transfer plan's lifecycle: one table on the core workflow engine, pure. Each edge names the
action in inventory.actions that takes it (a test proves every edge has one); a person takes it with
the one permission below, the system (proposals, tests, tasks) as the "system" actor."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from oms.core import workflow as engine
from oms.core.workflow import SYSTEM, Edge, TransitionNotAllowed, edges
from oms.inventory.models import TransferStatus as S

__all__ = ["TRANSFERS", "EDGES", "EDITABLE", "Edge", "TransitionNotAllowed"]

EDGES: list[Edge] = [
    *edges([S.DRAFT], S.APPROVED, "approve_transfer", SYSTEM),
    *edges([S.DRAFT], S.CANCELLED, "cancel_transfer", SYSTEM),
    *edges([S.APPROVED], S.DRAFT, "reopen_transfer", SYSTEM),
    *edges([S.APPROVED], S.CANCELLED, "cancel_transfer", SYSTEM),
    *edges([S.APPROVED], S.DISPATCHED, "dispatch_transfer", SYSTEM),
    *edges([S.DISPATCHED], S.RECEIVING, "receive_transfer", SYSTEM),  # part of the goods arrived
    *edges([S.DISPATCHED], S.DONE, "receive_transfer", SYSTEM),  # everything arrived
    *edges([S.RECEIVING], S.RECEIVING, "receive_transfer", SYSTEM),
    *edges([S.RECEIVING], S.DONE, "receive_transfer", SYSTEM),
    # close with units missing: the difference is recorded
    *edges([S.DISPATCHED, S.RECEIVING], S.DONE, "close_transfer", SYSTEM),
]
EDITABLE = {S.DRAFT}

_CHANGE = "inventory.change_transferplan"
TRANSFERS = engine.Workflow(
    name="transfer-plan",
    title="Transfer plan lifecycle",
    states=S,
    edges=EDGES,
    permissions={a: _CHANGE for a in dict.fromkeys(e.action for e in EDGES)},
    messages={
        engine.NO_EDGE: _("A transfer plan that is %(current)s cannot be moved to %(target)s."),
        engine.NOT_PERMITTED: _("You may not move a transfer plan from “%(source)s” to “%(target)s”."),
        engine.NO_ACTION: _("This cannot be done to a transfer plan that is “%(source)s”."),
        engine.ACTION_NOT_PERMITTED: _("You may not do this to a transfer plan that is “%(source)s”."),
    },
    action_modules=("oms.inventory.actions",),
    initial=[S.DRAFT],
    final=[S.DONE, S.CANCELLED],
    source="src/oms/inventory/workflow.py",
    notes=[
        "Only a draft plan's lines can be edited. Dispatch writes `transfer_out` moves (on hand leaves the",
        "source, in transit grows at the destination); each receipt writes `transfer_in` moves; closing with",
        "units outstanding writes an adjustment of the destination's in-transit quantity and records the",
        "difference per line in the plan's history.",
    ],
)

actions_from = TRANSFERS.actions_from
as_markdown = TRANSFERS.as_markdown


def allowed(current: str, target: str, action: str) -> bool:
    return any(e.source == current and e.target == target and e.action == action for e in EDGES)
