"""ingest / ingest_many against the real database."""

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal as D

import pytest

from oms.core.actor import Actor
from oms.monitoring.selectors import active_about
from oms.orders import hooks
from oms.orders.choices import OrderStatus
from oms.orders.incoming import IncomingAddress, IncomingLine
from oms.orders.intake import ingest, ingest_many
from oms.orders.models import Order, OrderEvent
from oms.orders.tests.factories import at, channel, default_rules, incoming, product

pytestmark = pytest.mark.django_db
ACTOR = Actor.channel("tmall-test")


@pytest.fixture
def ch():
    default_rules()
    product("SKU-0001")
    return channel()


def run(ch, inc, **kw):
    return ingest(channel=ch, incoming=inc, actor=ACTOR, source="webhook", **kw)


def test_created_valid_order_goes_to_pending_review_and_fires_hook(ch, django_capture_on_commit_callbacks, monkeypatch):
    fired = []
    monkeypatch.setattr(hooks, "on_pending_review", [fired.append])  # only ours: no automatic review here
    monkeypatch.setattr(hooks, "on_pending_review_batch", [])
    with django_capture_on_commit_callbacks(execute=True):
        result = run(ch, incoming("E1"), delivery_id=7)
    order = result.order
    assert result.outcome == "created" and result.problems == []
    assert order.status == OrderStatus.PENDING_REVIEW
    assert (order.province, order.city, order.district, order.address_detail) == (
        "广东省",
        "深圳市",
        "南山区",
        "科技园南路1号",
    )
    assert order.total_amount == D("100.00") and "medium" in order.classes
    assert [(ln.sku, ln.quantity, ln.product_id is not None) for ln in order.lines.all()] == [("SKU-0001", 2, True)]
    event = OrderEvent.objects.get(order=order)
    assert (event.type, event.status_to, event.payload["delivery_id"]) == ("created", "pending_review", 7)
    assert fired == [order.pk]


def test_problems_keep_the_order_invalid_with_an_alert(ch):
    inc = incoming(
        "E2",
        customer_phone="123",
        address=IncomingAddress(raw="火星 奥林匹斯山"),
        lines=[IncomingLine("NOPE", "Mystery", 1, D("10"))],
        paid_amount=D("10"),
    )
    result = run(ch, inc)
    assert result.outcome == "created"
    assert {p.code for p in result.problems} == {"phone_invalid", "address_unresolved", "sku_unmapped"}
    order = Order.objects.get(pk=result.order.pk)
    assert order.status == OrderStatus.INVALID
    assert {p["code"] for p in order.problems} == {"phone_invalid", "address_unresolved", "sku_unmapped"}
    (alert,) = active_about("intake_problems", "orders.order", [order.pk])
    assert alert.channel_id == ch.pk and alert.params["number"] == order.number
    assert alert.events.get().type == "raised"
    assert order.lines.get().platform_sku == "NOPE"  # nothing dropped


def test_redelivery_is_unchanged_update_applies_stale_is_ignored(ch):
    first = run(ch, incoming("E3", updated_at=at("2026-01-01T10:00:00")))
    again = run(ch, incoming("E3", updated_at=at("2026-01-01T10:00:00")))
    assert again.outcome == "unchanged" and again.order.pk == first.order.pk
    newer = incoming("E3", updated_at=at("2026-01-01T11:00:00"), buyer_note="ring twice")
    updated = run(ch, newer)
    assert updated.outcome == "updated"
    order = Order.objects.get(pk=first.order.pk)
    assert order.buyer_note == "ring twice" and order.version == 1
    event = OrderEvent.objects.get(order=order, type="updated")
    assert event.payload["changes"]["buyer_note"] == ["", "ring twice"]
    stale = run(ch, incoming("E3", updated_at=at("2026-01-01T10:30:00"), buyer_note="old"))
    assert stale.outcome == "stale"
    assert Order.objects.get(pk=order.pk).buyer_note == "ring twice"
    assert OrderEvent.objects.filter(order=order).count() == 2  # created + updated, nothing for the rest
    assert Order.objects.filter(channel=ch, external_id="E3").count() == 1


def test_update_fixing_a_problem_moves_invalid_to_pending_review(ch):
    bad = run(ch, incoming("E4", customer_phone="123", updated_at=at("2026-01-01T10:00:00")))
    assert bad.order.status == OrderStatus.INVALID
    fixed = run(ch, incoming("E4", updated_at=at("2026-01-01T11:00:00")))
    assert fixed.order.status == OrderStatus.PENDING_REVIEW
    assert not active_about("intake_problems", "orders.order", [fixed.order.pk]).exists()


def test_platform_cancellation(ch):
    result = run(ch, incoming("E5", customer_phone="123"))  # invalid: an intake alert is open
    assert active_about("intake_problems", "orders.order", [result.order.pk]).exists()
    cancelled = run(ch, incoming("E5", cancelled=True))
    assert cancelled.outcome == "cancelled"
    assert not active_about("intake_problems", "orders.order", [result.order.pk]).exists()  # cleared
    assert Order.objects.get(pk=result.order.pk).status == OrderStatus.CANCELLED
    assert OrderEvent.objects.filter(order=result.order, type="cancelled", status_to="cancelled").count() == 1
    assert run(ch, incoming("E5", cancelled=True)).outcome == "unchanged"


