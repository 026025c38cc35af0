"""Pull sync against local HTTP servers that answer like Shopify's Admin GraphQL API and
WooCommerce's REST API: paging, rate limits, credentials, the high-water mark."""

from __future__ import annotations

import base64
import copy
import json
from typing import Any
from urllib.parse import parse_qs, urlparse

from oms.channels import pull
from oms.channels.models import InboundDelivery, Platform
from oms.orders.models import Order

from .conftest import FakePlatform, payload


def gql_order(n: int, updated: str) -> dict[str, Any]:
    node = copy.deepcopy(payload("shopify_graphql_order.json"))
    node["id"] = f"gid://shopify/Order/{n}"
    node["legacyResourceId"] = str(n)
    node["name"] = f"#{n}"
    node["updatedAt"] = updated
    return node


def gql_page(nodes: list[dict[str, Any]], cursor: str | None) -> dict[str, Any]:
    return {
        "data": {"orders": {"pageInfo": {"hasNextPage": cursor is not None, "endCursor": cursor}, "nodes": nodes}},
        "extensions": {"cost": {"requestedQueryCost": 52, "throttleStatus": {"maximumAvailable": 2000.0}}},
    }


def test_shopify_pull_pages_retries_and_advances_the_high_water_mark(make_channel: Any, fake: FakePlatform) -> None:
    channel = make_channel("shopify-intl", Platform.SHOPIFY, base_url=fake.url, token="shpat_0123456789abcdef")
    fake.answers = [
        (429, {"Retry-After": "0"}, {"errors": "Exceeded 2 calls per second for api client."}),
        (200, {}, gql_page([gql_order(101, "2026-11-20T06:00:00Z"), gql_order(102, "2026-11-20T06:05:00Z")], "c1")),
        (200, {}, {"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}]}),
        (200, {}, gql_page([gql_order(103, "2026-11-20T07:00:00Z")], None)),
    ]
    state = pull.pull_channel(channel, pause=0.0)
    assert state.last_ok, state.last_message
    assert state.last_count == 3
    assert state.high_water.isoformat() == "2026-11-20T07:00:00+00:00"
    assert set(Order.objects.filter(channel=channel).values_list("external_id", flat=True)) == {"101", "102", "103"}
    assert len(fake.requests) == 4
    first, last = fake.requests[1], fake.requests[3]
    assert first["headers"]["X-Shopify-Access-Token"] == "shpat_0123456789abcdef"
    assert first["path"].endswith("/graphql.json")
    sent = json.loads(first["body"])
    assert "updated_at:>=" in sent["variables"]["query"] and sent["variables"]["after"] is None
    assert json.loads(last["body"])["variables"]["after"] == "c1"

    # The next pull starts from the mark; an order seen again unchanged is stored once.
    fake.requests.clear()
    fake.answers = [(200, {}, gql_page([gql_order(103, "2026-11-20T07:00:00Z")], None))]
    state = pull.pull_channel(channel, pause=0.0)
    assert state.last_ok
    assert "2026-11-20T06:58:00Z" in json.loads(fake.requests[0]["body"])["variables"]["query"]
    assert InboundDelivery.objects.filter(channel=channel).count() == 3
    assert Order.objects.filter(channel=channel).count() == 3


def test_failed_pull_keeps_the_mark_and_says_why(make_channel: Any, fake: FakePlatform) -> None:
    channel = make_channel("shopify-intl", Platform.SHOPIFY, base_url=fake.url, token="t")
    fake.answers = [
        (401, {}, {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"})
    ]
    state = pull.pull_channel(channel, pause=0.0)
    assert not state.last_ok and "401" in state.last_message and state.high_water is None


def woo_order(n: int, modified: str) -> dict[str, Any]:
    data = copy.deepcopy(payload("woocommerce_order.json"))
    data["id"], data["number"], data["date_modified_gmt"] = n, str(n), modified
    return data


def test_woocommerce_pull_pages_with_basic_auth_and_retries(make_channel: Any, fake: FakePlatform) -> None:
    channel = make_channel("woo-site", Platform.WOOCOMMERCE, base_url=fake.url, token="ck_abc:cs_def", secret="s")
    fake.answers = [
        (503, {}, {"code": "unavailable"}),
        (
            200,
            {"X-WP-Total": "3", "X-WP-TotalPages": "2"},
            [woo_order(1, "2026-11-21T01:00:00"), woo_order(2, "2026-11-21T02:00:00")],
        ),
        (200, {"X-WP-Total": "3", "X-WP-TotalPages": "2"}, [woo_order(3, "2026-11-21T03:00:00")]),
    ]
    state = pull.pull_channel(channel, pause=0.0)
    assert state.last_ok, state.last_message
    assert Order.objects.filter(channel=channel).count() == 3
    q1 = parse_qs(urlparse(fake.requests[1]["path"]).query)
    q2 = parse_qs(urlparse(fake.requests[2]["path"]).query)
    assert urlparse(fake.requests[1]["path"]).path == "/wp-json/wc/v3/orders"
    assert q1["page"] == ["1"] and q2["page"] == ["2"] and "modified_after" in q1
    auth = fake.requests[1]["headers"]["Authorization"]
    assert base64.b64decode(auth.split()[1]).decode() == "ck_abc:cs_def"
    assert state.high_water.isoformat() == "2026-11-21T03:00:00+00:00"


def test_same_order_by_webhook_then_pull_then_file_is_one_order(
    client: Any, make_channel: Any, fake: FakePlatform, tmp_path: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from oms.channels import importer
    from oms.channels.adapters import shopify

    channel = make_channel("shopify-intl", Platform.SHOPIFY, base_url=fake.url, token="t", secret="sec")
    body = json.dumps(payload("shopify_order.json")).encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/webhooks/shopify/shopify-intl/",
            data=body,
            content_type="application/json",
            HTTP_X_SHOPIFY_TOPIC="orders/create",
            HTTP_X_SHOPIFY_HMAC_SHA256=shopify.sign("sec", body),
            HTTP_X_SHOPIFY_EVENT_ID="e1",
        )
    assert response.status_code == 200
    fake.answers = [(200, {}, gql_page([payload("shopify_graphql_order.json")], None))]
    assert pull.pull_channel(channel, pause=0.0).last_ok
    csv = tmp_path / "shopify.csv"
    csv.write_text(
        "order_id,order_number,customer_name,phone,address,sku,item_name,quantity,unit_price,shipping_fee,discount,total,paid\n"
        "5820419784823,#1042,李娜,13912345678,浙江省 杭州市 西湖区 文三路 478号,"
        "SH-TEA-250,西湖龙井,1,299,20,20,397,397\n"
        "5820419784823,#1042,李娜,13912345678,浙江省 杭州市 西湖区 文三路 478号,"
        "SH-CUP-01,青瓷品茗杯,2,49,20,20,397,397\n",
        encoding="utf-8",
    )
    job, _resumed = importer.create_job(channel=channel, paths=[csv], fmt="csv")
    job = importer.run(job.pk)
    assert job.status == "done" and job.rejected == 0
    assert Order.objects.filter(channel=channel).count() == 1
    order = Order.objects.get()
    assert order.deliveries.count() >= 2  # the webhook and the pull both point at it
