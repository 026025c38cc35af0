"""One workflow engine for every aggregate (orders, transfer plans; shipments, alerts, tickets next).

A workflow is a table of edges (source, target, action). Who may take an edge is declared once:
- a person may take it iff they hold the action's ONE Django permission (`user.has_perm`), so a
  custom role made in the console works exactly like a built-in one;
- an actor that is not a person (the system itself, a sales channel, a carrier) takes the pseudo-roles
  named on the edge.
Views, the API, bulk actions and the guard all ask the same `Workflow` (permission_for,
permissions_for, ensure, allowed_actions). The engine is pure: it never reads the database
(`performer_of` resolves an Actor's user for callers that only hold an Actor). Refusals are one type,
`TransitionNotAllowed` (a ValidationError, so a form or the API answers 400 when nobody catches it).
`oms workflow_docs` writes docs/workflows/<name>.md for every workflow from `oms.<area>.workflow`.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import TextChoices

SYSTEM = "system"
CHANNEL = "channel"
CARRIER = "carrier"
PSEUDO_ROLES = frozenset({SYSTEM, CHANNEL, CARRIER})

# Message keys every workflow supplies (translated sentences, with %(source)s / %(target)s).
NO_EDGE = "no_edge"  # there is no edge source -> target
NOT_PERMITTED = "not_permitted"  # there is, but this performer may not take it
NO_ACTION = "no_action"  # the action does nothing from source
ACTION_NOT_PERMITTED = "action_not_permitted"  # it does, but not for this performer
MESSAGE_KEYS = (NO_EDGE, NOT_PERMITTED, NO_ACTION, ACTION_NOT_PERMITTED)


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    action: str
    actors: frozenset[str] = frozenset()  # pseudo-roles (not people) that may take the edge

    @property
    def roles(self) -> frozenset[str]:  # the name before issue 10
        return self.actors


def edges(sources: Iterable[str], target: str | None, action: str, *actors: str) -> list[Edge]:
    """Edges from each source to `target`; target None means the state stays (a self-loop)."""
    unknown = set(actors) - PSEUDO_ROLES
    if unknown:
        raise ValueError(f"edges name pseudo-roles only ({sorted(PSEUDO_ROLES)}), not {sorted(unknown)}")
    return [Edge(str(s), str(target or s), action, frozenset(actors)) for s in sources]


class TransitionNotAllowed(ValidationError):
    """The one refusal of every workflow: no such edge, or this performer may not take it."""

    def __init__(
        self, message: str, *, source: str = "", target: str = "", action: str = "", workflow: str = ""
    ) -> None:
        super().__init__(message, code="transition_not_allowed")
        self.message = message
        self.source, self.target, self.action, self.workflow = source, target, action, workflow

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True)
class Performer:
    """Who takes an edge: a person (judged by permission) and/or pseudo-roles (system, channel, carrier)."""

    user: Any = None
    pseudo: frozenset[str] = field(default_factory=frozenset)

    def __or__(self, other: Iterable[str]) -> Performer:
        return Performer(self.user, self.pseudo | frozenset(other))

    def holds(self, perm: str | None) -> bool:
        return bool(perm) and self.user is not None and bool(self.user.has_perm(perm))


def performer(who: Any) -> Performer:
    """A Performer from a Performer, a user, one pseudo-role or an iterable of pseudo-roles."""
    if isinstance(who, Performer):
        return who
    if who is None:
        return Performer()
    if hasattr(who, "has_perm"):
        return Performer(user=who)
    if isinstance(who, str):
        return Performer(pseudo=frozenset({who}))
    return Performer(pseudo=frozenset(str(w) for w in who))


def performer_of(actor: Any, user: Any = None) -> Performer:
    """The performer behind an Actor: its kind as a pseudo-role, or (kind "user") the person."""
    kind = getattr(actor, "kind", SYSTEM)
    if kind != "user":
        return Performer(pseudo=frozenset({kind}))
    if user is None:
        from django.contrib.auth import get_user_model

        user_id = getattr(actor, "user_id", None)
        user = get_user_model().objects.filter(pk=user_id).first() if user_id is not None else None
    if user is None or not getattr(user, "is_active", False):
        return Performer()
    return Performer(user=user)


class Workflow:
    """One aggregate's lifecycle: its states, edges, the one permission of each action, the refusal
    sentences, where its action functions live (checked by core/tests/test_workflow.py) and the
    actions still planned (no function yet). Checked for consistency when declared."""

    def __init__(
        self,
        *,
        name: str,
        title: str,
        states: type[TextChoices],
        edges: Iterable[Edge],
        permissions: Mapping[str, str | None],
        messages: Mapping[str, Any],
        action_modules: Iterable[str],
        initial: Iterable[str] = (),
        final: Iterable[str] = (),
        planned: Mapping[str, str] | None = None,
        source: str = "",
        notes: Iterable[str] = (),
    ) -> None:
        self.name, self.title, self.states = name, title, states
        self.edges: list[Edge] = list(edges)
        self.permissions = dict(permissions)
        self.messages = dict(messages)
        self.action_modules = tuple(action_modules)
        self.initial, self.final = tuple(initial), tuple(final)
        self.planned = dict(planned or {})  # action -> who delivers it (no function yet)
        self.source, self.notes = source, tuple(notes)
        values = set(states.values)
        for e in self.edges:
            if e.source not in values or e.target not in values:
                raise ValueError(f"{name}: edge {e} names an unknown state")
            if e.action not in self.permissions:
                raise ValueError(f"{name}: action {e.action!r} has no entry in the permission map")
        missing = set(MESSAGE_KEYS) - set(self.messages)
        if missing:
            raise ValueError(f"{name}: messages missing {sorted(missing)}")

    # --- reading the table ---

    def actions(self) -> list[str]:
        return list(dict.fromkeys(e.action for e in self.edges))

    def edges_from(self, source: str) -> list[Edge]:
        return [e for e in self.edges if e.source == source]

    def actions_from(self, source: str) -> list[str]:
        return sorted({e.action for e in self.edges_from(source)})

    def permission_for(self, action: str) -> str | None:
        """The one Django permission ("app.codename") a person needs to take `action`'s edges."""
        return self.permissions[action]

    def permissions_for(self, *actions: str) -> tuple[str, ...]:
        """The permissions of several actions (an endpoint that takes any of them needs one)."""
        return tuple(dict.fromkeys(p for a in actions if (p := self.permissions[a])))

    def may(self, edge: Edge, who: Any) -> bool:
        p = performer(who)
        return bool(edge.actors & p.pseudo) or p.holds(self.permissions.get(edge.action))

    # --- the guard ---

    def _label(self, state: str) -> str:
        try:
            return str(self.states(state).label)
        except ValueError:
            return state

    def refusal(self, key: str, source: str, target: str = "", action: str = "") -> TransitionNotAllowed:
        """The refusal `key` (one of MESSAGE_KEYS) in this workflow's words, for a guard of its own."""
        words = {"source": self._label(source), "target": self._label(target) if target else ""}
        words["current"] = words["source"]
        return TransitionNotAllowed(
            str(self.messages[key]) % words, source=source, target=target, action=action, workflow=self.name
        )

    def ensure(self, source: str, target: str, who: Any, action: str | None = None) -> Edge:
        """The edge source -> target (taken by `action` if given) that `who` may take; else refused."""
        candidates = [e for e in self.edges if e.source == source and e.target == target]
        if action is not None:
            candidates = [e for e in candidates if e.action == action]
        if not candidates:
            raise self.refusal(NO_EDGE, source, target, action or "")
        for edge in candidates:
            if self.may(edge, who):
                return edge
        raise self.refusal(NOT_PERMITTED, source, target, action or "")

    def ensure_action(self, source: str, action: str, who: Any) -> list[Edge]:
        """The edges `action` may take from `source` for `who`; refused when there are none."""
        found = [e for e in self.edges if e.source == source and e.action == action]
        if not found:
            raise self.refusal(NO_ACTION, source, action=action)
        allowed = [e for e in found if self.may(e, who)]
        if not allowed:
            raise self.refusal(ACTION_NOT_PERMITTED, source, action=action)
        return allowed

    def allowed_actions(self, source: str, who: Any) -> list[str]:
        p = performer(who)
        return list(dict.fromkeys(e.action for e in self.edges if e.source == source and self.may(e, p)))

    def move(self, obj: Any, target: str, who: Any, action: str, *, attr: str = "status") -> Edge:
        """Guard, then set the state on `obj` (the caller saves, in the same transaction as its event)."""
        edge = self.ensure(getattr(obj, attr), target, who, action=action)
        setattr(obj, attr, target)
        return edge

    # --- generated docs ---

    def as_markdown(self) -> str:
        """docs/workflows/<name>.md: states, transitions with who may take them, a mermaid diagram."""
        from django.utils import translation

        with translation.override("en"):
            return self._markdown()

    def _markdown(self) -> str:
        lines = [
            f"# {self.title}",
            "",
            f"Generated from `{self.source}` by `oms workflow_docs`; do not edit by hand.",
            "A person may take a transition iff they hold its action's permission (any role, built-in or",
            "custom, that has it); other actors (system, channel, carrier) take the transitions that name them.",
            "",
            "## States",
            "",
            "| state | label |",
            "|---|---|",
            *[f"| `{value}` | {label} |" for value, label in self.states.choices],
            "",
            "## Actions",
            "",
            "| action | permission (people) | delivered |",
            "|---|---|---|",
        ]
        for action in self.actions():
            perm = self.permissions[action]
            where = f"planned ({self.planned[action]})" if action in self.planned else "yes"
            lines.append(f"| `{action}` | {f'`{perm}`' if perm else '— (not people)'} | {where} |")
        lines += ["", "## Transitions", "", "| from | to | action | other actors |", "|---|---|---|---|"]
        for e in self.edges:
            lines.append(f"| `{e.source}` | `{e.target}` | `{e.action}` | {', '.join(sorted(e.actors)) or '—'} |")
        lines += ["", "## Diagram", "", "```mermaid", "stateDiagram-v2"]
        lines += [f"    [*] --> {s}" for s in self.initial]
        pairs: dict[tuple[str, str], list[str]] = {}
        for e in self.edges:
            names = pairs.setdefault((e.source, e.target), [])
            if e.action not in names:
                names.append(e.action)
        for (source, target), names in pairs.items():
            lines.append(f"    {source} --> {target}: {' / '.join(names)}")
        lines += [f"    {s} --> [*]" for s in self.final]
        lines += ["```", ""]
        if self.notes:
            lines += [*self.notes, ""]
        return "\n".join(lines)


def registered() -> list[Workflow]:
    """Every WORKFLOW declared by an area's `workflow` module (oms.<area>.workflow)."""
    from oms.core.roles import AREAS

    found: list[Workflow] = []
    for area in AREAS:
        try:
            module = importlib.import_module(f"oms.{area}.workflow")
        except ModuleNotFoundError as exc:
            if exc.name != f"oms.{area}.workflow":
                raise
            continue
        found.extend(w for w in vars(module).values() if isinstance(w, Workflow) and w not in found)
    return found
