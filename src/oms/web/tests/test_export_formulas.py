"""Every CSV and Excel export, with a formula planted in every text field: no cell comes out live.

The data is seeded normally, then every free-text column of the exported models is overwritten
with a value starting with = + - @ tab or CR (what anyone can type as a customer name, a SKU, or a
user name on the sign-in page). Each export is then parsed the way a spreadsheet reads it.
"""

from __future__ import annotations

import csv
import io
import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import models
from django.test import Client
from openpyxl import load_workbook

from oms.core.exports import FORMULA_START

PREFIXES = ["=1+{n}", "+{n}+1", "-{n}+1", "@SUM({n})", "\t={n}", "\r={n}", '=HYPERLINK("http://e.example/{n}")']


def _poison(model: type[models.Model], skip: tuple[str, ...] = ()) -> None:
    """Overwrite every free-text column (no choices) of every row with a formula-like value."""
    fields = [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not f.choices
        and not isinstance(f, models.GenericIPAddressField)
        and f.name not in skip
    ]
    cycle = itertools.cycle(PREFIXES)
    for pk in model._default_manager.values_list("pk", flat=True):  # type: ignore[attr-defined]
        values = {}
        for f in fields:
            value = next(cycle).format(n=pk)
            values[f.name] = value[: f.max_length] if f.max_length else value
        model._default_manager.filter(pk=pk).update(**values)  # type: ignore[attr-defined]


@pytest.fixture
def poisoned(admin_user: Any) -> dict[str, Any]:
    from oms.accounts.models import LoginRecord
    from oms.channels.models import Channel, ImportJob, SkuMapping
    from oms.core.actor import Actor
    from oms.inventory.models import Location, Product, ShippingCost, StockMove, Warehouse
    from oms.inventory.tests import factories as f
    from oms.monitoring import actions as alerts
    from oms.monitoring.kinds import AlertKind
    from oms.monitoring.subjects import Subject
    from oms.orders.models import Order
    from oms.orders.review.models import BlacklistEntry
    from oms.system import oplog
    from oms.system.models import OperationLog

    # a stranger types a formula as the user name on the sign-in page
    Client().post("/accounts/login/", {"username": '=HYPERLINK("http://evil.example")', "password": "x"})
    channel = f.channel("shop")
    product = f.product("SKU-1")
    warehouse = f.warehouse("WH1")
    Location.objects.create(warehouse=warehouse, code="A-01")
    f.stock(product, warehouse, 10)
    ShippingCost.objects.create(warehouse=warehouse, province="上海", base=Decimal("5"), per_kg=Decimal("1"))
    SkuMapping.objects.create(channel=channel, platform_sku="P-1", product=product, quantity=1)
    orders = {s: f.order([(product, 1)], status=s, ch=channel) for s in ("approved", "invalid", "rejected")}
    orders["pending_review"] = f.order([(product, 1)], status="pending_review", ch=channel)
    BlacklistEntry.objects.create(kind="name", value="张三", reason="fraud", created_by=admin_user)
    oplog.record(actor=Actor.system("test"), action="test.poison", target="x", details={"note": "=1+1"})
    job = ImportJob.objects.create(
        channel=channel,
        format="csv",
        rejected_rows=[{"file": "=a.csv", "row": 2, "column": "+c", "reason": "@r"}],
    )
    for model in (Channel, SkuMapping, Product, Warehouse, Location, StockMove, ShippingCost, Order):
        _poison(model)
    _poison(BlacklistEntry)
    _poison(LoginRecord)
    _poison(OperationLog, skip=("action",))  # the action is a code the page groups by
    _poison(get_user_model(), skip=("password",))  # the session is bound to the password hash
    Order.objects.update(classes=["=1+1"])
    Warehouse.objects.update(covered_provinces=["+1", "上海"])
    # the shortage alert keeps the order number and SKU as they were when raised: raise it poisoned
    short, product = Order.objects.get(pk=orders["approved"].pk), Product.objects.get(pk=product.pk)
    alerts.raise_alert(
        AlertKind.STOCK_SHORTAGE,
        Subject.of(short),
        cause=f"product:{product.pk}",
        params={"number": short.number, "sku": product.sku, "product_id": product.pk, "quantity": 2},
        channel_id=short.channel_id,
    )
    return {"channel": channel, "job": job, "orders": orders}


