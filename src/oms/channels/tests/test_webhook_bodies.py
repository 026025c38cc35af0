"""What a signed webhook body must look like before it is stored, and who decides a cancellation.

Bodies are the documented payloads (tests/payloads), signed with the channel's secret; the shop's REST
API is a local HTTP server answering as WooCommerce does."""

from __future__ import annotations

import codecs
import json
from typing import Any

import pytest

from oms.channels import inbox
from oms.channels.adapters import woocommerce
from oms.channels.models import DeliveryStatus, InboundDelivery, Platform
from oms.channels.payloads import BodyError, decode, order_id
from oms.orders.models import Order

from .conftest import FakePlatform, payload

SECRET = "wc-secret-9d2f"


@pytest.fixture
def woo(make_channel: Any, fake: FakePlatform) -> Any:
    return make_channel("woo-site", Platform.WOOCOMMERCE, secret=SECRET, base_url=fake.url, token="ck_a:cs_b")


def post(client: Any, body: bytes, *, topic: str = "order.created", delivery: str = "1") -> Any:
    return client.post(
        "/webhooks/woocommerce/woo-site/",
        data=body,
        content_type="application/json",
        HTTP_X_WC_WEBHOOK_TOPIC=topic,
        HTTP_X_WC_WEBHOOK_ID="12",
        HTTP_X_WC_WEBHOOK_DELIVERY_ID=delivery,
        HTTP_X_WC_WEBHOOK_SIGNATURE=woocommerce.sign(SECRET, body),
    )


def order_json(**changes: Any) -> dict[str, Any]:
    data = payload("woocommerce_order.json")
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "bad_id,code",
    [
        (None, "bad_id"),
        ({"a": 1}, "bad_id"),
        ([7316], "bad_id"),
        ("", "bad_id"),
        ("   ", "bad_id"),
        (7316.0, "bad_id"),
        (True, "bad_id"),
        ("x" * 101, "bad_id"),
    ],
)
def test_an_id_that_is_not_a_string_or_whole_number_is_refused(client: Any, woo: Any, bad_id: Any, code: str) -> None:
    response = post(client, json.dumps(order_json(id=bad_id)).encode())
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code and response.json()["error"]["message"]
    assert InboundDelivery.objects.count() == 0


@pytest.mark.parametrize("good_id,stored_as", [(7316, "7316"), ("wc-7316", "wc-7316")])
def test_string_and_integer_ids_are_kept(
    client: Any, woo: Any, good_id: Any, stored_as: str, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, json.dumps(order_json(id=good_id)).encode()).status_code == 200
    assert Order.objects.get(channel=woo).external_id == stored_as


@pytest.mark.parametrize(
    "encode,code",
    [
        (lambda text: codecs.BOM_UTF8 + text.encode("utf-8"), "byte_order_mark"),
        (lambda text: text.encode("utf-16"), "byte_order_mark"),  # Python writes a BOM first
        (lambda text: text.encode("utf-16-le"), "not_utf8"),
        (lambda text: text.encode("utf-32-be"), "not_utf8"),
        (lambda text: text.encode("gb18030"), "not_utf8"),
    ],
)
def test_a_body_that_is_not_utf8_json_is_refused_and_nothing_stored(
    client: Any, woo: Any, encode: Any, code: str
) -> None:
    text = json.dumps(order_json(customer_note="Grün"), ensure_ascii=False)
    response = post(client, encode(text))
    assert response.status_code == 400 and response.json()["error"]["code"] == code
    assert InboundDelivery.objects.count() == 0


def test_non_standard_constants_are_not_json(client: Any, woo: Any) -> None:
    body = json.dumps(order_json()).replace('"total": "', '"total_x": NaN, "total": "').encode()
    response = post(client, body)
    assert response.status_code == 400 and response.json()["error"]["code"] == "malformed_json"
    assert InboundDelivery.objects.count() == 0


def test_decode_and_order_id_directly() -> None:
    assert decode('{"id": "番茄"}'.encode()) == {"id": "番茄"}
    assert order_id(12) == "12" and order_id(" 12 ") == "12"
    with pytest.raises(BodyError):
        order_id(1.5)


