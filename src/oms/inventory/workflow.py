"""The transfer plan's lifecycle: one table, pure. Each edge names the action in inventory.actions
that takes it (a test proves every edge has one)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from oms.inventory.models import TransferStatus as S

# (from, to, action in oms.inventory.actions)
EDGES: list[tuple[str, str, str]] = [
    (S.DRAFT, S.APPROVED, "approve_transfer"),
    (S.DRAFT, S.CANCELLED, "cancel_transfer"),
    (S.APPROVED, S.DRAFT, "reopen_transfer"),
    (S.APPROVED, S.CANCELLED, "cancel_transfer"),
    (S.APPROVED, S.DISPATCHED, "dispatch_transfer"),
    (S.DISPATCHED, S.RECEIVING, "receive_transfer"),  # part of the goods arrived
    (S.DISPATCHED, S.DONE, "receive_transfer"),  # everything arrived
    (S.RECEIVING, S.RECEIVING, "receive_transfer"),
    (S.RECEIVING, S.DONE, "receive_transfer"),
    (S.DISPATCHED, S.DONE, "close_transfer"),  # close with units missing: the difference is recorded
    (S.RECEIVING, S.DONE, "close_transfer"),
]
EDITABLE = {S.DRAFT}


def allowed(current: str, target: str, action: str) -> bool:
    return (current, target, action) in {(str(a), str(b), c) for a, b, c in EDGES}


def ensure(current: str, target: str, action: str) -> None:
    if not allowed(current, target, action):
        raise ValidationError(
            _("A transfer plan that is %(current)s cannot be moved to %(target)s.")
            % {"current": S(current).label, "target": S(target).label}
        )


def actions_from(current: str) -> list[str]:
    return sorted({c for a, _b, c in EDGES if a == current})


def as_markdown() -> str:
    """docs/workflows/transfer-plan.md, generated from EDGES (a test keeps the file in sync)."""
    lines = [
        "# Transfer plan lifecycle",
        "",
        "Generated from `src/oms/inventory/workflow.py` (`workflow.as_markdown()`); do not edit by hand.",
        "",
        "## States",
        "",
        "| status | label |",
        "|---|---|",
        *[f"| `{value}` | {label} |" for value, label in S.choices],
        "",
        "## Transitions",
        "",
        "| from | to | action (`oms.inventory.actions`) |",
        "|---|---|---|",
        *[f"| `{a}` | `{b}` | `{c}` |" for a, b, c in EDGES],
        "",
        "Only a draft plan's lines can be edited. Dispatch writes `transfer_out` moves (on hand leaves the",
        "source, in transit grows at the destination); each receipt writes `transfer_in` moves; closing with",
        "units outstanding writes an adjustment of the destination's in-transit quantity and records the",
        "difference per line in the plan's history.",
        "",
    ]
    return "\n".join(lines)
