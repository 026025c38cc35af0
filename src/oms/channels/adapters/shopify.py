"""Shopify: webhook verification and the order JSON (REST webhook payload and Admin GraphQL Order)."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import httpx
from django.utils.translation import gettext as _

from oms.channels import registry
from oms.channels.parsing import parse_datetime, platform_amount, platform_quantity, split_name
from oms.channels.payloads import order_id
from oms.channels.platform_http import TIMEOUT, PullError, request_with_retry
from oms.core import signatures
from oms.orders.incoming import IncomingAddress, IncomingLine, IncomingOrder

if TYPE_CHECKING:
    from oms.channels.models import Channel

API_VERSION = "2025-01"

TOPICS = {"orders/create", "orders/updated", "orders/cancelled", "orders/paid", "orders/edited"}

FINANCIAL_STATUS = {
    "pending": "unpaid",
    "authorized": "unpaid",
    "partially_paid": "partially_paid",
    "paid": "paid",
    "partially_refunded": "partially_refunded",
    "refunded": "refunded",
    "voided": "unpaid",
    "expired": "unpaid",
}


def sign(secret: str, body: bytes) -> str:
    return signatures.sign(secret, body)  # X-Shopify-Hmac-Sha256: base64 of HMAC-SHA256 of the raw body


def verify(secret: str, body: bytes, header: str | None) -> bool:
    return signatures.verify(secret, body, header)


def verify_request(headers: Mapping[str, str], body: bytes, secret: str) -> bool:
    return verify(secret, body, headers.get("X-Shopify-Hmac-Sha256"))


def topic(headers: Mapping[str, str]) -> str:
    return str(headers.get("X-Shopify-Topic") or "").strip()


def dedupe_key(headers: Any, body: bytes, topic: str) -> str:
    event = headers.get("X-Shopify-Event-Id") or headers.get("X-Shopify-Webhook-Id")
    if event:
        return f"shopify:{event.strip()[:150]}"
    return f"shopify:sha256:{topic}:{hashlib.sha256(body).hexdigest()}"


def _money(value: Any) -> Decimal:
    if value in (None, ""):
        return Decimal("0")
    if isinstance(value, dict):  # a MoneyBag: {"shopMoney": {"amount": ...}} / {"shop_money": {...}}
        value = (value.get("shopMoney") or value.get("shop_money") or {}).get("amount")
        return _money(value)
    return platform_amount(value)


def _tags(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(t).strip() for t in value if str(t).strip()]
    return [t.strip() for t in str(value or "").split(",") if t.strip()]


def _address(data: dict[str, Any] | None, *, graphql: bool) -> IncomingAddress:
    data = data or {}
    g = (lambda a, b: data.get(a) or "") if graphql else (lambda a, b: data.get(b) or "")
    name = data.get("name") or split_name(g("firstName", "first_name"), g("lastName", "last_name"))
    detail = " ".join(p for p in (g("address1", "address1"), g("address2", "address2")) if p)
    country = g("countryCodeV2", "country_code") or data.get("countryCode") or "CN"
    parts = [g("province", "province"), g("city", "city"), detail, g("zip", "zip")]
    return IncomingAddress(
        name=name,
        phone=g("phone", "phone"),
        country=str(country)[:2].upper(),
        province=g("province", "province"),
        city=g("city", "city"),
        district="",
        detail=detail,
        postcode=g("zip", "zip"),
        raw=" ".join(p for p in parts if p),
    )


def order_from_rest(payload: dict[str, Any]) -> IncomingOrder:
    """An order as Shopify sends it in order webhooks (the REST Order resource)."""
    if not isinstance(payload, dict) or "id" not in payload:
        raise ValueError("a Shopify order has an id")
    customer = payload.get("customer") or {}
    address = _address(payload.get("shipping_address") or payload.get("billing_address"), graphql=False)
    lines = []
    for item in payload.get("line_items") or []:
        qty = platform_quantity(item.get("quantity"))
        price = _money(item.get("price"))
        lines.append(
            IncomingLine(
                platform_sku=str(item.get("sku") or item.get("variant_id") or item.get("product_id") or ""),
                name=str(item.get("title") or item.get("name") or ""),
                spec=str(item.get("variant_title") or ""),
                quantity=qty,
                unit_price=price,
                line_total=price * qty,  # discounts are carried on the order (total_discounts)
                external_line_id=str(item.get("id") or ""),
            )
        )
    shipping = payload.get("total_shipping_price_set")
    shipping_amount = (
        _money(shipping)
        if shipping
        else sum((_money(s.get("price")) for s in payload.get("shipping_lines") or []), Decimal("0"))
    )
    total = _money(payload.get("total_price"))
    # total_price = total_line_items_price - total_discounts + shipping (+ total_tax unless taxes_included).
    tax = (
        _money(payload.get("total_tax"))
        if payload.get("total_tax") not in (None, "")
        else sum((_money(t.get("price")) for t in payload.get("tax_lines") or []), Decimal("0"))
    )
    financial = str(payload.get("financial_status") or "pending")
    status = FINANCIAL_STATUS.get(financial, "unpaid")
    paid = total if status == "paid" else Decimal("0")
    gateways = payload.get("payment_gateway_names") or []
    name = str(payload.get("name") or payload.get("order_number") or payload["id"])
    return IncomingOrder(
        external_id=order_id(payload["id"]),
        external_number=name,
        tags=_tags(payload.get("tags")),
        customer_name=split_name(customer.get("first_name"), customer.get("last_name")) or address.name,
        customer_phone=str(payload.get("phone") or customer.get("phone") or address.phone or ""),
        customer_email=str(payload.get("email") or customer.get("email") or ""),
        buyer_id=str(customer.get("id") or ""),
        address=address,
        lines=lines,
        buyer_note=str(payload.get("note") or ""),
        currency=str(payload.get("currency") or "CNY"),
        goods_amount=None,  # the sum of the lines (total_line_items_price)
        shipping_amount=shipping_amount,
        discount_amount=_money(payload.get("total_discounts")),
        total_amount=total,
        tax_amount=tax,
        taxes_included=payload.get("taxes_included") is not False,
        paid_amount=paid,
        payment_method=str(gateways[0] if gateways else payload.get("gateway") or ""),
        payment_status=status,
        placed_at=parse_datetime(payload.get("created_at")),
        paid_at=parse_datetime(payload.get("processed_at")) if status == "paid" else None,
        updated_at=parse_datetime(payload.get("updated_at")),
        cancelled=bool(payload.get("cancelled_at")),
        order_type="cod" if any("cash on delivery" in str(g).lower() for g in gateways) else "normal",
        raw={"admin_graphql_api_id": payload.get("admin_graphql_api_id", ""), "financial_status": financial},
    )


GRAPHQL_FINANCIAL = {k.upper(): v for k, v in FINANCIAL_STATUS.items()}

ORDER_FIELDS = """
id legacyResourceId name email phone note tags createdAt updatedAt processedAt cancelledAt
displayFinancialStatus currencyCode paymentGatewayNames taxesIncluded
customer { id firstName lastName email phone }
shippingAddress { name firstName lastName phone address1 address2 city province zip countryCodeV2 }
subtotalPriceSet { shopMoney { amount currencyCode } }
totalPriceSet { shopMoney { amount currencyCode } }
totalShippingPriceSet { shopMoney { amount currencyCode } }
totalDiscountsSet { shopMoney { amount currencyCode } }
totalTaxSet { shopMoney { amount currencyCode } }
lineItems(first: 100) { nodes { id sku name title variantTitle quantity
  originalUnitPriceSet { shopMoney { amount } } discountedTotalSet { shopMoney { amount } } } }
