"""The order lifecycle table: pure, no database (the engine itself: core/tests/test_workflow.py)."""

import re
from pathlib import Path

import pytest

from oms.core.roles import declared_grants
from oms.orders import workflow
from oms.orders.choices import OrderStatus as S
from oms.orders.workflow import ORDERS, TransitionNotAllowed, ensure, ensure_action


class RoleUser:
    """A user holding exactly the permissions the built-in roles' declarations grant."""

    def __init__(self, *roles: str) -> None:
        grants = declared_grants()
        self.perms = {p for r in roles for p in grants.get(r, ())}

    def has_perm(self, perm: str) -> bool:
        return perm in self.perms


def test_every_status_is_reachable_and_every_action_has_one_permission_entry():
    targets = {e.target for e in workflow.EDGES} | {S.RECEIVED}
    assert targets == set(S.values)
    assert set(workflow.PERMISSIONS) == set(ORDERS.actions())
    for action, perm in workflow.PERMISSIONS.items():
        assert perm is None or perm.startswith("orders."), action
    # the edge to ALLOCATED is taken by a real action of the warehouse
    assert {e.action for e in workflow.EDGES if e.target == S.ALLOCATED} == {"allocate_order"}
    assert ORDERS.permission_for("allocate_order") in declared_grants()["warehouse"]


def test_every_command_names_actions_of_the_table():
    for command, actions in workflow.COMMANDS.items():
        assert actions and set(actions) <= set(ORDERS.actions()), command


def test_guard_judges_people_by_permission_and_other_actors_by_pseudo_role():
    assert ensure(S.RECEIVED, S.PENDING_REVIEW, {"channel"}).action == "intake_order"
    assert ensure(S.PENDING_REVIEW, S.APPROVED, RoleUser("reviewer")).action == "approve_order"
    assert ensure(S.PENDING_FINANCE, S.APPROVED, RoleUser("finance_reviewer")).action == "finance_approve_order"
    with pytest.raises(TransitionNotAllowed, match="role"):
        ensure(S.PENDING_FINANCE, S.APPROVED, RoleUser("reviewer"))
    with pytest.raises(TransitionNotAllowed, match="role"):
        ensure(S.PENDING_REVIEW, S.APPROVED, RoleUser("order_clerk"))
    with pytest.raises(TransitionNotAllowed, match="cannot go"):
        ensure(S.DELIVERED, S.PENDING_REVIEW, RoleUser(*workflow.PERMISSIONS))
    with pytest.raises(TransitionNotAllowed):
        ensure(S.SHIPPED, S.CANCELLED, {"channel"}, action="cancel_from_platform")
    # a platform cancellation is not a person's to take, whatever they hold
    with pytest.raises(TransitionNotAllowed):
        ensure(S.APPROVED, S.CANCELLED, RoleUser("reviewer", "order_clerk"), action="cancel_from_platform")


def test_ensure_action_and_allowed_actions():
    clerk = RoleUser("order_clerk")
    assert {e.target for e in ensure_action(S.REJECTED, "resubmit_order", clerk)} == {S.PENDING_REVIEW, S.INVALID}
    with pytest.raises(TransitionNotAllowed):
        ensure_action(S.APPROVED, "resubmit_order", clerk)
    with pytest.raises(TransitionNotAllowed):
        ensure_action(S.INVALID, "resubmit_order", RoleUser("viewer"))
    assert "resubmit_order" in workflow.allowed_actions(S.INVALID, clerk)
    assert workflow.allowed_actions(S.INVALID, RoleUser("viewer")) == []
    assert workflow.allowed_commands(S.PENDING_FINANCE, RoleUser("finance_reviewer")) == ["approve", "reject", "hold"]
    assert workflow.allowed_commands(S.PENDING_FINANCE, RoleUser("reviewer")) == ["hold", "cancel"]


def action_permission_mentions(root: Path) -> list[str]:
    """Places (outside the table, the role grants, models, migrations and tests) that name a
    permission existing only for workflow actions: a second hand-written list of who may act."""
    only_actions = {p for p in workflow.PERMISSIONS.values() if p} - {"orders.add_order", "orders.change_order"}
    pattern = re.compile("|".join(re.escape(p) for p in sorted(only_actions)) + r"\b")
    allowed = {"orders/workflow.py", "orders/roles.py", "orders/review/roles.py"}
    found = []
    for path in sorted([*root.rglob("*.py"), *root.rglob("*.html")]):
        rel = path.relative_to(root).as_posix()
        if rel in allowed or "/tests/" in f"/{rel}" or "/migrations/" in rel:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if pattern.search(line):
                found.append(f"{rel}:{n}")
    return found


def test_who_may_act_is_not_written_a_second_time(tmp_path):
    assert action_permission_mentions(Path(__file__).resolve().parents[2]) == []
    (tmp_path / "orders").mkdir()
    (tmp_path / "orders" / "views.py").write_text('ACTION_PERMS = {"cancel": ("orders.cancel_order",)}\n')
    (tmp_path / "orders" / "page.html").write_text("{% if perms.orders.hold_order %}x{% endif %}\n")
    assert action_permission_mentions(tmp_path) == ["orders/page.html:1", "orders/views.py:1"]
