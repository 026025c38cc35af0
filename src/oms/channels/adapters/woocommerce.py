"""WooCommerce: webhook verification and the REST v3 order JSON (webhooks and /wp-json/wc/v3/orders).

The topic header (X-WC-Webhook-Topic) is not covered by the signature, so it never decides a
cancellation: an order is cancelled when its signed body says so (status cancelled, refunded, failed,
trash), and an `order.deleted` delivery (whose body is only the id) is confirmed by asking the shop for
that order before anything is cancelled.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import httpx
from django.utils.translation import gettext as _

from oms.channels import registry
from oms.channels.parsing import cents, parse_datetime, platform_amount, platform_quantity, split_name
from oms.channels.payloads import order_id
from oms.channels.platform_http import TIMEOUT, PullError, request_with_retry
from oms.core import signatures
from oms.orders.incoming import IncomingAddress, IncomingLine, IncomingOrder

if TYPE_CHECKING:
    from oms.channels.models import Channel

PING = re.compile(rb"^webhook_id=\d+$")
DELETED = "order.deleted"
# What GET /orders/<id> answers for an order that no longer exists (WC_REST_Orders_Controller::get_item).
GONE = "woocommerce_rest_shop_order_invalid_id"

TOPICS = {"order.created", "order.updated", "order.deleted", "order.restored"}

# WooCommerce order statuses -> (payment status, cancelled)
STATUS = {
    "pending": ("unpaid", False),
    "on-hold": ("unpaid", False),
    "processing": ("paid", False),
    "completed": ("paid", False),
    "cancelled": ("unpaid", True),
    "refunded": ("refunded", True),
    "failed": ("unpaid", True),
    "trash": ("unpaid", True),
    "checkout-draft": ("unpaid", False),
}


def sign(secret: str, body: bytes) -> str:
    return signatures.sign(secret, body)  # X-WC-Webhook-Signature: base64 of HMAC-SHA256 of the raw body


def verify(secret: str, body: bytes, header: str | None) -> bool:
    return signatures.verify(secret, body, header)


def verify_request(headers: Mapping[str, str], body: bytes, secret: str) -> bool:
    return verify(secret, body, headers.get("X-WC-Webhook-Signature"))


def topic(headers: Mapping[str, str]) -> str:
    return str(headers.get("X-WC-Webhook-Topic") or "").strip()


def is_ping(headers: Mapping[str, str], body: bytes) -> bool:
    """WooCommerce's unsigned check when a webhook is saved: `webhook_id=12`, form-encoded."""
    return not headers.get("X-WC-Webhook-Signature") and bool(PING.match(body.strip()))


def dedupe_key(headers: Any, body: bytes, topic: str) -> str:
    # WooCommerce numbers each delivery per webhook; never retried, but a proxy may replay it.
    delivery = headers.get("X-WC-Webhook-Delivery-ID")
    webhook = headers.get("X-WC-Webhook-ID", "")
    if delivery:
        return f"woo:{webhook.strip()[:40]}:{delivery.strip()[:100]}"
    return f"woo:sha256:{topic}:{hashlib.sha256(body).hexdigest()}"


def _money(value: Any) -> Decimal:
    return platform_amount(value)


def _gmt(payload: dict[str, Any], key: str) -> Any:
    # *_gmt fields are UTC without an offset; the plain ones are in the shop's zone.
    value = payload.get(f"{key}_gmt")
    if value:
        return parse_datetime(value, tz="UTC")
    return parse_datetime(payload.get(key)) if payload.get(key) else None