"""

ORDERS_QUERY = (
    "query Orders($first: Int!, $after: String, $query: String) {"
    " orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {"
    " pageInfo { hasNextPage endCursor } nodes {" + ORDER_FIELDS + "} } }"
)


def order_from_graphql(node: dict[str, Any]) -> IncomingOrder:
    """An Order object of the Admin GraphQL API (the pull sync)."""
    if not isinstance(node, dict) or "id" not in node:
        raise ValueError("a Shopify order has an id")
    external_id = str(node.get("legacyResourceId") or str(node["id"]).rsplit("/", 1)[-1])
    customer = node.get("customer") or {}
    address = _address(node.get("shippingAddress"), graphql=True)
    lines = []
    items = (node.get("lineItems") or {}).get("nodes") or [
        e.get("node", {}) for e in (node.get("lineItems") or {}).get("edges") or []
    ]
    for item in items:
        qty = platform_quantity(item.get("quantity"))
        price = _money(item.get("originalUnitPriceSet"))
        lines.append(
            IncomingLine(
                platform_sku=str(item.get("sku") or ""),
                name=str(item.get("title") or item.get("name") or ""),
                spec=str(item.get("variantTitle") or ""),
                quantity=qty,
                unit_price=price,
                line_total=price * qty,
                external_line_id=str(item.get("id") or "").rsplit("/", 1)[-1],
            )
        )
    financial = str(node.get("displayFinancialStatus") or "PENDING")
    status = GRAPHQL_FINANCIAL.get(financial, "unpaid")
    total = _money(node.get("totalPriceSet"))
    discount = _money(node.get("totalDiscountsSet"))
    gateways = node.get("paymentGatewayNames") or []
    return IncomingOrder(
        external_id=external_id,
        external_number=str(node.get("name") or external_id),
        tags=_tags(node.get("tags")),
        customer_name=split_name(customer.get("firstName"), customer.get("lastName")) or address.name,
        customer_phone=str(node.get("phone") or customer.get("phone") or address.phone or ""),
        customer_email=str(node.get("email") or customer.get("email") or ""),
        buyer_id=str(customer.get("id") or "").rsplit("/", 1)[-1],
        address=address,
        lines=lines,
        buyer_note=str(node.get("note") or ""),
        currency=str(node.get("currencyCode") or "CNY"),
        goods_amount=None,
        shipping_amount=_money(node.get("totalShippingPriceSet")),
        discount_amount=discount,
        total_amount=total,
        tax_amount=_money(node.get("totalTaxSet")),
        taxes_included=node.get("taxesIncluded") is not False,
        paid_amount=total if status == "paid" else Decimal("0"),
        payment_method=str(gateways[0] if gateways else ""),
        payment_status=status,
        placed_at=parse_datetime(node.get("createdAt")),
        paid_at=parse_datetime(node.get("processedAt")) if status == "paid" else None,
        updated_at=parse_datetime(node.get("updatedAt")),
        cancelled=bool(node.get("cancelledAt")),
        order_type="cod" if any("cash on delivery" in str(g).lower() for g in gateways) else "normal",
        raw={"admin_graphql_api_id": str(node["id"]), "financial_status": financial.lower()},
    )


def parse(channel: Channel, payload: dict[str, Any], kind: str, topic: str) -> IncomingOrder:
    # Cancellation comes from the signed body (cancelled_at), whatever the unsigned topic header says.
    return order_from_graphql(payload) if kind == "pull" else order_from_rest(payload)


def updated_at(payload: dict[str, Any]) -> datetime | None:
    return parse_datetime(payload.get("updatedAt"))


def pull_pages(channel: Channel, since: datetime, pause: float = 1.0) -> Iterator[list[dict[str, Any]]]:
    if not channel.base_url or not channel.api_token:
        raise PullError(_("Set the shop URL and the Admin API access token first."))
    return pages(channel.base_url, channel.api_token, since, pause=pause)


def pages(
    base_url: str, token: str, since: datetime, *, page_size: int = 50, pause: float = 1.0
) -> Iterator[list[dict[str, Any]]]:
    """Orders updated since `since`, page by page, from the Admin GraphQL API."""
    url = f"{base_url.rstrip('/')}/admin/api/{API_VERSION}/graphql.json"
    headers = {"X-Shopify-Access-Token": token, "Content-Type": "application/json"}
    search = f"updated_at:>='{since.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}'"
    after = None
    with httpx.Client(timeout=TIMEOUT, headers=headers) as client:
        while True:
            variables = {"first": page_size, "after": after, "query": search}
            for attempt in range(5):
                response = request_with_retry(
                    client, "POST", url, json={"query": ORDERS_QUERY, "variables": variables}, pause=pause
                )
                if response.status_code != 200:
                    raise PullError(f"Shopify answered HTTP {response.status_code}: {response.text[:300]}")
                doc = response.json()
                errors = doc.get("errors") or []
                if any((e.get("extensions") or {}).get("code") == "THROTTLED" for e in errors):
                    time.sleep(min(pause * 2**attempt, 30))  # cost-based rate limit: wait for the bucket
                    continue
                if errors:
                    raise PullError("Shopify: " + "; ".join(str(e.get("message")) for e in errors)[:500])
                break
            else:
                raise PullError("Shopify kept throttling the query")
            orders = doc["data"]["orders"]
            yield orders.get("nodes") or [e["node"] for e in orders.get("edges") or []]
            info = orders.get("pageInfo") or {}
            if not info.get("hasNextPage"):
                return
            after = info.get("endCursor")


ADAPTER = registry.register(
    registry.Adapter(
        platform="shopify",
        topics=frozenset(TOPICS),
        verify=verify_request,
        topic=topic,
        dedupe_key=dedupe_key,
        parse=parse,
        pull=pull_pages,
        updated_at=updated_at,
    )
)
