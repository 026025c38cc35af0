"""Stocktakes post against the quantity on hand at posting time; SKUs that moved during the count are held
back until the operator confirms them."""

import pytest
from django.core.exceptions import ValidationError

from oms.inventory import actions, ledger
from oms.inventory.actions import MovedDuringCount, count_differences
from oms.inventory.models import Count, CountLine, Stock, StockMove
from oms.inventory.tests import factories as f


def test_count_differences_pure():
    lines = [(1, 10, 8, 10, False), (2, 4, 4, 4, False), (3, 5, None, 7, True)]
    assert count_differences(lines, confirm_moved=False) == {1: -2}  # uncounted moved line does not block
    moved = [(1, 10, 8, 12, True)]
    with pytest.raises(MovedDuringCount):
        count_differences(moved, confirm_moved=False)
    assert count_differences(moved, confirm_moved=True) == {1: -4}  # against on hand now, not the snapshot


def on_hand(p, w):
    return Stock.objects.get(product=p, warehouse=w).on_hand


@pytest.mark.django_db
def test_moved_sku_is_refused_without_confirmation_and_nothing_posts():
    p, q = f.product("CNT-P"), f.product("CNT-Q")
    w = f.warehouse("a")
    f.stock(p, w, 10)
    f.stock(q, w, 4)
    c = actions.open_count(warehouse_id=w.pk, actor=f.SYSTEM)
    f.stock(p, w, 3)  # a receipt while the count is under way
    actions.record_counts(count_id=c.pk, counted={p.pk: 12, q.pk: 3}, actor=f.SYSTEM)
    before = StockMove.objects.count()
    with pytest.raises(MovedDuringCount) as exc:
        actions.post_count(count_id=c.pk, actor=f.SYSTEM, reason="annual")
    assert "CNT-P" in str(exc.value) and "CNT-Q" not in str(exc.value)
    assert StockMove.objects.count() == before and Count.objects.get(pk=c.pk).status == "open"
    status = actions.count_status(c)
    assert status[p.pk] == {"on_hand": 13, "moved": True} and status[q.pk] == {"on_hand": 4, "moved": False}

    moves = actions.post_count(count_id=c.pk, actor=f.SYSTEM, reason="annual", confirm_moved=True)
    assert sorted((m.product_id, m.quantity) for m in moves) == sorted([(p.pk, -1), (q.pk, -1)])
    assert on_hand(p, w) == 12 and on_hand(q, w) == 3  # the counted quantities, whatever moved before
    line = CountLine.objects.get(count=c, product=p)
    assert line.book_at_post == 13 and line.difference == -1
    assert ledger.recompute() == []


@pytest.mark.django_db
def test_reservations_do_not_count_as_moves_and_unmoved_skus_post_against_now():
    p = f.product("CNT-R")
    w = f.warehouse("a")
    f.stock(p, w, 10)
    c = actions.open_count(warehouse_id=w.pk, actor=f.SYSTEM)
    o = f.order([(p, 2)])
    actions.reserve_for_order(o.pk, f.SYSTEM)  # reserved units are still on the shelf
    actions.record_counts(count_id=c.pk, counted={p.pk: 9}, actor=f.SYSTEM)
    (move,) = actions.post_count(count_id=c.pk, actor=f.SYSTEM, reason="shelf")
    assert move.quantity == -1 and on_hand(p, w) == 9


@pytest.mark.django_db
def test_counting_below_reserved_is_refused():
    p = f.product("CNT-S")
    w = f.warehouse("a")
    f.stock(p, w, 5)
    c = actions.open_count(warehouse_id=w.pk, actor=f.SYSTEM)
    actions.reserve_for_order(f.order([(p, 4)]).pk, f.SYSTEM)
    actions.record_counts(count_id=c.pk, counted={p.pk: 2}, actor=f.SYSTEM)
    with pytest.raises(ledger.InsufficientStock):
        actions.post_count(count_id=c.pk, actor=f.SYSTEM, reason="short")
    assert on_hand(p, w) == 5


@pytest.mark.django_db
def test_count_page_flags_moved_lines_and_posts_after_confirmation(client, make_user):
    p = f.product("CNT-W")
    w = f.warehouse("a")
    f.stock(p, w, 6)
    client.force_login(make_user("warehouse"))
    r = client.post("/inventory/counts/", {"warehouse": w.pk})
    c = Count.objects.get()
    f.stock(p, w, 1)
    html = client.get(f"/inventory/counts/{c.pk}/").content.decode()
    assert 'data-testid="moved-warning"' in html and 'data-testid="moved"' in html
    r = client.post(f"/inventory/counts/{c.pk}/", {f"c-{p.pk}": "5", "op": "post", "reason": "yearly"}, follow=True)
    assert "moved while they were being counted" in r.content.decode()
    assert on_hand(p, w) == 7
    r = client.post(
        f"/inventory/counts/{c.pk}/",
        {f"c-{p.pk}": "5", "op": "post", "reason": "yearly", "confirm_moved": "1"},
        follow=True,
    )
    assert "Posted 1 differences" in r.content.decode()
    assert on_hand(p, w) == 5
    client.force_login(make_user("viewer"))
    assert client.post(f"/inventory/counts/{c.pk}/", {"op": "save"}).status_code == 403


def test_validation_error_subclass():
    assert issubclass(MovedDuringCount, ValidationError)
