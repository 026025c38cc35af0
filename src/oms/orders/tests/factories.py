"""Small builders for order tests: a channel, products, and IncomingOrder values."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from oms.orders.incoming import IncomingAddress, IncomingLine, IncomingOrder

PLACED = timezone.now().replace(microsecond=0)  # fixed, so that re-deliveries are identical
GOOD_ADDRESS = "广东省深圳市南山区科技园南路1号"


def channel(code: str = "tmall-test", platform: str = "taobao") -> Any:
    from oms.channels.models import Channel

    return Channel.objects.get_or_create(code=code, defaults={"name": code, "platform": platform})[0]


def product(sku: str = "SKU-0001", price: str = "50") -> Any:
    from oms.inventory.models import Product

    return Product.objects.get_or_create(sku=sku, defaults={"name": f"Product {sku}", "list_price": Decimal(price)})[0]


def incoming(external_id: str = "E1", **overrides: Any) -> IncomingOrder:
    """A valid order: two units of SKU-0001 at 50, paid 100."""
    values: dict[str, Any] = {
        "external_id": external_id,
        "external_number": f"N-{external_id}",
        "customer_name": "张三",
        "customer_phone": "13812348000",
        "address": IncomingAddress(raw=GOOD_ADDRESS),
        "lines": [IncomingLine("SKU-0001", "Green tea", 2, Decimal("50"))],
        "paid_amount": Decimal("100"),
        "payment_status": "paid",
        "placed_at": PLACED,
    }
    values.update(overrides)
    return IncomingOrder(**values)


def at(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text))


def default_rules() -> None:
    """The seeded classification rules (a transactional test elsewhere may have flushed them)."""
    from oms.orders.models import ClassificationRule
    from oms.orders.rules import DEFAULT_RULES

    if not ClassificationRule.objects.exists():
        ClassificationRule.objects.bulk_create(
            ClassificationRule(position=(n + 1) * 10, **spec) for n, spec in enumerate(DEFAULT_RULES)
        )
