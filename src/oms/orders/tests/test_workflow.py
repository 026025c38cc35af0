"""The lifecycle table: pure, no database."""

import importlib

import pytest

from oms.orders import workflow
from oms.orders.choices import OrderStatus as S
from oms.orders.workflow import TransitionNotAllowed, ensure, ensure_action

# Actions delivered by later issues. Once their function lands in orders/actions.py the test below
# checks it too; until then each is listed here, with its owner, so no edge is silently unowned.
LATER = {
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
# Actions of this issue and where they live.
OWN = {
    "intake_order": ("oms.orders.intake", "ingest"),
    "recheck_order": ("oms.orders.intake", "ingest"),
    "cancel_from_platform": ("oms.orders.intake", "ingest"),
    "resubmit_order": ("oms.orders.actions", "resubmit_order"),
}


def test_every_status_is_reachable_and_every_edge_names_an_owned_action():
    targets = {e.target for e in workflow.EDGES} | {S.RECEIVED}
    assert targets == set(S.values)
    for edge in workflow.EDGES:
        assert edge.action, edge
        assert edge.roles, edge
        assert edge.action in OWN or edge.action in LATER, f"{edge.action} has no owner"
        assert workflow.ACTION_OWNERS[edge.action] == ("issue 4" if edge.action in OWN else LATER[edge.action])


def test_own_actions_exist_and_later_ones_are_checked_once_they_land():
    actions = importlib.import_module("oms.orders.actions")
    for action, (module, name) in OWN.items():
        assert callable(getattr(importlib.import_module(module), name)), action
    for action in LATER:
        if hasattr(actions, action):  # landed: it must be a function
            assert callable(getattr(actions, action))


def test_guard_allows_listed_roles_and_refuses_others():
    assert ensure(S.RECEIVED, S.PENDING_REVIEW, {"channel"}).action == "intake_order"
    assert ensure(S.PENDING_REVIEW, S.APPROVED, {"reviewer"}).action == "approve_order"
    assert ensure(S.PENDING_REVIEW, S.APPROVED, {"administrator"})
    with pytest.raises(TransitionNotAllowed, match="role"):
        ensure(S.PENDING_REVIEW, S.APPROVED, {"order_clerk"})
    with pytest.raises(TransitionNotAllowed, match="cannot go"):
        ensure(S.DELIVERED, S.PENDING_REVIEW, {"administrator"})
    with pytest.raises(TransitionNotAllowed):
        ensure(S.SHIPPED, S.CANCELLED, {"channel"}, action="cancel_from_platform")


def test_ensure_action_and_allowed_actions():
    assert {e.target for e in ensure_action(S.REJECTED, "resubmit_order", {"order_clerk"})} == {
        S.PENDING_REVIEW,
        S.INVALID,
    }
    with pytest.raises(TransitionNotAllowed):
        ensure_action(S.APPROVED, "resubmit_order", {"order_clerk"})
    with pytest.raises(TransitionNotAllowed):
        ensure_action(S.INVALID, "resubmit_order", {"viewer"})
    assert "resubmit_order" in workflow.allowed_actions(S.INVALID, {"order_clerk"})
    assert workflow.allowed_actions(S.INVALID, {"viewer"}) == []


def test_generated_docs_are_up_to_date():
    from pathlib import Path

    doc = Path(__file__).resolve().parents[4] / "docs" / "workflows" / "orders.md"
    assert doc.exists(), "run: oms workflow_docs"
    assert doc.read_text(encoding="utf-8") == workflow.as_markdown(), "docs out of date: run oms workflow_docs"
