"""Numbers a person or a client types into a filter: out of range, NaN, 20 digits, "²". The API
answers 400 in the project's error format naming the parameter; the console answers the page
with a warning and ignores the value. Never 500, on SQLite or PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages

BIG = "1" + "0" * 20  # 10^20
DIGITS20 = "9" * 20

API_BAD = [
    ("/api/v1/orders/", "amount_min", "NaN"),
    ("/api/v1/orders/", "amount_min", "Infinity"),
    ("/api/v1/orders/", "amount_max", BIG),
    ("/api/v1/orders/", "amount_max", "1e999999"),
    ("/api/v1/orders/", "amount_min", "1.234"),
    ("/api/v1/orders/", "channel", DIGITS20),
    ("/api/v1/orders/", "channel", "²"),
    ("/api/v1/orders/", "date_from", "0001-01-01"),
    ("/api/v1/orders/", "date_to", "2026-13-01"),
    ("/api/v1/inventory/stock/", "available_lt", BIG),
    ("/api/v1/inventory/stock/", "available_lt", "-" + BIG),
    ("/api/v1/inventory/stock/", "available_lt", "1.5"),
    ("/api/v1/orders/", "updated_since", "0001-01-01T00:00:00+08:00"),
    ("/api/v1/inventory/moves/", "ref_id", DIGITS20),
    ("/api/v1/inventory/moves/", "ref_id", "²"),
]

CONSOLE_BAD = [
    ("/orders/", "amount_min", "NaN"),
    ("/orders/", "amount_min", "Infinity"),
    ("/orders/", "amount_max", BIG),
    ("/orders/", "amount_min", "1e999999"),
    ("/orders/", "channel", DIGITS20),
    ("/orders/", "channel", "²"),
    ("/orders/", "date_from", "0001-01-01"),
    ("/orders/", "date_to", "9999-12-31"),
    ("/orders/review/", "channel", DIGITS20),
    ("/orders/review/", "channel", "²"),
    ("/orders/review/", "min_total", "NaN"),
    ("/orders/review/", "max_total", BIG),
    ("/channels/deliveries/", "channel", DIGITS20),
    ("/channels/deliveries/", "channel", "²"),
    ("/channels/imports/", "channel", DIGITS20),
    ("/inventory/moves/", "ref", f"order:{DIGITS20}"),
]


@pytest.mark.parametrize(("url", "name", "value"), API_BAD)
def test_api_refuses_a_parameter_it_cannot_use_with_400(admin_client: Any, url: str, name: str, value: str) -> None:
    response = admin_client.get(url, {name: value})
    assert response.status_code == 400, (response.status_code, response.content[:300])
    error = response.json()["error"]
    assert error["code"] in ("invalid", "invalid_parameter") and name in error["fields"]


@pytest.mark.parametrize(("url", "name", "value"), CONSOLE_BAD)
def test_console_ignores_a_filter_it_cannot_use_and_says_so(admin_client: Any, url: str, name: str, value: str) -> None:
    response = admin_client.get(url, {name: value}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    warnings = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(w.startswith("Enter ") for w in warnings), warnings


@pytest.mark.parametrize(
    "query",
    [
        {"page": DIGITS20},
        {"page": "²"},
        {"page_size": DIGITS20},
        {"page_size": "²"},
        {"amount_min": "10.50", "amount_max": "999999999999.99", "channel": "1", "date_from": "2026-01-01"},
    ],
)
def test_usable_and_paging_values_never_fail(admin_client: Any, query: dict[str, str]) -> None:
    assert admin_client.get("/api/v1/orders/", {k: v for k, v in query.items() if k != "channel"}).status_code in (
        200,
        400,
        404,
    )
    assert admin_client.get("/orders/", query).status_code == 200


def test_a_good_filter_still_filters(admin_client: Any) -> None:
    from oms.core.actor import Actor
    from oms.orders.intake import ingest
    from oms.orders.tests.factories import channel, incoming, product

    product("SKU-0001")
    ch = channel()
    ingest(channel=ch, incoming=incoming("F1"), actor=Actor.system("test"), source="api")
    found = admin_client.get("/api/v1/orders/", {"amount_min": "0.01", "channel_id": str(ch.pk)}).json()["results"]
    above = admin_client.get("/api/v1/orders/", {"amount_min": "999999999999.99"}).json()["results"]
    assert [r["external_id"] for r in found] == ["F1"] and above == []
    page = admin_client.get("/orders/", {"amount_min": "0.01", "channel": str(ch.pk)}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "F1" in page.content.decode()


# --- bodies and forms with numbers beyond their columns ----------------------------------------

HUGE = 10**20


@pytest.fixture
def stocked(db: Any) -> dict[str, Any]:
    from oms.inventory.tests import factories as f

    a, b = f.warehouse("a"), f.warehouse("b")
    p = f.product("SKU-A")
    f.stock(p, a, 10)
    return {"a": a, "b": b, "p": p, "ch": f.channel("shop")}


def test_console_forms_refuse_numbers_beyond_their_columns(admin_client: Any, stocked: dict[str, Any]) -> None:
    from oms.channels.models import SkuMapping
    from oms.inventory.models import StockThreshold, TransferPlan

    a, b = stocked["a"].pk, stocked["b"].pk
    posts = [
        ("/inventory/alerts/threshold/", {"sku": "SKU-A", "warehouse": a, "minimum": str(HUGE)}),
        (f"/channels/{stocked['ch'].pk}/mappings/", {"platform_sku": "N", "sku": "SKU-A", "quantity": str(HUGE)}),
        ("/inventory/transfers/propose/", {"sku": "SKU-A", "source": a, "destination": b, "quantity": str(HUGE)}),
    ]
    for url, body in posts:
        assert admin_client.post(url, body).status_code in (200, 302), url
    assert not StockThreshold.objects.exists() and not SkuMapping.objects.filter(platform_sku="N").exists()
    assert not TransferPlan.objects.filter(lines__quantity__gt=2**31).exists()


def test_api_bodies_refuse_numbers_beyond_their_columns(admin_user: Any, stocked: dict[str, Any]) -> None:
    from rest_framework.test import APIClient

    from oms.core.actor import Actor
    from oms.orders.intake import ingest
    from oms.orders.tests.factories import channel, incoming, product

    product("SKU-0001")
    order = ingest(channel=channel(), incoming=incoming("M1"), actor=Actor.system("t"), source="api").order
    client = APIClient()
    client.force_authenticate(admin_user)
    merge = client.post(f"/api/v1/orders/{order.pk}/merge/", {"orders": [HUGE]}, format="json")
    assert merge.status_code == 400 and "orders" in merge.json()["error"]["fields"]
    from oms.inventory.models import TransferLine, TransferPlan

    plan = TransferPlan.objects.create(number="TP-BOUNDS")
    held = TransferLine.objects.create(
        plan=plan, source=stocked["a"], destination=stocked["b"], product=stocked["p"], quantity=2
    )
    line = client.patch(f"/api/v1/inventory/transfer-lines/{held.pk}/", {"quantity": HUGE}, format="json")
    assert line.status_code == 400 and "quantity" in line.json()["error"]["fields"]
    held.refresh_from_db()
    assert held.quantity == 2


BAD_IDS = ["²", DIGITS20, "-1", "0", "12"]


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/orders/bulk/", {"ids": BAD_IDS, "action": "export"}),
        ("/orders/review/bulk/", {"ids": BAD_IDS, "action": "approve"}),
        ("/inventory/warehouses/bulk/", {"ids": BAD_IDS, "op": "activate"}),
        ("/system/users/", {"ids": BAD_IDS, "action": "deactivate"}),
    ],
)
def test_bulk_selections_with_unusable_ids_never_fail(admin_client: Any, url: str, body: dict[str, Any]) -> None:
    assert admin_client.post(url, body).status_code in (200, 302, 404)


@pytest.mark.parametrize("query", [{"role": "²"}, {"role": DIGITS20}, {"scope": "w²"}, {"scope": "c" + DIGITS20}])
def test_user_filters_with_unusable_ids_never_fail(admin_client: Any, query: dict[str, str]) -> None:
    assert admin_client.get("/system/users/", query).status_code == 200
