"""WooCommerce: webhook verification and the REST v3 order JSON (webhooks and /wp-json/wc/v3/orders)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from decimal import Decimal
from typing import Any

from oms.channels.interface import IncomingAddress, IncomingLine, IncomingOrder
from oms.channels.parsing import cents, parse_datetime, platform_amount, platform_quantity, split_name

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
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def verify(secret: str, body: bytes, header: str | None) -> bool:
    if not secret or not header:
        return False
    return hmac.compare_digest(sign(secret, body).encode(), header.strip().encode())


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


def order_from_rest(payload: dict[str, Any], *, deleted: bool = False) -> IncomingOrder:
    if not isinstance(payload, dict) or "id" not in payload:
        raise ValueError("a WooCommerce order has an id")
    if deleted and "line_items" not in payload:
        # order.deleted carries only the id: the order is gone on the platform.
        return IncomingOrder(external_id=str(payload["id"]), cancelled=True, raw={"deleted": True})
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
        external_id=str(payload["id"]),
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
        cancelled=cancelled or deleted,
        order_type="cod" if method == "cod" else "normal",
        raw={"status": status},
    )
