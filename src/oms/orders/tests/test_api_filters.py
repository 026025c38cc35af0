"""Orders API: filters an integration needs (channel code or id, phone, external id and number,
updated since), each refused with a 400 naming it when it cannot be used; the same field names in
and out; the order's events."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from oms.core.actor import Actor
from oms.orders.intake import ingest
from oms.orders.models import Order
from oms.orders.tests.factories import channel, incoming, product

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders() -> dict[str, Order]:
    product("SKU-0001")
    shop, other = channel("shop-a", "api"), channel("shop-b", "jd")
    out = {}
    for key, ch, ext, phone in (("a1", shop, "A1", "13812348000"), ("a2", shop, "A2", "13900001111"),
                                ("b1", other, "B1", "13812348000")):  # fmt: skip
        result = ingest(
            channel=ch,
            incoming=incoming(ext, external_number=f"N-{ext}", customer_phone=phone),
            actor=Actor.channel("t"),
            source="api",
        )
        assert result.order is not None
        out[key] = result.order
    return out


@pytest.fixture
def as_role(make_user: Any) -> Any:
    def make(role: str, user: Any = None) -> APIClient:
        client = APIClient()
        client.force_authenticate(user or make_user(role))
        return client

    return make


def ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    return sorted(r["external_id"] for r in response.json()["results"])


def test_unknown_channel_and_status_are_400_not_every_order(orders: Any, as_role: Any) -> None:
    client = as_role("viewer")
    for params, named in (
        ({"channel": "manual"}, "channel"),
        ({"status": "foo"}, "status"),
        ({"channel_id": "abc"}, "channel_id"),
        ({"channel_id": "999999"}, "channel_id"),
        ({"type": "odd"}, "type"),
        ({"date_from": "yesterday"}, "date_from"),
        ({"amount_min": "lots"}, "amount_min"),
        ({"updated_since": "last tuesday"}, "updated_since"),
        ({"channel": "shop-a", "channel_id": str(orders["b1"].channel_id)}, "channel_id"),
        ({"unknown": "1"}, "unknown"),
    ):
        response = client.get("/api/v1/orders/", params)
        assert response.status_code == 400, (params, response.content[:300])
        error = response.json()["error"]
        assert error["code"] == "invalid_parameter" and named in error["fields"], (params, error)


def test_filters_by_channel_code_and_id_phone_external_id_and_number(orders: Any, as_role: Any) -> None:
    client = as_role("viewer")
    assert ids(client.get("/api/v1/orders/", {"channel": "shop-a"})) == ["A1", "A2"]
    assert ids(client.get("/api/v1/orders/", {"channel_id": orders["b1"].channel_id})) == ["B1"]
    assert ids(client.get("/api/v1/orders/", {"phone": "+86 138 1234 8000"})) == ["A1", "B1"]
    assert ids(client.get("/api/v1/orders/", {"phone": "13812348000", "channel": "shop-b"})) == ["B1"]
    assert ids(client.get("/api/v1/orders/", {"external_id": "A2"})) == ["A2"]
    assert ids(client.get("/api/v1/orders/", {"external_number": "N-B1"})) == ["B1"]
    response = client.get("/api/v1/orders/", {"status": ["pending_review", "approved"], "channel": "shop-a"})
    assert ids(response) == ["A1", "A2"] and response.json()["count"] == 2


def test_updated_since_for_polling(orders: Any, as_role: Any) -> None:
    client = as_role("viewer")
    now = timezone.now()
    Order.objects.filter(pk=orders["a1"].pk).update(updated_at=now - timedelta(hours=2))
    Order.objects.filter(pk__in=[orders["a2"].pk, orders["b1"].pk]).update(updated_at=now - timedelta(minutes=5))
    since = (now - timedelta(hours=1)).isoformat()
    response = client.get("/api/v1/orders/", {"updated_since": since})
    assert ids(response) == ["A2", "B1"] and response.json()["count"] == 2
    assert response.json()["results"][0]["updated_at"]
    assert ids(client.get("/api/v1/orders/", {"updated_since": "2000-01-01T00:00:00+08:00"})) == ["A1", "A2", "B1"]


def test_a_channel_outside_the_scope_is_refused_like_an_unknown_one(orders: Any, make_user: Any, as_role: Any) -> None:
    from oms.accounts.models import UserProfile

    user = make_user("viewer")
    UserProfile.objects.get(user=user).channels.add(orders["a1"].channel)
    client = as_role("viewer", user)
    assert ids(client.get("/api/v1/orders/", {"channel": "shop-a"})) == ["A1", "A2"]
    assert client.get("/api/v1/orders/", {"channel": "shop-b"}).status_code == 400
    assert ids(client.get("/api/v1/orders/", {"phone": "13812348000"})) == ["A1"]


def test_field_names_are_the_same_in_and_out(as_role: Any) -> None:
    product("SKU-0001")
    channel("api-in", "api")
    body = {
        "channel": "api-in",
        "external_id": "F1",
        "customer_name": "王五",
        "customer_phone": "13512345678",
        "province": "北京市",
        "city": "北京市",
        "district": "朝阳区",
        "address_detail": "建国路88号",
        "source_updated_at": "2026-03-01T10:00:00+08:00",
        "lines": [{"platform_sku": "SKU-0001", "name": "Tea", "quantity": 1, "unit_price": "50.00"}],
    }
    created = as_role("order_clerk").post("/api/v1/orders/", body, format="json")
    assert created.status_code == 201, created.content[:500]
    order = created.json()["order"]
    for name in ("province", "city", "district", "address_detail", "customer_name"):
        assert order[name] == body[name], name
    assert order["source_updated_at"].startswith("2026-03-01T10:00:00")
    assert order["lines"][0]["platform_sku"] == "SKU-0001" and order["lines"][0]["sku"] == "SKU-0001"
    # the old names still work (deprecated in the schema)
    old = {**body, "external_id": "F2", "updated_at": "2026-03-02T10:00:00+08:00"}
    for name in ("province", "city", "district", "address_detail", "source_updated_at"):
        old.pop(name)
    old["address"] = {"province": "上海市", "city": "上海市", "district": "浦东新区", "detail": "世纪大道1号"}
    again = as_role("order_clerk").post("/api/v1/orders/", old, format="json").json()["order"]
    assert again["province"] == "上海市" and again["source_updated_at"].startswith("2026-03-02T10:00:00")


def test_order_events_with_translated_labels(orders: Any, as_role: Any, make_user: Any) -> None:
    from oms.accounts.models import UserProfile

    url = f"/api/v1/orders/{orders['a1'].pk}/events/"
    response = as_role("viewer").get(url)
    assert response.status_code == 200
    first = response.json()[0]
    assert first["type"] == "created" and first["label"] == "Received" and first["status_to"]
    chinese = as_role("viewer").get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").json()[0]
    assert chinese["label"] not in ("", "Received", "created")
    assert as_role("viewer").get(url, {"page": "1"}).status_code == 400
    assert as_role("warehouse").get(url).status_code == 403
    assert as_role("viewer").get("/api/v1/orders/999999/events/").status_code == 404
    limited = make_user("viewer")
    UserProfile.objects.get(user=limited).channels.add(orders["b1"].channel)
    assert as_role("viewer", limited).get(url).status_code == 404
