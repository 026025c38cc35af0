"""Builders for review tests: real orders through intake, warehouses and stock through inventory."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from oms.core.actor import Actor
from oms.orders.intake import ingest
from oms.orders.tests import factories as of

CHANNEL = Actor.channel("test")
SYSTEM = Actor.system("test")


def product(sku: str = "SKU-0001", price: str = "50", weight: str = "0.5") -> Any:
    p = of.product(sku, price)
    p.weight_kg = Decimal(weight)
    p.save(update_fields=["weight_kg"])
    return p


_phones = iter(range(1, 10**6))


def order(external_id: str = "E1", **overrides: Any) -> Any:
    """A valid order (2 x SKU-0001 at 50, paid 100, Shenzhen) in "pending review"; each gets its own
    phone number unless one is given (same phone + address + items would be an intake duplicate)."""
    ensure_rules()
    of.product("SKU-0001", "50")
    overrides.setdefault("customer_phone", f"1391234{next(_phones) % 10000:04d}")
    result = ingest(channel=of.channel(), incoming=of.incoming(external_id, **overrides), actor=CHANNEL, source="api")
    assert result.order is not None and result.order.status == "pending_review", result.problems
    return result.order


def warehouse(code: str = "sz", covered: list[str] | None = None) -> Any:
    from oms.inventory.tests import factories as inv

    return inv.warehouse(code, province="广东", covered=covered or [])


def stock(p: Any, w: Any, qty: int) -> None:
    from oms.inventory import actions

    actions.receive(product_id=p.pk, warehouse_id=w.pk, quantity=qty, actor=SYSTEM, reason="test")


def set_param(key: str, value: Any) -> None:
    from oms.system import params

    params.set_value(key, value)


def events(o: Any) -> list[str]:
    return list(o.events.order_by("pk").values_list("type", flat=True))


def person(role: str, username: str | None = None) -> Any:
    """A user in a built-in role, without a password (hashing one per test is slow on 2 cores)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from oms.core.roles import group_name

    user = get_user_model().objects.create(username=username or f"{role}-{next(_phones)}")
    user.groups.add(Group.objects.get(name=group_name(role)))
    return user


def ensure_rules() -> None:
    """The built-in rules (seeded by a data migration, which a transactional test's flush empties)."""
    from oms.orders.review.models import ReviewRule
    from oms.orders.review.rules import BUILTIN

    if ReviewRule.objects.exists():
        return
    for n, spec in enumerate(BUILTIN, start=1):
        ReviewRule.objects.create(
            code=spec["code"],
            kind=spec["kind"],
            params=spec["params"],
            outcome=spec["outcome"],
            description=spec["description"],
            position=n * 10,
        )