def _cells(response: Any) -> list[tuple[Any, str, bool]]:
    """(value, openpyxl data type or "csv", quote prefix) of every cell of a CSV or xlsx download."""
    body = response.getvalue() if response.streaming else response.content
    if body[:2] == b"PK":
        book = load_workbook(io.BytesIO(body))  # full mode: data types and styles as stored
        return [
            (c.value, c.data_type, bool(c.quotePrefix))
            for sheet in book.worksheets
            for row in sheet.iter_rows()
            for c in row
        ]
    text = body.decode("utf-8-sig")
    return [(cell, "csv", False) for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def _assert_safe(response: Any, url: str, expect_planted: bool = True) -> None:
    assert response.status_code == 200, url
    cells = _cells(response)
    planted = 0
    for value, kind, quoted in cells:
        assert kind != "f", f"{url}: live formula {value!r}"
        if not isinstance(value, str):
            continue
        if kind == "csv":
            assert not value.startswith(FORMULA_START), f"{url}: CSV cell {value!r} would run as a formula"
            planted += value.startswith("'") and value[1:].startswith(FORMULA_START)
        elif value.startswith(FORMULA_START):
            assert kind == "s" and quoted, f"{url}: {value!r} is not stored as quoted text"
            planted += 1
    if expect_planted:
        assert planted, f"{url}: no planted value reached the file, so the check proved nothing"


CONSOLE_EXPORTS = [
    "/orders/?export=xlsx",
    "/orders/invalid/?export=xlsx",
    "/orders/rejected/?export=xlsx",
    "/orders/review/?export=xlsx",
    "/orders/review/shortages/?export=csv",
    "/orders/review/shortages/?export=xlsx",
    "/orders/review/blacklist/?export=csv",
    "/orders/review/blacklist/?export=xlsx",
    "/channels/?export=csv",
    "/channels/{channel}/mappings/?export=csv",
    "/channels/imports/{job}/rejected.xlsx",
    "/inventory/stock/?export=xlsx",
    "/inventory/products/?export=xlsx",
    "/inventory/moves/?export=xlsx",
    "/inventory/warehouses/?export=xlsx",
    "/inventory/shipping-costs/?export=xlsx",
    "/system/log/?export=csv",
    "/system/log/?export=xlsx",
    "/accounts/sign-ins/?export=csv",
    "/accounts/sign-ins/?export=xlsx",
    "/api/v1/imports/{job}/rejected.csv",  # the API's export (signed in: the session works for the API too)
]


@pytest.mark.parametrize("url", CONSOLE_EXPORTS)
def test_no_export_writes_a_live_formula(admin_client: Any, poisoned: dict[str, Any], url: str) -> None:
    url = url.format(channel=poisoned["channel"].pk, job=poisoned["job"].pk)
    _assert_safe(admin_client.get(url), url)


def test_selected_orders_export_is_safe(admin_client: Any, poisoned: dict[str, Any]) -> None:
    ids = [o.pk for o in poisoned["orders"].values()]
    _assert_safe(admin_client.post("/orders/bulk/", {"action": "export", "ids": ids}), "/orders/bulk/")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_import_templates_are_safe(admin_client: Any, fmt: str) -> None:
    url = f"/channels/imports/template.{fmt}"
    _assert_safe(admin_client.get(url), url, expect_planted=False)


def test_sign_in_log_keeps_the_typed_name_as_text(admin_client: Any) -> None:
    """What a stranger typed reaches the log unchanged, shown as text (not dropped, not altered)."""
    Client().post("/accounts/login/", {"username": "=1+2", "password": "x"})
    rows = _cells(admin_client.get("/accounts/sign-ins/?export=csv"))
    assert ("'=1+2", "csv", False) in rows
    sheet = _cells(admin_client.get("/accounts/sign-ins/?export=xlsx"))
    assert ("=1+2", "s", True) in sheet


def test_phone_numbers_keep_their_plus_sign_as_text(admin_client: Any, poisoned: dict[str, Any]) -> None:
    """+86 numbers stay text in the file, as typed (quoted, not turned into a sum)."""
    from oms.orders.models import Order

    Order.objects.update(customer_phone="+8613812348000")
    cells = _cells(admin_client.get("/orders/?export=xlsx"))
    assert ("+8613812348000", "s", True) in cells
