"""Correction and resubmission: before/after events, the guard, stale versions."""

from decimal import Decimal as D

import pytest

from oms.core.actor import Actor
from oms.monitoring.selectors import active_about
from oms.orders import actions
from oms.orders.choices import OrderStatus
from oms.orders.incoming import IncomingLine
from oms.orders.intake import ingest
from oms.orders.models import Order, OrderEvent
from oms.orders.tests.factories import channel, default_rules, incoming, product
from oms.orders.workflow import TransitionNotAllowed

pytestmark = pytest.mark.django_db


@pytest.fixture
def invalid_order():
    default_rules()
    product("SKU-0001")
    inc = incoming("C1", customer_phone="123", lines=[IncomingLine("UNKNOWN", "Tea", 2, D("50"))])
    return ingest(channel=channel(), incoming=inc, actor=Actor.channel("t"), source="webhook").order


def test_correct_then_resubmit(invalid_order, make_user):
    clerk = Actor.for_user(make_user("order_clerk"))
    assert invalid_order.status == OrderStatus.INVALID
    order = actions.correct_order(
        order_id=invalid_order.pk,
        actor=clerk,
        version=invalid_order.version,
        changes={"customer_phone": "13812348000"},
        lines=[{"platform_sku": "UNKNOWN", "sku": "SKU-0001", "name": "Tea", "quantity": 2, "unit_price": "50"}],
    )
    event = OrderEvent.objects.get(order=order, type="corrected")
    assert event.payload["changes"] == {"customer_phone": ["123", "13812348000"]}
    assert event.payload["lines"]["before"][0]["sku"] == "" and event.payload["lines"]["after"][0]["sku"] == "SKU-0001"
    assert event.actor_kind == "user" and order.version == invalid_order.version + 1
    order = actions.resubmit_order(order_id=order.pk, actor=clerk, version=order.version)
    assert order.status == OrderStatus.PENDING_REVIEW and order.problems == []
    assert order.lines.get().product_id is not None
    assert not active_about("intake_problems", "orders.order", [order.pk]).exists()
    resubmitted = OrderEvent.objects.get(order=order, type="resubmitted")
    assert (resubmitted.status_from, resubmitted.status_to) == ("invalid", "pending_review")


def test_resubmit_with_problems_stays_invalid(invalid_order, make_user):
    clerk = Actor.for_user(make_user("order_clerk"))
    order = actions.resubmit_order(order_id=invalid_order.pk, actor=clerk)
    assert order.status == OrderStatus.INVALID
    assert {p["code"] for p in order.problems} == {"phone_invalid", "sku_unmapped"}
    (alert,) = active_about("intake_problems", "orders.order", [order.pk])
    assert sorted(alert.params["problems"]) == ["phone_invalid", "sku_unmapped"]


def test_stale_version_is_refused_and_leaves_no_trace(invalid_order, make_user):
    clerk = Actor.for_user(make_user("order_clerk"))
    actions.correct_order(order_id=invalid_order.pk, actor=clerk, version=0, changes={"buyer_note": "a"})
    with pytest.raises(actions.StaleVersion, match="changed by someone else"):
        actions.correct_order(order_id=invalid_order.pk, actor=clerk, version=0, changes={"buyer_note": "b"})
    assert Order.objects.get(pk=invalid_order.pk).buyer_note == "a"
    assert OrderEvent.objects.filter(order=invalid_order, type="corrected").count() == 1


def test_guard_refuses_roles_and_states(invalid_order, make_user):
    viewer = Actor.for_user(make_user("viewer"))
    with pytest.raises(TransitionNotAllowed):
        actions.correct_order(order_id=invalid_order.pk, actor=viewer, version=None, changes={"buyer_note": "x"})
    Order.objects.filter(pk=invalid_order.pk).update(status=OrderStatus.APPROVED)
    clerk = Actor.for_user(make_user("order_clerk"))
    with pytest.raises(TransitionNotAllowed):
        actions.resubmit_order(order_id=invalid_order.pk, actor=clerk)
    assert not OrderEvent.objects.filter(order=invalid_order, type__in=["corrected", "resubmitted"]).exists()


def test_correction_recomputes_classes(invalid_order, make_user):
    clerk = Actor.for_user(make_user("order_clerk"))
    order = actions.correct_order(
        order_id=invalid_order.pk, actor=clerk, version=None, changes={"total_amount": "5000", "order_type": "urgent"}
    )
    assert "large" in order.classes and "urgent" in order.classes


def test_correcting_the_tax_clears_the_total_problem(make_user):
    default_rules()
    product("SKU-0001")
    inc = incoming("TAX1", total_amount=D("113"), paid_amount=D("113"))  # 100 of goods; the tax was forgotten
    order = ingest(channel=channel(), incoming=inc, actor=Actor.channel("t"), source="webhook").order
    assert [p["code"] for p in order.problems] == ["order_total_mismatch"]
    clerk = Actor.for_user(make_user("order_clerk"))
    order = actions.correct_order(
        order_id=order.pk,
        actor=clerk,
        version=order.version,
        changes={"tax_amount": "13.00", "taxes_included": False},
    )
    assert order.tax_amount == D("13.00") and order.taxes_included is False
    event = OrderEvent.objects.get(order=order, type="corrected")
    assert event.payload["changes"] == {"tax_amount": ["0.00", "13.00"], "taxes_included": ["True", "False"]}
    order = actions.resubmit_order(order_id=order.pk, actor=clerk)
    assert order.problems == [] and order.status == OrderStatus.PENDING_REVIEW
