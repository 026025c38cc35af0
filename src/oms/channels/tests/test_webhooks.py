"""Webhooks through Django's test client with real HMAC signatures; the inbox and its sweep."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oms.channels import inbox
from oms.channels.adapters import shopify, woocommerce
from oms.channels.models import DeliveryStatus, InboundDelivery, Platform
from oms.orders.models import Order

from .conftest import FakePlatform, payload

SECRET = "shpss_7f3a9c0e1b2d"


@pytest.fixture
def shop(make_channel: Any) -> Any:
    return make_channel("shopify-intl", Platform.SHOPIFY, secret=SECRET)


@pytest.fixture
def woo(make_channel: Any, fake: FakePlatform) -> Any:
    # The REST API credentials let an order.deleted delivery be confirmed with the shop.
    return make_channel("woo-site", Platform.WOOCOMMERCE, secret=SECRET, base_url=fake.url, token="ck_a:cs_b")


def post_shopify(
    client: Any,
    body: bytes,
    *,
    topic: str = "orders/create",
    event: str = "evt-1",
    secret: str = SECRET,
    code: str = "shopify-intl",
    **extra: Any,
) -> Any:
    headers = {
        "HTTP_X_SHOPIFY_TOPIC": topic,
        "HTTP_X_SHOPIFY_HMAC_SHA256": shopify.sign(secret, body),
        "HTTP_X_SHOPIFY_SHOP_DOMAIN": "shan-ye.myshopify.com",
        "HTTP_X_SHOPIFY_EVENT_ID": event,
        "HTTP_X_SHOPIFY_WEBHOOK_ID": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
        **extra,
    }
    return client.post(f"/webhooks/shopify/{code}/", data=body, content_type="application/json", **headers)


def post_woo(
    client: Any, body: bytes, *, topic: str = "order.created", delivery: str = "1", signed: bool = True
) -> Any:
    headers = {
        "HTTP_X_WC_WEBHOOK_TOPIC": topic,
        "HTTP_X_WC_WEBHOOK_ID": "12",
        "HTTP_X_WC_WEBHOOK_DELIVERY_ID": delivery,
    }
    if signed:
        headers["HTTP_X_WC_WEBHOOK_SIGNATURE"] = woocommerce.sign(SECRET, body)
    return client.post("/webhooks/woocommerce/woo-site/", data=body, content_type="application/json", **headers)


def test_shopify_create_is_stored_then_processed_into_an_order(
    client: Any, shop: Any, django_capture_on_commit_callbacks: Any
) -> None:
    body = json.dumps(payload("shopify_order.json")).encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_shopify(client, body)
    assert response.status_code == 200, response.content
    delivery = InboundDelivery.objects.get()
    assert bytes(delivery.body) == body  # raw, byte for byte
    assert (
        "X-Shopify-Hmac-Sha256" not in delivery.headers and delivery.headers.get("X-Shopify-Topic") == "orders/create"
    )
    assert delivery.status == DeliveryStatus.PROCESSED and delivery.outcome == "created"
    order = Order.objects.get(channel=shop, external_id="5820419784823")
    assert delivery.order_id == order.pk
    assert order.lines.count() == 2


def test_retry_with_the_same_event_id_is_recognised(
    client: Any, shop: Any, django_capture_on_commit_callbacks: Any
) -> None:
    body = json.dumps(payload("shopify_order.json")).encode()
    with django_capture_on_commit_callbacks(execute=True):
        first = post_shopify(client, body, event="evt-9")
        second = post_shopify(client, body, event="evt-9")
    assert first.json()["duplicate"] is False and second.json()["duplicate"] is True
    assert InboundDelivery.objects.count() == 1 and Order.objects.count() == 1


def test_older_update_is_ignored(client: Any, shop: Any, django_capture_on_commit_callbacks: Any) -> None:
    newer = payload("shopify_order.json")
    newer.update(updated_at="2026-11-20T15:00:00+08:00", note="新的备注")
    older = payload("shopify_order.json")
    older.update(updated_at="2026-11-20T14:30:00+08:00", note="旧的备注")
    with django_capture_on_commit_callbacks(execute=True):
        post_shopify(client, json.dumps(newer).encode(), topic="orders/updated", event="e-new")
        post_shopify(client, json.dumps(older).encode(), topic="orders/updated", event="e-old")
    order = Order.objects.get()
    assert order.buyer_note == "新的备注"
    assert InboundDelivery.objects.get(dedupe_key="shopify:e-old").outcome == "stale"


def test_cancelled_topic_cancels(client: Any, shop: Any, django_capture_on_commit_callbacks: Any) -> None:
    data = payload("shopify_order.json")
    with django_capture_on_commit_callbacks(execute=True):
        post_shopify(client, json.dumps(data).encode(), event="c1")
        data.update(cancelled_at="2026-11-21T10:00:00+08:00", updated_at="2026-11-21T10:00:00+08:00")
        post_shopify(client, json.dumps(data).encode(), topic="orders/cancelled", event="c2")
    assert Order.objects.get().status == "cancelled"


@pytest.mark.parametrize(
    "case,status",
    [
        ("bad_signature", 401),
        ("wrong_secret", 401),
        ("malformed", 400),
        ("no_id", 400),
        ("no_topic", 400),
        ("unknown", 404),
    ],
)
def test_bad_shopify_input_is_refused_and_nothing_stored(client: Any, shop: Any, case: str, status: int) -> None:
    body = json.dumps(payload("shopify_order.json")).encode()
    if case == "bad_signature":
        response = client.post(
            "/webhooks/shopify/shopify-intl/",
            data=body,
            content_type="application/json",
            HTTP_X_SHOPIFY_TOPIC="orders/create",
            HTTP_X_SHOPIFY_HMAC_SHA256="AAAA",
        )
    elif case == "wrong_secret":
        response = post_shopify(client, body, secret="not-the-secret")
    elif case == "malformed":
        response = post_shopify(client, b'{"id": 1, "line_items": [')
    elif case == "no_id":
        response = post_shopify(client, b"[1, 2, 3]")
    elif case == "no_topic":
        response = post_shopify(client, body, topic="")
    else:
        response = post_shopify(client, body, code="no-such-shop")
    assert response.status_code == status
    assert response.json()["error"]["code"] and response.json()["error"]["message"]
    assert InboundDelivery.objects.count() == 0


def test_inactive_channel_gets_410_and_wrong_method_405(client: Any, shop: Any) -> None:
    shop.active = False
    shop.save()
    body = json.dumps(payload("shopify_order.json")).encode()
    assert post_shopify(client, body).status_code == 410
    assert client.get("/webhooks/shopify/shopify-intl/").status_code == 405
    assert InboundDelivery.objects.count() == 0


def test_body_over_the_limit_gets_413(client: Any, shop: Any) -> None:
    from oms.system import params

    params.set_value("channels.webhook_max_bytes", 2048)
    body = json.dumps({"id": 1, "note": "x" * 5000}).encode()
    assert post_shopify(client, body).status_code == 413
    assert InboundDelivery.objects.count() == 0


def test_unused_topic_is_acknowledged_not_stored(client: Any, shop: Any) -> None:
    response = post_shopify(client, b'{"id": 5}', topic="products/update")
    assert response.status_code == 200 and response.json() == {"ignored": "products/update"}
    assert InboundDelivery.objects.count() == 0


def test_woocommerce_ping_created_updated_deleted(
    client: Any, woo: Any, fake: FakePlatform, django_capture_on_commit_callbacks: Any
) -> None:
    ping = client.post(
        "/webhooks/woocommerce/woo-site/", data="webhook_id=12", content_type="application/x-www-form-urlencoded"
    )
    assert ping.status_code == 200 and InboundDelivery.objects.count() == 0
    data = payload("woocommerce_order.json")
    with django_capture_on_commit_callbacks(execute=True):
        assert post_woo(client, json.dumps(data).encode(), delivery="101").status_code == 200
        data.update(date_modified_gmt="2026-11-21T02:00:00", customer_note="请放门卫")
        assert post_woo(client, json.dumps(data).encode(), topic="order.updated", delivery="102").status_code == 200
        # Deleted for good: the shop answers 404 for that order.
        fake.answers = [(404, {}, {"code": woocommerce.GONE, "message": "Invalid ID.", "data": {"status": 404}})]
        assert post_woo(client, b'{"id": 7316}', topic="order.deleted", delivery="103").status_code == 200
    assert [r["path"] for r in fake.requests] == ["/wp-json/wc/v3/orders/7316"]
    order = Order.objects.get(channel=woo, external_id="7316")
    assert order.buyer_note == "请放门卫" and order.status == "cancelled"
    assert list(InboundDelivery.objects.order_by("pk").values_list("outcome", flat=True)) == [
        "created",
        "updated",
        "cancelled",
    ]
    assert post_woo(client, json.dumps(data).encode(), signed=False).status_code == 401


def test_a_failing_delivery_is_kept_and_retried_by_the_sweep(shop: Any) -> None:
    body = json.dumps({"id": 77, "line_items": "not a list"}).encode()
    stored = inbox.store(channel=shop, kind="webhook", key="k-77", body=body, topic="orders/create")
    assert inbox.process(stored.delivery.pk) == "failed"
    d = InboundDelivery.objects.get(pk=stored.delivery.pk)
    assert d.status == DeliveryStatus.FAILED and d.attempts == 1 and d.error and d.next_attempt_at
    # Not due yet: the sweep leaves it until its pause is over.
    assert inbox.sweep() == 0
    # The platform's data gets fixed (here: we fix the stored body) and the pause passes.
    good = payload("shopify_order.json")
    good["id"] = 77
    InboundDelivery.objects.filter(pk=d.pk).update(
        body=json.dumps(good).encode(), next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    assert inbox.sweep() == 1
    d.refresh_from_db()
    assert d.status == DeliveryStatus.PROCESSED and d.attempts == 2 and Order.objects.filter(external_id="77").exists()


def test_sweep_picks_up_pending_deliveries_whose_task_never_ran(shop: Any) -> None:
    body = json.dumps(payload("shopify_order.json")).encode()
    stored = inbox.store(channel=shop, kind="webhook", key="lost", body=body, topic="orders/create")
    InboundDelivery.objects.filter(pk=stored.delivery.pk).update(received_at=timezone.now() - timedelta(minutes=5))
    assert inbox.sweep() == 1
    assert Order.objects.count() == 1
    assert inbox.sweep() == 0  # processed: never twice


def test_attempts_are_bounded(shop: Any) -> None:
    from oms.system import params

    params.set_value("channels.delivery_max_attempts", 2)
    stored = inbox.store(channel=shop, kind="webhook", key="bad", body=b"{}", topic="orders/create")
    for _ in range(3):
        InboundDelivery.objects.filter(pk=stored.delivery.pk).update(
            next_attempt_at=timezone.now() - timedelta(seconds=1)
        )
        inbox.sweep()
    d = InboundDelivery.objects.get(pk=stored.delivery.pk)
    assert d.attempts == 2 and d.status == DeliveryStatus.FAILED


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    body=st.binary(max_size=600),
    topic=st.sampled_from(["orders/create", "orders/updated", "order.created", "order.deleted", "", "x"]),
    sign=st.booleans(),
    platform=st.sampled_from(["shopify", "woocommerce"]),
    junk=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40),
)
def test_no_input_makes_a_500(
    client: Any, shop: Any, woo: Any, body: bytes, topic: str, sign: bool, platform: str, junk: str
) -> None:
    before = InboundDelivery.objects.count()
    adapter = shopify if platform == "shopify" else woocommerce
    sig = adapter.sign(SECRET, body) if sign else junk
    if platform == "shopify":
        headers = {"HTTP_X_SHOPIFY_TOPIC": topic, "HTTP_X_SHOPIFY_HMAC_SHA256": sig, "HTTP_X_SHOPIFY_EVENT_ID": junk}
    else:
        headers = {
            "HTTP_X_WC_WEBHOOK_TOPIC": topic,
            "HTTP_X_WC_WEBHOOK_SIGNATURE": sig,
            "HTTP_X_WC_WEBHOOK_DELIVERY_ID": junk,
        }
    code = "shopify-intl" if platform == "shopify" else "woo-site"
    response = client.post(f"/webhooks/{platform}/{code}/", data=body, content_type="application/json", **headers)
    assert response.status_code < 500
    stored = InboundDelivery.objects.count() - before
    if stored:
        # Only a correctly signed JSON object with an id, on a topic we use, is ever stored.
        assert sign and response.status_code == 200
        parsed = json.loads(body)
        assert isinstance(parsed, dict) and "id" in parsed


def test_tax_exclusive_orders_from_both_platforms_pass_the_amount_check(
    client: Any, shop: Any, woo: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from decimal import Decimal

    from oms.orders.choices import OrderStatus

    with django_capture_on_commit_callbacks(execute=True):
        assert post_shopify(client, json.dumps(payload("shopify_order_tax_exclusive.json")).encode()).status_code == 200
        assert post_woo(client, json.dumps(payload("woocommerce_order_tax_exclusive.json")).encode()).status_code == 200
    for channel, external_id, tax, total in (
        (shop, "5820419790001", "23.82", "420.82"),
        (woo, "7321", "15.60", "275.60"),
    ):
        order = Order.objects.get(channel=channel, external_id=external_id)
        # Valid: it reached pending review (and the automatic review may already have approved it).
        assert order.problems == [] and order.status in (OrderStatus.PENDING_REVIEW, OrderStatus.APPROVED)
        assert order.tax_amount == Decimal(tax) and not order.taxes_included
        assert order.total_amount == Decimal(total)