def test_cancellation_after_shipping_is_recorded_not_applied(ch):
    result = run(ch, incoming("E6"))
    Order.objects.filter(pk=result.order.pk).update(status=OrderStatus.SHIPPED)
    outcome = run(ch, incoming("E6", cancelled=True))
    assert outcome.outcome == "unchanged"
    assert Order.objects.get(pk=result.order.pk).status == OrderStatus.SHIPPED
    assert OrderEvent.objects.filter(order=result.order, type="platform_cancel_refused").exists()


def test_duplicates_by_external_number_and_by_content(ch):
    run(ch, incoming("E7", external_number="SAME"))
    by_number = run(ch, incoming("E8", external_number="SAME", customer_phone="13900001111"))
    assert [p.code for p in by_number.problems] == ["duplicate_external_number"]
    by_content = run(ch, incoming("E9", external_number="OTHER"))
    assert [p.code for p in by_content.problems] == ["duplicate_content"]
    later = run(ch, incoming("E10", external_number="X10", placed_at=by_content.order.placed_at + timedelta(days=3)))
    assert later.problems == []


def test_ingest_many_in_batches_with_a_repeat(ch):
    items = [incoming(f"B{i}", customer_phone=f"1390000{i:04d}", external_number=f"NB{i}") for i in range(7)]
    items.append(incoming("B1", customer_phone="13900000001", external_number="NB1", buyer_note="second"))
    results = ingest_many(channel=ch, incomings=items, actor=ACTOR, source="file", batch_size=3)
    assert [r.outcome for r in results] == ["created"] * 7 + ["updated"]
    assert Order.objects.filter(channel=ch).count() == 7
    assert len({r.order.number for r in results}) == 7
    assert Order.objects.get(channel=ch, external_id="B1").buyer_note == "second"
    again = ingest_many(channel=ch, incomings=items[2:], actor=ACTOR, source="file")  # B2..B6 and the latest B1
    assert {r.outcome for r in again} == {"unchanged"}


def test_ingest_many_raises_one_alert_per_invalid_order_and_updates_it(ch):
    items = [
        incoming(
            f"V{i}",
            external_number=f"NV{i}",
            customer_phone="123" if i % 2 else f"1390000{i:04d}",
            lines=[IncomingLine("SKU-0001", "Green tea", i + 1, D("50"))],
            paid_amount=D(50 * (i + 1)),
        )
        for i in range(6)
    ]
    results = ingest_many(channel=ch, incomings=items, actor=ACTOR, source="file", batch_size=4)
    invalid = [r.order.pk for r in results if r.order.status == OrderStatus.INVALID]
    alerts = active_about("intake_problems", "orders.order", invalid)
    assert len(invalid) == 3 and alerts.count() == 3
    assert {a.params["problems"][0] for a in alerts} == {"phone_invalid"}
    # A later delivery of one of them, still invalid with another problem: the same alert, brought up to date.
    fixed_phone = replace(items[1], customer_phone="13900000001", address=IncomingAddress(raw="火星"))
    ingest_many(channel=ch, incomings=[fixed_phone], actor=ACTOR, source="file")
    alert = active_about("intake_problems", "orders.order", [results[1].order.pk]).get()
    assert alert.params["problems"] == ["address_unresolved"] and alert.events.count() == 1


def test_sku_mapping_packs(ch):
    from oms.channels.models import SkuMapping

    SkuMapping.objects.create(channel=ch, platform_sku="PACK-6", product=product("SKU-0002"), quantity=6)
    inc = incoming("E11", lines=[IncomingLine("PACK-6", "Six pack", 1, D("60"))], paid_amount=D("60"))
    result = run(ch, inc)
    line = result.order.lines.get()
    assert (line.sku, line.quantity, line.line_total) == ("SKU-0002", 6, D("60.00"))
    assert result.order.status == OrderStatus.PENDING_REVIEW


def test_batch_hook_gets_every_new_pending_order_once(ch, django_capture_on_commit_callbacks, monkeypatch):
    batches, singles = [], []
    monkeypatch.setattr(hooks, "on_pending_review_batch", [batches.append])
    monkeypatch.setattr(hooks, "on_pending_review", [singles.append])
    items = [incoming(f"H{i}", customer_phone=f"1380000{i:04d}", external_number=f"NH{i}") for i in range(3)]
    items.append(incoming("HBAD", customer_phone="1"))
    with django_capture_on_commit_callbacks(execute=True):
        results = ingest_many(channel=ch, incomings=items, actor=ACTOR, source="file")
    pending = [r.order.pk for r in results if r.order.status == OrderStatus.PENDING_REVIEW]
    assert batches == [pending] and singles == pending and len(pending) == 3


def test_unreadable_quantities_are_problems_not_crashes(ch):
    inc = incoming(
        "Q1", lines=[IncomingLine("SKU-0001", "Tea", "lots", D("50")), IncomingLine("SKU-0001", "Tea", 10**12, D("1"))]
    )
    result = run(ch, inc)
    assert result.order.status == OrderStatus.INVALID
    codes = [(p.code, p.field) for p in result.problems if p.code.startswith("quantity")]
    assert codes == [("quantity_not_positive", "lines.1"), ("quantity_out_of_range", "lines.2")]
    assert list(result.order.lines.values_list("quantity", flat=True)) == [0, 0]  # 10**12 is never stored
