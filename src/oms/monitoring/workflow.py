"""The alert lifecycle in one table. Pure: no database.

Each edge names the action in monitoring.actions that takes it and the one Django permission a person
needs for it; edges without a permission are taken by the system only (raising an alert, clearing it
when its condition went away). docs/workflows/alert.md is generated from this table
(`workflow.as_markdown()`; a test keeps the file in sync). Kept in the shape of orders/workflow.py so
that it can move onto the shared workflow engine.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from oms.monitoring.kinds import AlertState as S

NEW = ""  # the source of the edge that creates an alert


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    action: str
    permission: str  # "" = system only


EDGES: list[Edge] = [
    Edge(NEW, S.OPEN, "raise_alert", ""),
    Edge(S.OPEN, S.ACKNOWLEDGED, "acknowledge", "monitoring.acknowledge_alert"),
    Edge(S.OPEN, S.OPEN, "assign", "monitoring.assign_alert"),
    Edge(S.ACKNOWLEDGED, S.ACKNOWLEDGED, "assign", "monitoring.assign_alert"),
    Edge(S.OPEN, S.RESOLVED, "resolve", "monitoring.resolve_alert"),
    Edge(S.ACKNOWLEDGED, S.RESOLVED, "resolve", "monitoring.resolve_alert"),
    Edge(S.OPEN, S.RESOLVED, "clear", ""),
    Edge(S.ACKNOWLEDGED, S.RESOLVED, "clear", ""),
]

# The permission of each action a person may take (one per action).
PERMISSIONS: dict[str, str] = {e.action: e.permission for e in EDGES if e.permission}


class TransitionNotAllowed(Exception):
    def __init__(self, message: str, *, source: str = "", action: str = "") -> None:
        super().__init__(message)
        self.message, self.source, self.action = message, source, action

    def __str__(self) -> str:
        return self.message


def _label(state: str) -> str:
    try:
        return str(S(state).label)
    except ValueError:
        return state


def edge(source: str, action: str) -> Edge:
    """The edge `action` takes from `source`; TransitionNotAllowed when there is none."""
    for e in EDGES:
        if e.source == source and e.action == action:
            return e
    raise TransitionNotAllowed(
        _("This cannot be done to an alert that is “%(state)s”.") % {"state": _label(source)},
        source=source,
        action=action,
    )


def ensure(source: str, action: str, user: object | None) -> Edge:
    """The edge, after checking that `user` (None for the system) may take it."""
    e = edge(source, action)
    if user is None:
        return e
    if not e.permission or not user.has_perm(e.permission):  # type: ignore[attr-defined]
        raise PermissionDenied(_("Your role may not do this to an alert."))
    return e


def allowed_actions(source: str, user: object) -> list[str]:
    """The actions `user` may take on an alert in `source` (for the buttons)."""
    return [
        e.action
        for e in EDGES
        if e.source == source and e.permission and user.has_perm(e.permission)  # type: ignore[attr-defined]
    ]


def as_markdown() -> str:
    """docs/workflows/alert.md."""
    lines = [
        "# Alert lifecycle",
        "",
        "Generated from `src/oms/monitoring/workflow.py` (`workflow.as_markdown()`); do not edit by hand.",
        "",
        "## States",
        "",
        "| state | label |",
        "|---|---|",
        *[f"| `{value}` | {label} |" for value, label in S.choices],
        "",
        "## Transitions",
        "",
        "| from | to | action (`oms.monitoring.actions`) | permission |",
        "|---|---|---|---|",
        *[
            f"| {f'`{e.source}`' if e.source else '(new)'} | `{e.target}` | `{e.action}` | "
            f"{f'`{e.permission}`' if e.permission else 'system only'} |"
            for e in EDGES
        ],
        "",
        "At most one alert per (kind, subject, cause) is open or acknowledged (a partial unique constraint);",
        "raising it again while it is active updates its parameters and last-seen time. `clear` resolves it",
        "when its condition went away; a resolved alert is history, and the condition returning opens a new one.",
        "",
    ]
    return "\n".join(lines)
