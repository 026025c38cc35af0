"""The reservation hot path: few statements, and still everything a reservation must do (ledger row, balance,
reservation rows with their ids, timeline event, low-stock alert when crossing the threshold)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oms.inventory import actions, ledger
from oms.inventory.models import Reservation, Stock, StockMove
from oms.inventory.tests import factories as f
from oms.monitoring.models import Alert
from oms.orders.models import OrderEvent

pytestmark = pytest.mark.django_db


def test_single_line_reservation_is_a_handful_of_statements():
    p, w = f.product(), f.warehouse("a")
    f.stock(p, w, 50)
    o = f.order([(p, 1)])
    with CaptureQueriesContext(connection) as ctx:
        held = actions.reserve_for_order(o.pk, f.SYSTEM)
    statements = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(statements) <= 10, statements  # was 17 through the ORM
    (r,) = held
    assert Reservation.objects.get(pk=r.pk).quantity == 1 and r.state == "active"
    assert StockMove.objects.get(kind="reserve").unit_cost == p.unit_cost
    assert OrderEvent.objects.filter(order=o, type="stock_reserved").count() == 1
    o.refresh_from_db()
    assert o.warehouse_id == w.pk
    assert actions.reserve_for_order(o.pk, f.SYSTEM) == held  # idempotent
    assert ledger.recompute() == []


def test_default_threshold_alert_raised_only_when_crossing():
    p, w = f.product(), f.warehouse("a")  # no own threshold: the default (5) applies
    f.stock(p, w, 7)
    actions.reserve_for_order(f.order([(p, 1)]).pk, f.SYSTEM)
    assert not Alert.objects.exists()  # 6 available: above the threshold, nothing to check
    actions.reserve_for_order(f.order([(p, 2)]).pk, f.SYSTEM)
    alert = Alert.objects.get(kind="low_stock")
    assert (alert.state, alert.params["available"], alert.params["lowest"]) == ("open", 4, 4)
    assert (alert.subject_id, alert.warehouse_id) == (p.pk, w.pk)
    actions.reserve_for_order(f.order([(p, 3)]).pk, f.SYSTEM)
    alert.refresh_from_db()
    assert alert.params["lowest"] == 1 and Alert.objects.count() == 1
    actions.release_for_order(Reservation.objects.filter(quantity=3).get().order_id, f.SYSTEM)
    alert.refresh_from_db()
    assert alert.state == "open" and Stock.objects.get().available == 4  # still below 5
    actions.release_for_order(Reservation.objects.filter(quantity=2).get().order_id, f.SYSTEM)
    alert.refresh_from_db()
    assert alert.state == "resolved" and Stock.objects.get().available == 6
    assert list(alert.events.values_list("type", flat=True)) == ["raised", "cleared"]


def test_kit_order_reserves_components_through_the_hot_path():
    cup, saucer = f.product("HP-CUP"), f.product("HP-SAUCER")
    gift = f.kit("HP-GIFT", [(cup, 2), (saucer, 1)])
    w = f.warehouse("a")
    f.stock(cup, w, 4)
    f.stock(saucer, w, 1)
    held = actions.reserve_for_order(f.order([(gift, 1)]).pk, f.SYSTEM)
    assert sorted((r.product_id, r.quantity) for r in held) == sorted([(cup.pk, 2), (saucer.pk, 1)])
    with pytest.raises(ledger.InsufficientStock) as exc:
        actions.reserve_for_order(f.order([(gift, 1)]).pk, f.SYSTEM)
    assert "HP-SAUCER" in str(exc.value)
    assert Reservation.objects.count() == 2 and ledger.recompute() == []