def test_a_captured_creation_resent_as_a_deletion_does_not_cancel(
    client: Any, woo: Any, fake: FakePlatform, django_capture_on_commit_callbacks: Any
) -> None:
    body = json.dumps(order_json()).encode()
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, body, delivery="1").status_code == 200
        # The same signed body again, with the unsigned topic header changed; the shop still has the order.
        fake.answers = [(200, {}, order_json())]
        assert post(client, body, topic="order.deleted", delivery="2").status_code == 200
    assert [r["path"] for r in fake.requests] == ["/wp-json/wc/v3/orders/7316"]
    order = Order.objects.get(channel=woo, external_id="7316")
    assert order.status != "cancelled"
    assert InboundDelivery.objects.order_by("pk").last().status == DeliveryStatus.PROCESSED  # type: ignore[union-attr]


def test_a_trashed_order_is_cancelled_after_the_shop_confirms(
    client: Any, woo: Any, fake: FakePlatform, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        post(client, json.dumps(order_json()).encode(), delivery="1")
        # order.deleted carries only the id; the shop answers with the order, now in the trash.
        fake.answers = [(200, {}, order_json(status="trash", date_modified_gmt="2026-11-22T00:00:00"))]
        assert post(client, b'{"id": 7316}', topic="order.deleted", delivery="2").status_code == 200
    assert Order.objects.get(channel=woo, external_id="7316").status == "cancelled"


def test_a_cancellation_comes_from_the_signed_status(
    client: Any, woo: Any, fake: FakePlatform, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        post(client, json.dumps(order_json()).encode(), delivery="1")
        cancelled = order_json(status="cancelled", date_modified_gmt="2026-11-22T00:00:00")
        assert post(client, json.dumps(cancelled).encode(), topic="order.updated", delivery="2").status_code == 200
    assert Order.objects.get(channel=woo, external_id="7316").status == "cancelled"
    assert fake.requests == []  # no confirmation needed: the signed body says so


def test_a_deletion_that_cannot_be_confirmed_cancels_nothing_and_stays_visible(
    client: Any, make_channel: Any, django_capture_on_commit_callbacks: Any
) -> None:
    channel = make_channel("woo-site", Platform.WOOCOMMERCE, secret=SECRET)  # no REST credentials
    with django_capture_on_commit_callbacks(execute=True):
        post(client, json.dumps(order_json()).encode(), delivery="1")
        post(client, b'{"id": 7316}', topic="order.deleted", delivery="2")
    assert Order.objects.get(channel=channel, external_id="7316").status != "cancelled"
    failed = InboundDelivery.objects.get(topic="order.deleted")
    assert failed.status == DeliveryStatus.FAILED and "REST API key" in failed.error
    assert inbox.process(failed.pk) == "skipped"  # waits for its retry pause, then the sweep tries again


def test_the_view_serves_exactly_the_registered_platforms(client: Any, make_channel: Any) -> None:
    from oms.channels import registry

    assert registry.with_pull() == ["shopify", "woocommerce"]
    assert registry.get("taobao") is None  # file imports only
    make_channel("tb", Platform.TAOBAO)
    response = client.post("/webhooks/taobao/tb/", data=b"{}", content_type="application/json")
    assert response.status_code == 404 and response.json()["error"]["code"] == "unknown_channel"


def test_a_shopify_cancellation_comes_from_the_signed_body_not_the_topic(
    client: Any, make_channel: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from oms.channels.adapters import shopify

    channel = make_channel("shop", Platform.SHOPIFY, secret=SECRET)
    body = json.dumps(payload("shopify_order.json")).encode()  # cancelled_at is null
    with django_capture_on_commit_callbacks(execute=True):
        for event, topic in (("e1", "orders/create"), ("e2", "orders/cancelled")):
            response = client.post(
                "/webhooks/shopify/shop/",
                data=body,
                content_type="application/json",
                HTTP_X_SHOPIFY_TOPIC=topic,
                HTTP_X_SHOPIFY_EVENT_ID=event,
                HTTP_X_SHOPIFY_HMAC_SHA256=shopify.sign(SECRET, body),
            )
            assert response.status_code == 200
    assert Order.objects.get(channel=channel).status != "cancelled"
