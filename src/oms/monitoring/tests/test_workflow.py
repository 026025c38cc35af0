"""The lifecycle table and the kinds, without a database."""

from pathlib import Path

import pytest
from django.utils import translation

from oms.monitoring import actions, workflow
from oms.monitoring.kinds import KINDS, AlertKind, AlertState


def test_every_edge_has_its_action_and_each_action_its_one_permission():
    for e in workflow.EDGES:
        assert callable(getattr(actions, e.action)), e.action
        assert e.action in workflow.PERMISSIONS
        assert workflow.PERMISSIONS[e.action] or e.actors  # somebody may take every edge
    assert set(workflow.PERMISSIONS) == {e.action for e in workflow.EDGES}
    states = {e.source for e in workflow.EDGES} | {e.target for e in workflow.EDGES}
    assert states == set(AlertState.values)
    assert not workflow.allowed_actions(AlertState.RESOLVED, _Superuser())  # resolved is final


class _Superuser:
    def has_perm(self, perm: str) -> bool:
        return True


class _Nobody:
    def has_perm(self, perm: str) -> bool:
        return False


def test_guard_refuses_an_action_a_state_does_not_have_and_a_person_without_the_permission():
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.ensure(AlertState.RESOLVED, "acknowledge", _Superuser())
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.ensure(AlertState.ACKNOWLEDGED, "acknowledge", None)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):  # acknowledging is a person's
        workflow.ensure(AlertState.OPEN, "acknowledge", None)

    with pytest.raises(PermissionDenied):
        workflow.ensure(AlertState.OPEN, "resolve", _Nobody())
    with pytest.raises(PermissionDenied):  # clearing is the system's: no person takes that edge
        workflow.ensure(AlertState.OPEN, "clear", _Superuser())
    assert workflow.ensure(AlertState.OPEN, "clear", None).target == AlertState.RESOLVED
    assert workflow.allowed_actions(AlertState.OPEN, _Superuser()) == ["acknowledge", "assign", "resolve"]


def test_workflow_doc_is_generated_from_the_table():
    doc = Path(__file__).resolve().parents[4] / "docs" / "workflows" / "alert.md"
    assert doc.read_text() == workflow.as_markdown()


@pytest.mark.parametrize("language", ["en", "zh-hans", "zh-hant"])
def test_every_kind_renders_its_message_from_its_params(language):
    assert set(KINDS) == set(AlertKind.values)
    for code, kind in KINDS.items():
        params = {name: f"<{name}>" for name in kind.params}
        with translation.override(language):
            text = kind.render(params)
        assert all(f"<{name}>" in text for name in kind.params), (code, language, text)
        assert kind.render({}).count("{") >= len(kind.params)  # a missing parameter shows, never raises
