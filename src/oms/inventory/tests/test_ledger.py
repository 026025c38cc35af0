import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from oms.inventory import actions, hooks, ledger
from oms.inventory.ledger import InsufficientStock
from oms.inventory.models import Reservation, Stock, StockMove, StockThreshold
from oms.inventory.tests import factories as f
from oms.monitoring.models import Alert
from oms.orders.events import render
from oms.orders.models import OrderEvent

pytestmark = pytest.mark.django_db


def bal(p, w):
    s = Stock.objects.get(product=p, warehouse=w)
    return s.on_hand, s.reserved, s.in_transit


def test_receive_adjust_and_ledger_agrees():
    p, w = f.product(), f.warehouse("a")
    f.stock(p, w, 10)
    actions.adjust(product_id=p.pk, warehouse_id=w.pk, quantity=-3, actor=f.SYSTEM, reason="broken")
    assert bal(p, w) == (7, 0, 0)
    assert [m.kind for m in StockMove.objects.order_by("pk")] == ["receipt", "adjust"]
    assert ledger.recompute() == []
    with pytest.raises(ValidationError):
        actions.adjust(product_id=p.pk, warehouse_id=w.pk, quantity=-1, actor=f.SYSTEM, reason=" ")
    with pytest.raises(InsufficientStock):
        actions.adjust(product_id=p.pk, warehouse_id=w.pk, quantity=-8, actor=f.SYSTEM, reason="x")
    assert bal(p, w) == (7, 0, 0) and StockMove.objects.count() == 2


def test_reserve_release_ship_with_kit_and_events():
    a, b = f.product(), f.product()
    box = f.kit("KIT-1", [(a, 2), (b, 1)])
    w = f.warehouse("a")
    f.stock(a, w, 5)
    f.stock(b, w, 5)
    o = f.order([(box, 2), (a, 1)])
    rows = actions.reserve_for_order(o.pk, f.SYSTEM)
    assert sum(r.quantity for r in rows if r.product_id == a.pk) == 5
    assert bal(a, w) == (5, 5, 0) and bal(b, w) == (5, 2, 0)
    # idempotent
    again = actions.reserve_for_order(o.pk, f.SYSTEM)
    assert {r.pk for r in again} == {r.pk for r in rows}
    assert bal(a, w) == (5, 5, 0)
    assert OrderEvent.objects.filter(order=o, type="stock_reserved").count() == 1
    assert actions.release_for_order(o.pk, f.SYSTEM, reason="cancelled") == 7
    assert bal(a, w) == (5, 0, 0)
    actions.reserve_for_order(o.pk, f.SYSTEM)
    assert actions.ship_for_order(o.pk, f.SYSTEM) == 7
    assert bal(a, w) == (0, 0, 0) and bal(b, w) == (3, 0, 0)
    assert actions.ship_for_order(o.pk, f.SYSTEM) == 0
    assert set(Reservation.objects.values_list("state", flat=True)) == {"released", "shipped"}
    assert ledger.recompute() == []
    call_command("check_stock")


def test_all_or_nothing_when_short():
    a, b = f.product(), f.product()
    w = f.warehouse("a")
    f.stock(a, w, 5)
    f.stock(b, w, 1)
    o = f.order([(a, 2), (b, 2)])
    with pytest.raises(InsufficientStock):
        actions.reserve_for_order(o.pk, f.SYSTEM)
    assert bal(a, w) == (5, 0, 0) and not Reservation.objects.exists()
    assert not OrderEvent.objects.filter(order=o).exists()


def test_split_is_explained_in_the_timeline():
    a, b = f.product(), f.product()
    w1, w2 = f.warehouse("w1", priority=1), f.warehouse("w2", priority=2)
    f.stock(a, w1, 5)
    f.stock(b, w2, 5)
    o = f.order([(a, 1), (b, 1)])
    actions.reserve_for_order(o.pk, f.SYSTEM)
    ev = OrderEvent.objects.get(order=o, type="stock_reserved")
    assert ev.payload["parcels"] == 2 and "No single warehouse" in render(ev).message
    o.refresh_from_db()
    assert o.warehouse_id == w1.pk


def test_override_routing_needs_reason_and_moves_reservation():
    a = f.product()
    w1, w2 = f.warehouse("w1", priority=1), f.warehouse("w2", priority=2)
    f.stock(a, w1, 5)
    f.stock(a, w2, 5)
    o = f.order([(a, 2)])
    actions.reserve_for_order(o.pk, f.SYSTEM)
    line = o.lines.get()
    with pytest.raises(ValidationError):
        actions.override_routing(o.pk, f.SYSTEM, {line.pk: w2.pk}, reason="")
    actions.override_routing(o.pk, f.SYSTEM, {line.pk: w2.pk}, reason="customer asked")
    assert Reservation.objects.get(order=o, state="active").warehouse_id == w2.pk
    assert OrderEvent.objects.get(order=o, type="routing_overridden").reason == "customer asked"
    assert ledger.recompute() == []


