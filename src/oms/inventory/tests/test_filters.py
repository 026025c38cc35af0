"""The inventory console's FilterSets: each query-string filter narrows the list, a value that does not
parse is left out instead of failing the page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.http import QueryDict
from django.utils import timezone

from oms.inventory import actions, filters
from oms.inventory.models import Stock, StockMove, TransferPlan
from oms.inventory.tests import factories as f

pytestmark = pytest.mark.django_db


def q(text: str) -> QueryDict:
    return QueryDict(text)


def test_stock_filters() -> None:
    tea, cup = f.product(), f.product()
    a, b = f.warehouse("a"), f.warehouse("b")
    f.stock(tea, a, 5)
    f.stock(cup, b, 2)
    o = f.order([(cup, 2)])

    actions.reserve_for_order(o.pk, f.SYSTEM)
    base = Stock.objects.all()
    found, shown = filters.apply(filters.StockFilter, q(f"q={tea.sku}"), base)
    assert [s.product_id for s in found] == [tea.pk] and shown["q"] == tea.sku
    assert [s.warehouse_id for s in filters.apply(filters.StockFilter, q("warehouse=b"), base)[0]] == [b.pk]
    assert [s.product_id for s in filters.apply(filters.StockFilter, q("show=out"), base)[0]] == [cup.pk]
    assert [s.product_id for s in filters.apply(filters.StockFilter, q("show=available"), base)[0]] == [tea.pk]
    everything, shown = filters.apply(filters.StockFilter, q("show=nonsense"), base)
    assert everything.count() == 2 and shown["show"] == "nonsense"


def test_move_filters_dates_and_references() -> None:
    p, w = f.product(), f.warehouse("a")
    f.stock(p, w, 5)
    o = f.order([(p, 1)])

    actions.reserve_for_order(o.pk, f.SYSTEM)
    base = StockMove.objects.all()
    assert filters.apply(filters.MoveFilter, q(f"ref=order:{o.pk}"), base)[0].get().kind == "reserve"
    assert filters.apply(filters.MoveFilter, q("ref=order:x"), base)[0].count() == 2  # unusable: ignored
    today = timezone.localdate()
    assert filters.apply(filters.MoveFilter, q(f"since={today + timedelta(days=1)}"), base)[0].count() == 0
    assert filters.apply(filters.MoveFilter, q(f"until={today}&kind=receipt"), base)[0].count() == 1
    assert filters.apply(filters.MoveFilter, q("since=abc"), base)[0].count() == 2


def test_transfer_status_filter() -> None:
    TransferPlan.objects.create(number="T1")
    TransferPlan.objects.create(number="T2", status="approved")
    assert [t.number for t in filters.apply(filters.TransferFilter, q("status=approved"), TransferPlan.objects)[0]] == [
        "T2"
    ]
