"""Amounts and quantities against their columns: the pure check, the bulk import path, the API
and the console's line form."""

from decimal import Decimal as D

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.test import APIClient

from oms.core import validators
from oms.core.actor import Actor
from oms.orders import intake, rules
from oms.orders.choices import OrderStatus
from oms.orders.forms import LineForm
from oms.orders.incoming import IncomingLine
from oms.orders.models import Order, OrderLine
from oms.orders.rules import Draft, DraftLine
from oms.orders.tests.factories import channel, default_rules, incoming, product

LARGEST = D("999999999999.99")
ACTOR = Actor.channel("tmall-test")


def test_validator_bounds_are_the_columns():
    """The limits the checks use are the model's: a changed column fails here, not in production."""
    for model, name in [(Order, "total_amount"), (OrderLine, "unit_price"), (OrderLine, "line_total")]:
        f = model._meta.get_field(name)
        assert (f.max_digits, f.decimal_places) == (validators.MONEY_MAX_DIGITS, validators.MONEY_DECIMAL_PLACES)
    for name in rules.ORDER_AMOUNTS:
        f = Order._meta.get_field(name)
        assert validators.largest_decimal(f.max_digits, f.decimal_places) == LARGEST
    assert validators.largest_decimal() == LARGEST
    assert validators.decimal_fits(LARGEST) and validators.decimal_fits(-LARGEST)
    assert not validators.decimal_fits(LARGEST + D("0.01")) and not validators.decimal_fits(D("NaN"))
    assert validators.int_fits(2**31 - 1) and not validators.int_fits(2**31)


def draft_with(qty, unit, total=None, **amounts):
    line_total = total if total is not None else rules.cents(unit * qty)
    line = DraftLine("P", "Tea", qty, unit, line_total, sku="SKU-1", product_id=1)
    return Draft(lines=[line], goods_amount=line_total, total_amount=line_total, paid_amount=line_total, **amounts)


def test_check_ranges_names_each_value_beyond_its_column():
    assert rules.check_ranges(draft_with(2, D("50.00"))) == []
    problems = rules.check_ranges(draft_with(1_000_000, LARGEST))
    found = {(p.code, p.field, p.params.get("field")) for p in problems}
    assert found == {
        ("line_amount_out_of_range", "lines.1", "line_total"),
        ("amount_out_of_range", "goods_amount", "goods_amount"),
        ("amount_out_of_range", "total_amount", "total_amount"),
        ("amount_out_of_range", "paid_amount", "paid_amount"),
    }
    shipping = rules.check_ranges(draft_with(1, D("1.00"), shipping_amount=D("1e13")))
    assert [(p.code, p.field) for p in shipping] == [("amount_out_of_range", "shipping_amount")]
    qty = rules.check_ranges(draft_with(2**31, D("0.00")))
    assert [p.code for p in qty] == ["quantity_out_of_range"]
    # the check runs with every other one
    assert "amount_out_of_range" in {p.code for p in rules.check_all(draft_with(1_000_000, LARGEST))}


def test_range_messages_render_the_field_in_the_reader_language():
    problem = rules.Problem(
        "amount_out_of_range", "total_amount", {"field": "total_amount", "value": "1E+20", "max": "9"}
    )
    with translation.override("en"):
        assert "order total 1E+20" in problem.message
    with translation.override("zh-hans"):
        text = problem.message
    assert "1E+20" in text and "total" not in text


@given(st.decimals(allow_nan=True, allow_infinity=True), st.integers())
def test_any_amount_or_quantity_is_stored_within_the_columns_or_reported(amount, quantity):
    value = rules.money(amount)
    problems = rules.check_ranges(draft_with(quantity, value, total=value))
    stored = rules.stored_amount(value), rules.stored_quantity(quantity)
    assert validators.decimal_fits(stored[0]) and validators.int_fits(stored[1])
    if stored != (value, quantity):
        assert problems


@pytest.mark.django_db
def test_the_bulk_import_path_stores_nothing_beyond_the_columns():
    default_rules()
    product("SKU-0001")
    ch = channel()
    huge = incoming("B1", lines=[IncomingLine("SKU-0001", "Tea", 1_000_000, LARGEST)], paid_amount=D("1e18"))
    ok = incoming("B2", external_number="NB2", customer_phone="13800001111")
    ctx = intake.Context(ch, ACTOR, "file", None)
    results = intake.store_many(ctx, intake.prepare_all(ctx, [huge, ok]))
    assert [r.order.status for r in results] == [OrderStatus.INVALID, OrderStatus.PENDING_REVIEW]
    stored = Order.objects.get(external_id="B1")
    assert stored.total_amount == 0 and stored.lines.get().line_total == 0  # read back from the database
    assert {"amount_out_of_range", "line_amount_out_of_range"} <= {p["code"] for p in stored.problems}


@pytest.mark.django_db
def test_api_create_beyond_the_columns_is_invalid_or_refused(make_user):
    product("SKU-0001")
    channel("api-test", "api")
    client = APIClient()
    client.force_authenticate(make_user("order_clerk"))
    body = {
        "channel": "api-test",
        "external_id": "BIG1",
        "customer_name": "王五",
        "customer_phone": "13512345678",
        "address": {"raw": "北京市朝阳区建国路88号"},
        "lines": [{"platform_sku": "SKU-0001", "quantity": 1_000_000, "unit_price": "999999999999.99"}],
    }
    created = client.post("/api/v1/orders/", body, format="json")
    assert created.status_code == 201, created.content
    order = created.json()["order"]
    assert order["status"] == OrderStatus.INVALID
    assert client.get(f"/api/v1/orders/{order['id']}/").status_code == 200
    too_many = {**body, "external_id": "BIG2", "lines": [{**body["lines"][0], "quantity": 2**31}]}
    refused = client.post("/api/v1/orders/", too_many, format="json")
    assert refused.status_code == 400 and "lines" in refused.json()["error"]["fields"]
    nan = {**body, "external_id": "BIG3", "paid_amount": "NaN"}
    assert client.post("/api/v1/orders/", nan, format="json").status_code == 400


def test_line_form_refuses_a_product_beyond_the_column():
    form = LineForm(data={"platform_sku": "P", "quantity": "1000000", "unit_price": "999999999999.99"})
    assert not form.is_valid() and "quantity" in form.errors
    assert not LineForm(data={"platform_sku": "P", "quantity": str(2**31)}).is_valid()
    assert LineForm(data={"platform_sku": "P", "quantity": "3", "unit_price": "9.99"}).is_valid()
