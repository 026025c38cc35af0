from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from oms.inventory import actions, alerts, analysis
from oms.inventory.models import StockMove
from oms.inventory.tests import factories as f

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_average_level_is_time_weighted():
    end = T0 + timedelta(days=10)
    # 10 units all period, 10 more arrive half-way: average 15
    assert analysis.average_level(20, [(T0 + timedelta(days=5), 10)], T0, end) == pytest.approx(15)
    assert analysis.average_level(7, [], T0, end) == 7


def test_replenishment_formula():
    class S:
        available, in_transit = 10, 5

    assert analysis.replenishment(2.0, 14, 7, S()) == 42 - 15
    assert analysis.replenishment(0.0, 14, 7, S(), target=30) == 15
    assert analysis.replenishment(0.1, 14, 7, S()) == 0


def test_alert_decision():
    assert alerts.decide(3, 5, False) == "raise"
    assert alerts.decide(3, 5, True) is None
    assert alerts.decide(5, 5, True) == "clear"
    assert alerts.decide(0, 0, False) is None
    assert alerts.threshold_for(None, 12, 5) == 12


@pytest.mark.django_db
def test_turnover_overstock_slow_movers():
    p, q = f.product(cost="10"), f.product(cost="4")
    w = f.warehouse("a")
    f.stock(p, w, 100)
    f.stock(q, w, 50)
    StockMove.objects.update(created_at=timezone.now() - timedelta(days=100))
    o = f.order([(p, 20)])
    actions.reserve_for_order(o.pk, f.SYSTEM)
    actions.ship_for_order(o.pk, f.SYSTEM)
    start, end = timezone.now() - timedelta(days=30), timezone.now()
    rows = {r.sku: r for r in analysis.turnover(start, end)}
    assert rows[p.sku].cogs == 200 and rows[p.sku].turnover == pytest.approx(200 / 1000, rel=0.01)
    assert rows[q.sku].turnover == 0 and rows[q.sku].days_of_inventory is None
    cov = analysis.cover()
    assert [r.stock.product_id for r in analysis.slow_movers(cov)] == [q.pk]
    # 80 available at 20/30 per day = 120 days of cover > 90
    assert [r.stock.product_id for r in analysis.overstock(cov)] == [p.pk]
    assert "<svg" in analysis.bar_chart([("<x>", 1.0)]) and "&lt;x&gt;" in analysis.bar_chart([("<x>", 1.0)])
