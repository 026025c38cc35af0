"""Hypothesis on every reader and parser of what platforms and files send: each input becomes a
canonical order, or a clear error (ValueError from an adapter, CellError for a cell, a rejection
with its row number, FileFormatError for a file), never an unexpected exception.

Bounded (max_examples below) so that it runs in every CI run. The webhook view itself (signature,
body, topic) has its own fuzz test in test_webhooks.py; file bytes in test_adapters.py.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oms.channels import parsing
from oms.channels.adapters import shopify, woocommerce
from oms.channels.adapters.jd import parse_jd
from oms.channels.adapters.taobao import parse_taobao
from oms.channels.tables import FileFormatError, Table, open_table
from oms.orders.incoming import IncomingOrder

from .conftest import SAMPLES, payload

pytestmark = pytest.mark.fuzz
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Values of each JSON type, including the awkward ones: huge and tiny numbers, numeric strings
# that are no numbers, empty and long texts.
texts = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["NaN", "Infinity", "-1", "1e30", "999999999999.99", "0.001", "", " ", "１２", "1" * 40]),
)
integers = st.integers(min_value=-(10**30), max_value=10**30)
SAME_TYPE: dict[type, Any] = {
    str: texts,
    int: integers,
    float: st.floats(allow_nan=False, allow_infinity=False) | integers,
    bool: st.booleans(),
    type(None): st.none() | texts,
}


def _leaves(value: Any, prefix: tuple = ()) -> list[tuple]:
    """The key paths of every scalar value in a JSON document (dict keys and list indexes)."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _leaves(v, (*prefix, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _leaves(v, (*prefix, i))]
    return [prefix]


@st.composite
def mutated(draw: Any, document: dict[str, Any]) -> dict[str, Any]:
    """A real payload with a few of its scalar values (at any depth) replaced by others of the same
    JSON type: amounts, quantities, ids and texts of any size or content. Shape and types stay (a
    body of the wrong shape is the webhook's body validation's to refuse, before the adapters)."""
    doc = copy.deepcopy(document)
    for path in draw(st.lists(st.sampled_from(_leaves(doc)), min_size=1, max_size=4)):
        target: Any = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = draw(SAME_TYPE[type(target[path[-1]])])
    return doc


def _canonical_or_clear(parse: Any, document: Any) -> None:
    try:
        order = parse(document)
    except ValueError as exc:  # the adapters' declared refusal
        assert str(exc)
        return
    assert isinstance(order, IncomingOrder) and order.external_id
    for ln in order.lines:
        assert isinstance(ln.quantity, int)
    for amount in (order.total_amount, order.shipping_amount, order.discount_amount, order.tax_amount):
        assert amount is None or (isinstance(amount, Decimal) and amount.is_finite())


@FUZZ
@given(doc=mutated(payload("shopify_order.json")))
def test_shopify_rest_payloads(doc: dict[str, Any]) -> None:
    _canonical_or_clear(shopify.order_from_rest, doc)


@FUZZ
@given(doc=mutated(payload("shopify_graphql_order.json")))
def test_shopify_graphql_payloads(doc: dict[str, Any]) -> None:
    node = doc.get("data", {}).get("order", doc) if isinstance(doc.get("data"), dict) else doc
    _canonical_or_clear(shopify.order_from_graphql, node)


@FUZZ
@given(doc=mutated(payload("woocommerce_order.json")))
def test_woocommerce_payloads(doc: dict[str, Any]) -> None:
    _canonical_or_clear(woocommerce.order_from_rest, doc)


cells = st.one_of(
    st.text(max_size=10),
    st.sampled_from(["", "NaN", "inf", "1e30", "1e999999", "-5", "0", "2147483648", "9" * 20, "'138", "=1+1"]),
)


def _table(sample: str) -> Table:
    return open_table(SAMPLES / sample)


def _fuzzed(table: Table, rows: list[list[str]]) -> Table:
    width = len(table.headers)
    padded = [(row + [""] * width)[:width] for row in rows]
    return Table(table.name, list(table.headers), iter(enumerate(padded, start=2)))


def _orders_or_rejections(parsed: Any) -> None:
    for p in parsed:
        if p.incoming is None:
            assert p.rejections and all(r.row >= 2 and r.reason for r in p.rejections)
        else:
            assert all(isinstance(ln.quantity, int) for ln in p.incoming.lines)


def _rows(width: int) -> Any:
    return st.lists(st.lists(cells, min_size=width, max_size=width), min_size=1, max_size=6)


@FUZZ
@given(data=st.data())
def test_jd_rows(data: Any) -> None:
    real = _table("jd_orders_utf8bom.csv")
    rows = data.draw(_rows(len(real.headers)))
    # keep an order number in most rows so that rows group into orders
    try:
        _orders_or_rejections(parse_jd(_fuzzed(real, rows)))
    except FileFormatError as exc:
        assert str(exc)


@FUZZ
@given(data=st.data())
def test_taobao_rows(data: Any) -> None:
    orders, items = _table("taobao_orders_gbk.csv"), _table("taobao_items_gbk.csv")
    order_rows = data.draw(_rows(len(orders.headers)))
    item_rows = data.draw(_rows(len(items.headers)))
    try:
        _orders_or_rejections(parse_taobao(_fuzzed(orders, order_rows), _fuzzed(items, item_rows)))
    except FileFormatError as exc:
        assert str(exc)


@FUZZ
@given(text=cells | st.text(max_size=30))
def test_cells(text: str) -> None:
    for parse in (parsing.parse_money, parsing.parse_quantity, parsing.parse_datetime):
        try:
            value = parse(text)
        except parsing.CellError as exc:
            assert str(exc)
            continue
        assert value is None or value == value  # not NaN
    address = parsing.split_cn_address(text)
    assert address.raw is not None
