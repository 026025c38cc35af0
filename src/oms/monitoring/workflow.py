"""The alert lifecycle: one table on the core workflow engine (core/workflow.py), pure.

Each edge names the action in monitoring.actions that takes it; a person may take it iff they hold the
action's ONE Django permission (PERMISSIONS), and the system takes the edges that name it (clearing an
alert when its condition went away). docs/workflows/alert.md is generated from this table
(`oms workflow_docs`; a test keeps the file in sync).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oms.core import workflow as engine
from oms.core.workflow import SYSTEM, Edge, TransitionNotAllowed, edges
from oms.monitoring.kinds import AlertState as S

__all__ = ["ALERTS", "EDGES", "PERMISSIONS", "SYSTEM", "Edge", "TransitionNotAllowed"]

_ACTIVE = [S.OPEN, S.ACKNOWLEDGED]

# An alert is created open by `raise_alert` (the system's: a condition was noticed).
EDGES: list[Edge] = [
    *edges([S.OPEN], S.ACKNOWLEDGED, "acknowledge"),
    *edges(_ACTIVE, None, "assign"),
    *edges(_ACTIVE, S.RESOLVED, "resolve"),
    *edges(_ACTIVE, S.RESOLVED, "clear", SYSTEM),  # the condition went away
]

# The ONE permission a person needs for each action (None: no person takes it).
PERMISSIONS: dict[str, str | None] = {
    "acknowledge": "monitoring.acknowledge_alert",
    "assign": "monitoring.assign_alert",
    "resolve": "monitoring.resolve_alert",
    "clear": None,
}

ALERTS = engine.Workflow(
    name="alert",
    title="Alert lifecycle",
    states=S,
    edges=EDGES,
    permissions=PERMISSIONS,
    messages={
        engine.NO_EDGE: gettext_lazy("An alert that is “%(source)s” cannot become “%(target)s”."),
        engine.NOT_PERMITTED: gettext_lazy("You may not move an alert from “%(source)s” to “%(target)s”."),
        engine.NO_ACTION: gettext_lazy("This cannot be done to an alert that is “%(source)s”."),
        engine.ACTION_NOT_PERMITTED: gettext_lazy("You may not do this to an alert that is “%(source)s”."),
    },
    action_modules=("oms.monitoring.actions",),
    initial=[S.OPEN],
    final=[S.RESOLVED],
    source="src/oms/monitoring/workflow.py",
    notes=[
        "`raise_alert` (the system's) creates an alert open. At most one alert per (kind, subject, cause) is",
        "open or acknowledged (a partial unique constraint); raising it again while it is active updates its",
        "parameters and last-seen time. `clear` resolves it when its condition went away; a resolved alert is",
        "history, and the condition returning opens a new one.",
    ],
)

as_markdown = ALERTS.as_markdown


def _who(user: Any) -> Any:
    """None is the system itself; anyone else is judged by their permissions."""
    return SYSTEM if user is None else user


def edge(source: str, action: str) -> Edge:
    """The edge `action` takes from `source`; TransitionNotAllowed when there is none."""
    found = [e for e in EDGES if e.source == source and e.action == action]
    if not found:
        raise ALERTS.refusal(engine.NO_ACTION, source, action=action)
    return found[0]


def ensure(source: str, action: str, user: Any) -> Edge:
    """The edge, after checking that `user` (None for the system) may take it: a refused person is a
    PermissionDenied (403), an action the state does not have a TransitionNotAllowed (400)."""
    e = edge(source, action)
    if not ALERTS.may(e, _who(user)):
        raise PermissionDenied(_("Your role may not do this to an alert."))
    return e


def allowed_actions(source: str, user: Any) -> list[str]:
    """The actions `user` may take on an alert in `source` (for the buttons)."""
    return ALERTS.allowed_actions(source, _who(user))
