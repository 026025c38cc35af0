"""The alert lifecycle in one table. Pure: no database.

Each edge names the action in monitoring.actions that takes it; a person may take it iff they hold the
action's ONE Django permission (PERMISSIONS), and the system takes the edges that name it (clearing an
alert when its condition went away). docs/workflows/alert.md is generated from this table
(`workflow.as_markdown()`; a test keeps the file in sync). Kept in the shape of the shared workflow
engine (core/workflow.py, being written on the `wf` branch) so that it moves onto it as a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from oms.monitoring.kinds import AlertState as S

SYSTEM = "system"  # the pseudo-role of the actions no person takes


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    action: str
    actors: frozenset[str] = frozenset()  # pseudo-roles (not people) that may take the edge


def _edges(sources: Sequence[str], target: str | None, action: str, *actors: str) -> list[Edge]:
    """Edges from each source to `target`; target None means the state stays (a self-loop)."""
    return [Edge(str(s), str(target or s), action, frozenset(actors)) for s in sources]


_ACTIVE = [S.OPEN, S.ACKNOWLEDGED]

# An alert is created open by `raise_alert` (the system's: a condition was noticed).
EDGES: list[Edge] = [
    *_edges([S.OPEN], S.ACKNOWLEDGED, "acknowledge"),
    *_edges(_ACTIVE, None, "assign"),
    *_edges(_ACTIVE, S.RESOLVED, "resolve"),
    *_edges(_ACTIVE, S.RESOLVED, "clear", SYSTEM),  # the condition went away
]

# The ONE permission a person needs for each action (None: no person takes it).
PERMISSIONS: dict[str, str | None] = {
    "acknowledge": "monitoring.acknowledge_alert",
    "assign": "monitoring.assign_alert",
    "resolve": "monitoring.resolve_alert",
    "clear": None,
}


class TransitionNotAllowed(ValidationError):
    """The action does nothing from the alert's state (a ValidationError: the API answers 400)."""

    def __init__(self, message: str, *, source: str = "", action: str = "") -> None:
        super().__init__(message, code="transition_not_allowed")
        self.message, self.source, self.action = message, source, action

    def __str__(self) -> str:
        return str(self.message)


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


def _may(e: Edge, user: Any) -> bool:
    """The system takes the edges naming it; a person those whose action's permission they hold."""
    if user is None:
        return SYSTEM in e.actors
    perm = PERMISSIONS[e.action]
    return bool(perm) and bool(user.has_perm(perm))


def ensure(source: str, action: str, user: Any) -> Edge:
    """The edge, after checking that `user` (None for the system) may take it."""
    e = edge(source, action)
    if not _may(e, user):
        raise PermissionDenied(_("Your role may not do this to an alert."))
    return e


def allowed_actions(source: str, user: Any) -> list[str]:
    """The actions `user` may take on an alert in `source` (for the buttons)."""
    return list(dict.fromkeys(e.action for e in EDGES if e.source == source and _may(e, user)))


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
        "| from | to | action (`oms.monitoring.actions`) | permission (people) | other actors |",
        "|---|---|---|---|---|",
        *[
            f"| `{e.source}` | `{e.target}` | `{e.action}` | "
            f"{f'`{PERMISSIONS[e.action]}`' if PERMISSIONS[e.action] else '—'} | {', '.join(sorted(e.actors)) or '—'} |"
            for e in EDGES
        ],
        "",
        "`raise_alert` (the system's) creates an alert open. At most one alert per (kind, subject, cause) is",
        "open or acknowledged (a partial unique constraint); raising it again while it is active updates its",
        "parameters and last-seen time. `clear` resolves it when its condition went away; a resolved alert is",
        "history, and the condition returning opens a new one.",
        "",
    ]
    return "\n".join(lines)