def order_from_rest(payload: dict[str, Any]) -> IncomingOrder:
    """An order of the REST API (webhook bodies and GET /orders have the same shape)."""
    if not isinstance(payload, dict) or "id" not in payload:
        raise ValueError("a WooCommerce order has an id")
    billing = payload.get("billing") or {}
    shipping = payload.get("shipping") or {}
    ship_or_bill = shipping if shipping.get("address_1") else billing
    detail = " ".join(p for p in (ship_or_bill.get("address_1"), ship_or_bill.get("address_2")) if p)
    name = split_name(ship_or_bill.get("first_name"), ship_or_bill.get("last_name"))
    address = IncomingAddress(
        name=name,
        phone=str(shipping.get("phone") or billing.get("phone") or ""),
        country=str(ship_or_bill.get("country") or "CN")[:2].upper(),
        province=str(ship_or_bill.get("state") or ""),
        city=str(ship_or_bill.get("city") or ""),
        detail=detail,
        postcode=str(ship_or_bill.get("postcode") or ""),
        raw=" ".join(
            str(p)
            for p in (ship_or_bill.get("state"), ship_or_bill.get("city"), detail, ship_or_bill.get("postcode"))
            if p
        ),
    )
    # WooCommerce keeps every amount without tax (line subtotal/total, shipping_total, discount_total)
    # and the taxes beside them (subtotal_tax, shipping_tax, discount_tax; total_tax = cart_tax +
    # shipping_tax); total = line totals + shipping_total + total_tax + fees. When the shop's prices
    # include tax (prices_include_tax), the amounts are carried with their tax, as the buyer saw them.
    gross = payload.get("prices_include_tax") is True
    lines = []
    for item in payload.get("line_items") or []:
        qty = platform_quantity(item.get("quantity"))
        subtotal = _money(item.get("subtotal"))  # before line discounts
        if gross:
            subtotal += _money(item.get("subtotal_tax"))
        unit = cents(subtotal / qty) if qty else _money(item.get("price"))
        spec = ", ".join(
            f"{m.get('display_key') or m.get('key')}: {m.get('display_value') or m.get('value')}"
            for m in item.get("meta_data") or []
            if isinstance(m, dict) and not str(m.get("key", "")).startswith("_")
        )
        lines.append(
            IncomingLine(
                platform_sku=str(item.get("sku") or item.get("variation_id") or item.get("product_id") or ""),
                name=str(item.get("name") or ""),
                spec=spec,
                quantity=qty,
                unit_price=unit,
                line_total=subtotal,
                external_line_id=str(item.get("id") or ""),
            )
        )
    status = str(payload.get("status") or "pending")
    payment_status, cancelled = STATUS.get(status, ("unpaid", False))
    total = _money(payload.get("total"))
    method = str(payload.get("payment_method") or "")
    return IncomingOrder(
        external_id=order_id(payload["id"]),
        external_number=str(payload.get("number") or payload["id"]),
        customer_name=split_name(billing.get("first_name"), billing.get("last_name")) or name,
        customer_phone=str(billing.get("phone") or shipping.get("phone") or ""),
        customer_email=str(billing.get("email") or ""),
        buyer_id=str(payload.get("customer_id") or ""),
        address=address,
        lines=lines,
        buyer_note=str(payload.get("customer_note") or ""),
        currency=str(payload.get("currency") or "CNY"),
        shipping_amount=_money(payload.get("shipping_total")) + (_money(payload.get("shipping_tax")) if gross else 0),
        discount_amount=_money(payload.get("discount_total")) + (_money(payload.get("discount_tax")) if gross else 0),
        total_amount=total,
        tax_amount=_money(payload.get("total_tax")),
        taxes_included=gross,
        paid_amount=total
        if payment_status == "paid" and (payload.get("date_paid") or method != "cod")
        else Decimal("0"),
        payment_method=str(payload.get("payment_method_title") or method),
        payment_status=payment_status if method != "cod" or status == "completed" else "unpaid",
        transaction_id=str(payload.get("transaction_id") or ""),
        placed_at=_gmt(payload, "date_created"),
        paid_at=_gmt(payload, "date_paid"),
        updated_at=_gmt(payload, "date_modified"),
        cancelled=cancelled,
        order_type="cod" if method == "cod" else "normal",
        raw={"status": status},
    )


