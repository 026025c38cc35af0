"""The workflow engine and every registered workflow: each edge's action is a real function where
the workflow says its actions live, each action has its one permission entry, docs are generated."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db.models import TextChoices

from oms.core import workflow as engine
from oms.core.workflow import SYSTEM, Edge, Performer, TransitionNotAllowed, Workflow, edges, registered

DOCS = Path(__file__).resolve().parents[4] / "docs" / "workflows"


class Light(TextChoices):
    RED = "red", "Red"
    GREEN = "green", "Green"


MESSAGES = {
    engine.NO_EDGE: "no %(source)s to %(target)s",
    engine.NOT_PERMITTED: "not you, %(source)s to %(target)s",
    engine.NO_ACTION: "nothing from %(source)s",
    engine.ACTION_NOT_PERMITTED: "not you from %(source)s",
}


class User:
    def __init__(self, *perms: str) -> None:
        self.perms = set(perms)

    def has_perm(self, perm: str) -> bool:
        return perm in self.perms


def light(extra: list[Edge] | None = None, modules: tuple[str, ...] = (), **perms: str | None) -> Workflow:
    table = [*edges([Light.RED], Light.GREEN, "go", SYSTEM), *edges([Light.GREEN], Light.RED, "stop"), *(extra or [])]
    return Workflow(
        name="light",
        title="Light",
        states=Light,
        edges=table,
        permissions={"go": "app.go", "stop": "app.stop", **perms},
        messages=MESSAGES,
        action_modules=modules,
    )


def missing_actions(workflow: Workflow) -> list[str]:
    """The actions of `workflow` with no function of that name in its action modules; a planned
    action must have none yet (so the list shrinks when it lands)."""
    modules = [importlib.import_module(m) for m in workflow.action_modules]
    wrong = []
    for action in workflow.actions():
        found = any(callable(getattr(m, action, None)) for m in modules)
        if found == (action in workflow.planned):
            wrong.append(action)
    return wrong


def test_a_person_needs_the_actions_permission_other_actors_the_pseudo_role():
    w = light()
    assert w.ensure(Light.RED, Light.GREEN, User("app.go")).action == "go"
    assert w.ensure(Light.RED, Light.GREEN, {SYSTEM}).action == "go"
    assert w.ensure(Light.RED, Light.GREEN, Performer(user=User(), pseudo=frozenset({SYSTEM})))
    with pytest.raises(TransitionNotAllowed, match="not you, Red to Green"):
        w.ensure(Light.RED, Light.GREEN, User("app.stop"))
    with pytest.raises(TransitionNotAllowed, match="not you"):
        w.ensure(Light.GREEN, Light.RED, {SYSTEM})  # no pseudo-role named on the edge
    with pytest.raises(TransitionNotAllowed, match="no Green to Green"):
        w.ensure(Light.GREEN, Light.GREEN, User("app.go", "app.stop"))
    assert w.allowed_actions(Light.GREEN, User("app.stop")) == ["stop"]
    assert w.allowed_actions(Light.GREEN, User("app.go")) == []
    with pytest.raises(TransitionNotAllowed, match="nothing from Green"):
        w.ensure_action(Light.GREEN, "go", User("app.go"))
    with pytest.raises(TransitionNotAllowed, match="not you from Green"):
        w.ensure_action(Light.GREEN, "stop", User("app.go"))


def test_the_refusal_is_one_validation_error_carrying_the_edge():
    with pytest.raises(ValidationError) as caught:
        light().ensure(Light.GREEN, Light.RED, User())
    exc = caught.value
    assert isinstance(exc, TransitionNotAllowed)
    assert (exc.workflow, exc.source, exc.target) == ("light", "green", "red")
    assert exc.messages == [str(exc)]


def test_move_guards_then_sets_the_state():
    obj = SimpleNamespace(status="red")
    assert light().move(obj, Light.GREEN, User("app.go"), "go").action == "go"
    assert obj.status == "green"
    with pytest.raises(TransitionNotAllowed):
        light().move(obj, Light.RED, User("app.go"), "stop")
    assert obj.status == "green"


def test_the_table_is_checked_when_declared():
    with pytest.raises(ValueError, match="permission map"):
        light(extra=edges([Light.RED], Light.RED, "blink"))
    with pytest.raises(ValueError, match="pseudo-roles"):
        edges([Light.RED], Light.GREEN, "go", "reviewer")  # built-in roles are not named on edges


def test_every_edge_of_every_workflow_is_taken_by_a_function_of_that_name():
    found = {w.name: w for w in registered()}
    assert {"orders", "transfer-plan"} <= set(found)
    for workflow in found.values():
        assert workflow.action_modules, workflow.name
        assert missing_actions(workflow) == [], workflow.name
        assert set(workflow.permissions) == set(workflow.actions()), workflow.name


def test_the_edge_check_fails_for_an_edge_without_a_function():
    modules = ("oms.orders.review.transitions",)
    fake = light(extra=edges([Light.RED], Light.RED, "approve_order"), modules=modules, approve_order="app.x")
    assert missing_actions(fake) == ["go", "stop"]  # no such functions there; approve_order is found
    real = light(extra=edges([Light.RED], Light.RED, "approve_order"), modules=modules, approve_order="app.x")
    real.edges = [e for e in real.edges if e.action == "approve_order"]
    assert missing_actions(real) == []


def test_generated_docs_are_up_to_date():
    for workflow in registered():
        doc = DOCS / f"{workflow.name}.md"
        assert doc.exists(), "run: oms workflow_docs"
        assert doc.read_text(encoding="utf-8") == workflow.as_markdown(), f"{doc.name} out of date: oms workflow_docs"
