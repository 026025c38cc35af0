from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from oms.inventory import actions, ledger, transfers, workflow
from oms.inventory.models import Stock, StockThreshold, TransferEvent, TransferStatus
from oms.inventory.tests import factories as f
from oms.inventory.transfers import Instance, LaneOption, net_position, solve


def test_net_position():
    assert net_position(available=10, in_transit=0, awaiting=0, target=4) == (6, 0)
    assert net_position(available=1, in_transit=2, awaiting=3, target=4) == (0, 4)
    assert net_position(available=3, in_transit=9, awaiting=2, target=0) == (1, 0)


def test_solve_picks_cheapest_lanes_and_reports_unmet():
    inst = Instance(
        supply={(1, 10): 5, (1, 11): 5},
        demand={(1, 12): 7, (2, 12): 3},
        lanes=[LaneOption(10, 12, 2.0, 2), LaneOption(11, 12, 1.0, 3)],
    )
    plan = solve(inst)
    got = {(fl.source, fl.destination, fl.product_id): fl.quantity for fl in plan.flows}
    assert got == {(11, 12, 1): 5, (10, 12, 1): 2}
    assert plan.cost == 9.0 and plan.moved == 7 and plan.unmet == 3


def test_every_edge_has_an_action_and_every_state_an_edge():
    for edge in workflow.EDGES:
        assert callable(getattr(actions, edge.action, None)), edge.action
    states = {e.source for e in workflow.EDGES} | {e.target for e in workflow.EDGES}
    assert states == set(TransferStatus.values)


@pytest.mark.django_db
def test_plan_lifecycle_with_partial_receipt_and_close():
    p = f.product()
    a, b = f.warehouse("a"), f.warehouse("b", province="广东")
    f.lane(a, b, "2", 3)
    f.stock(p, a, 20)
    StockThreshold.objects.create(product=p, warehouse=a, minimum=2, target=5)
    StockThreshold.objects.create(product=p, warehouse=b, minimum=2, target=8)
    awaiting = f.order([(p, 4)], province="广东", status="awaiting_stock")
    awaiting.warehouse = b
    awaiting.save()
    plan = actions.propose_transfer_plan(actor=f.SYSTEM)
    line = plan.lines.get()
    assert (line.source_id, line.destination_id, line.quantity) == (a.pk, b.pk, 12)
    assert line.expected_arrival == timezone.localdate() + timedelta(days=3)
    with pytest.raises(ValidationError):
        actions.edit_transfer_line(line_id=line.pk, quantity=21, actor=f.SYSTEM)
    actions.edit_transfer_line(line_id=line.pk, quantity=10, actor=f.SYSTEM)
    with pytest.raises(ValidationError):
        actions.dispatch_transfer(plan.pk, f.SYSTEM)  # not approved yet
    actions.approve_transfer(plan.pk, f.SYSTEM)
    actions.dispatch_transfer(plan.pk, f.SYSTEM)
    sa, sb = Stock.objects.get(product=p, warehouse=a), Stock.objects.get(product=p, warehouse=b)
    assert (sa.on_hand, sb.in_transit) == (10, 10)
    plan = actions.receive_transfer(plan.pk, {line.pk: 6}, f.SYSTEM)
    assert plan.status == "receiving"
    sb.refresh_from_db()
    assert (sb.on_hand, sb.in_transit) == (6, 4)
    with pytest.raises(ValidationError):
        actions.receive_transfer(plan.pk, {line.pk: 5}, f.SYSTEM)
    plan = actions.close_transfer(plan.pk, f.SYSTEM, reason="4 units damaged in transit")
    sb.refresh_from_db()
    assert plan.status == "done" and sb.in_transit == 0 and sb.on_hand == 6
    ev = TransferEvent.objects.filter(plan=plan, type="close_transfer").get()
    assert ev.payload["differences"] == {str(line.pk): 4}
    assert ledger.recompute() == []


@pytest.mark.django_db
def test_nothing_to_move_gives_no_plan():
    p = f.product()
    a = f.warehouse("a")
    f.stock(p, a, 3)
    assert actions.propose_transfer_plan(actor=f.SYSTEM) is None
    assert transfers.load_instance().demand == {}


def test_workflow_doc_is_generated_from_the_table():
    from pathlib import Path

    doc = Path(__file__).resolve().parents[4] / "docs" / "workflows" / "transfer-plan.md"
    assert doc.read_text() == workflow.as_markdown()


@pytest.mark.django_db
def test_a_person_moves_a_plan_only_with_the_plan_permission():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission

    from oms.core.actor import Actor
    from oms.inventory.models import TransferLine, TransferPlan

    p = f.product()
    a, b = f.warehouse("a"), f.warehouse("b", province="广东")
    plan = TransferPlan.objects.create(number="TP-T1")
    TransferLine.objects.create(plan=plan, source=a, destination=b, product=p, quantity=2)
    users = get_user_model().objects
    planners = Group.objects.create(name="Planners")  # a custom role
    perm = str(workflow.TRANSFERS.permission_for("approve_transfer"))
    planners.permissions.add(Permission.objects.get(codename=perm.split(".")[1]))
    planner, outsider = users.create(username="planner"), users.create(username="outsider")
    planner.groups.add(planners)
    with pytest.raises(workflow.TransitionNotAllowed):
        actions.approve_transfer(plan.pk, Actor.for_user(outsider))
    assert actions.approve_transfer(plan.pk, Actor.for_user(planner)).status == TransferStatus.APPROVED