def test_low_stock_alert_one_open_then_cleared():
    p, w = f.product(), f.warehouse("a")
    StockThreshold.objects.create(product=p, warehouse=w, minimum=5)
    f.stock(p, w, 10)
    assert not Alert.objects.exists()
    for _ in range(3):
        o = f.order([(p, 2)])
        actions.reserve_for_order(o.pk, f.SYSTEM)
    alerts = Alert.objects.filter(kind="low_stock", subject_id=p.pk, warehouse_id=w.pk)
    assert alerts.count() == 1 and alerts.get().state == "open" and alerts.get().params["lowest"] == 4
    assert alerts.get().params["sku"] == p.sku and alerts.get().params["threshold"] == 5
    f.stock(p, w, 3)
    assert alerts.get().state == "resolved"
    actions.reserve_for_order(f.order([(p, 3)]).pk, f.SYSTEM)  # below again: a new alert, the old one is history
    assert alerts.count() == 2 and alerts.filter(state="open").count() == 1


def test_stock_list_shows_only_pairs_with_an_active_low_stock_alert(admin_client):
    p, q, w = f.product("LOW-1"), f.product("FULL-1"), f.warehouse("a")
    StockThreshold.objects.create(product=p, warehouse=w, minimum=5)
    f.stock(p, w, 2)  # below its threshold: a "low_stock" alert
    f.stock(q, w, 50)
    assert Alert.objects.filter(kind="low_stock", subject_id=p.pk, state="open").exists()
    html = admin_client.get("/inventory/stock/", {"show": "alert"}).content.decode()
    assert "LOW-1" in html and "FULL-1" not in html


def test_hooks_called_after_commit_only(django_capture_on_commit_callbacks):
    seen = []
    hooks.on_stock_available.append(lambda w, ps: seen.append((w, ps)))
    try:
        p, w = f.product(), f.warehouse("a")
        with django_capture_on_commit_callbacks(execute=True):
            f.stock(p, w, 1)
        assert seen == [(w.pk, [p.pk])]
    finally:
        hooks.on_stock_available.pop()


def test_check_stock_reports_disagreement():
    p, w = f.product(), f.warehouse("a")
    f.stock(p, w, 4)
    Stock.objects.filter(product=p).update(on_hand=9)  # simulate corruption
    with pytest.raises(SystemExit) as exc:
        call_command("check_stock")
    assert exc.value.code == 1


def test_stocktake_posts_differences():
    p, q = f.product(), f.product()
    w = f.warehouse("a")
    f.stock(p, w, 10)
    f.stock(q, w, 4)
    c = actions.open_count(warehouse_id=w.pk, actor=f.SYSTEM)
    actions.record_counts(count_id=c.pk, counted={p.pk: 8, q.pk: 4}, actor=f.SYSTEM)
    moves = actions.post_count(count_id=c.pk, actor=f.SYSTEM, reason="annual count")
    assert [(m.kind, m.quantity) for m in moves] == [("count", -2)]
    assert bal(p, w) == (8, 0, 0)
    with pytest.raises(ValidationError):
        actions.post_count(count_id=c.pk, actor=f.SYSTEM, reason="again")


def test_explicit_decision_must_cover_the_order_exactly():
    from oms.inventory.routing import Allocation, Decision

    p, w = f.product(), f.warehouse("a")
    f.stock(p, w, 5)
    o = f.order([(p, 3)])
    line = o.lines.get()
    short = Decision(policy="manual", feasible=True, allocations=[Allocation(line.pk, p.pk, w.pk, 2)],
                     warehouse_ids=[w.pk])  # fmt: skip
    with pytest.raises(ValidationError):
        actions.reserve_for_order(o.pk, f.SYSTEM, short)
    assert bal(p, w) == (5, 0, 0)
    exact = Decision(policy="manual", feasible=True, allocations=[Allocation(line.pk, p.pk, w.pk, 3)],
                     warehouse_ids=[w.pk])  # fmt: skip
    actions.reserve_for_order(o.pk, f.SYSTEM, exact)
    assert bal(p, w) == (5, 3, 0)


def test_transfer_arrival_calls_hooks(django_capture_on_commit_callbacks):
    seen = []
    hooks.on_stock_available.append(lambda w, ps: seen.append((w, ps)))
    try:
        p = f.product()
        a, b = f.warehouse("a"), f.warehouse("b")
        f.lane(a, b)
        f.stock(p, a, 5)
        plan = actions.TransferPlan.objects.create(number="T1")
        actions.add_transfer_line(plan_id=plan.pk, source_id=a.pk, destination_id=b.pk, product_id=p.pk,
                                  quantity=2, actor=f.SYSTEM)  # fmt: skip
        actions.approve_transfer(plan.pk, f.SYSTEM)
        actions.dispatch_transfer(plan.pk, f.SYSTEM)
        line = plan.lines.get()
        seen.clear()
        with django_capture_on_commit_callbacks(execute=True):
            actions.receive_transfer(plan.pk, {line.pk: 2}, f.SYSTEM)
        assert seen == [(b.pk, [p.pk])]
    finally:
        hooks.on_stock_available.pop()
