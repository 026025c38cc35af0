"""The canonical shape of an order as any source delivers it (platform adapters, files, the API, the
console form). It belongs to orders: adapters in channels produce these and orders.intake consumes them,
so channels depends on orders and never the other way round."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any


@dataclass
class IncomingAddress:
    name: str = ""
    phone: str = ""
    country: str = "CN"
    province: str = ""
    city: str = ""
    district: str = ""
    detail: str = ""
    postcode: str = ""
    raw: str = ""  # the address as the platform sent it, one line


@dataclass
class IncomingLine:
    platform_sku: str
    name: str
    quantity: int
    unit_price: Decimal
    line_total: Decimal | None = None  # None: quantity x unit_price
    spec: str = ""
    external_line_id: str = ""


@dataclass
class IncomingOrder:
    external_id: str  # the platform's stable id; (channel, external_id) is the business key
    external_number: str = ""  # what the seller sees on the platform
    shop: str = ""
    order_type: str = "normal"  # orders.choices.OrderType
    tags: list[str] = field(default_factory=list)
    customer_name: str = ""
    customer_phone: str = ""
    customer_email: str = ""
    customer_id_card: str = ""
    buyer_id: str = ""
    address: IncomingAddress = field(default_factory=IncomingAddress)
    lines: list[IncomingLine] = field(default_factory=list)
    buyer_note: str = ""
    seller_note: str = ""
    currency: str = "CNY"
    goods_amount: Decimal | None = None  # None: sum of line totals
    shipping_amount: Decimal = Decimal("0")
    discount_amount: Decimal = Decimal("0")
    total_amount: Decimal | None = None  # None: goods + shipping - discount (+ tax when not included)
    # Tax as the platform reports it. taxes_included: the goods, shipping and discount amounts above
    # already contain it (VAT-style prices); False: it comes on top, total = goods + shipping - discount + tax.
    tax_amount: Decimal = Decimal("0")
    taxes_included: bool = True
    paid_amount: Decimal = Decimal("0")
    payment_method: str = ""
    payment_status: str = "unpaid"  # orders.choices.PaymentStatus
    transaction_id: str = ""
    placed_at: datetime | None = None
    paid_at: datetime | None = None
    updated_at: datetime | None = None  # platform's last change; older updates than held are ignored
    cancelled: bool = False  # the platform cancelled (or deleted) the order
    raw: dict[str, Any] = field(default_factory=dict)  # small extra facts worth keeping; not the raw body