def _credentials(channel: Channel) -> tuple[str, str, str]:
    key, _sep, secret = channel.api_token.partition(":")
    if not channel.base_url or not key or not secret:
        raise PullError(_("Set the site URL and the REST API key as consumer_key:consumer_secret first."))
    return channel.base_url.rstrip("/"), key, secret


def fetch_order(channel: Channel, order_id: str, *, pause: float = 1.0) -> dict[str, Any] | None:
    """The order as the shop holds it now; None when the shop says it does not exist."""
    base_url, key, secret = _credentials(channel)
    with httpx.Client(timeout=TIMEOUT, auth=(key, secret)) as client:
        response = request_with_retry(client, "GET", f"{base_url}/wp-json/wc/v3/orders/{order_id}", pause=pause)
    if response.status_code == 404:
        try:
            code = response.json().get("code")
        except ValueError:
            code = None
        if code == GONE:
            return None
    if response.status_code != 200:
        raise PullError(f"WooCommerce answered HTTP {response.status_code}: {response.text[:300]}")
    found = response.json()
    if not isinstance(found, dict) or "id" not in found:
        raise PullError("WooCommerce did not answer with an order")
    return found


def confirm_deletion(channel: Channel, order_id: str) -> IncomingOrder:
    """An order.deleted delivery names an order; what happens to ours follows what the shop says now."""
    found = fetch_order(channel, order_id)
    if found is None:  # deleted for good
        return IncomingOrder(external_id=order_id, cancelled=True, raw={"deleted": True})
    return order_from_rest(found)  # trashed (status "trash": cancelled) or still there (restored, or a forged topic)


def parse(channel: Channel, payload: dict[str, Any], kind: str, topic: str) -> IncomingOrder:
    if kind != "pull" and topic == DELETED:
        return confirm_deletion(channel, order_id(payload["id"]))
    return order_from_rest(payload)


def updated_at(payload: dict[str, Any]) -> datetime | None:
    value = payload.get("date_modified_gmt")
    return parse_datetime(value, tz="UTC") if value else parse_datetime(payload.get("date_modified"))


def pull_pages(channel: Channel, since: datetime, pause: float = 1.0) -> Iterator[list[dict[str, Any]]]:
    base_url, key, secret = _credentials(channel)
    return pages(base_url, key, secret, since, pause=pause)


def pages(
    base_url: str, key: str, secret: str, since: datetime, *, per_page: int = 100, pause: float = 1.0
) -> Iterator[list[dict[str, Any]]]:
    """Orders modified since `since`, page by page, from REST v3 (basic auth with the API key)."""
    url = f"{base_url.rstrip('/')}/wp-json/wc/v3/orders"
    page = 1
    with httpx.Client(timeout=TIMEOUT, auth=(key, secret)) as client:
        while True:
            params = {
                "modified_after": since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
                "dates_are_gmt": "true",
                "per_page": per_page,
                "page": page,
                "orderby": "modified",
                "order": "asc",
                "status": "any",
            }
            response = request_with_retry(client, "GET", url, params=params, pause=pause)
            if response.status_code != 200:
                raise PullError(f"WooCommerce answered HTTP {response.status_code}: {response.text[:300]}")
            batch = response.json()
            if not isinstance(batch, list):
                raise PullError("WooCommerce did not answer with a list of orders")
            yield batch
            total_pages = int(response.headers.get("X-WP-TotalPages") or 1)
            if page >= total_pages or not batch:
                return
            page += 1


ADAPTER = registry.register(
    registry.Adapter(
        platform="woocommerce",
        topics=frozenset(TOPICS),
        verify=verify_request,
        topic=topic,
        dedupe_key=dedupe_key,
        parse=parse,
        pull=pull_pages,
        updated_at=updated_at,
        is_ping=is_ping,
    )
)
