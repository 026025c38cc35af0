"""Small builders for inventory tests (real rows, no mocks)."""

from __future__ import annotations

from decimal import Decimal
from itertools import count

from oms.core.actor import Actor
from oms.inventory import actions
from oms.inventory.models import KitComponent, Lane, Product, Warehouse

_n = count(1)
SYSTEM = Actor.system("test")


def product(sku: str | None = None, cost: str = "10", weight: str = "0.5", **kw) -> Product:
    sku = sku or f"T-{next(_n):04d}"
    return Product.objects.create(
        sku=sku,
        name=f"Product {sku}",
        unit_cost=Decimal(cost),
        list_price=Decimal(cost) * 2,
        weight_kg=Decimal(weight),
        **kw,
    )


def warehouse(code: str, province: str = "上海", priority: int = 100, covered=None, **kw) -> Warehouse:
    return Warehouse.objects.create(
        code=code, name=code, province=province, priority=priority, covered_provinces=covered or [], **kw
    )


def kit(sku: str, parts: list[tuple[Product, int]]) -> Product:
    k = product(sku, is_kit=True)
    for comp, q in parts:
        KitComponent.objects.create(kit=k, component=comp, quantity=q)
    return k


def stock(p: Product, w: Warehouse, qty: int) -> None:
    actions.receive(product_id=p.pk, warehouse_id=w.pk, quantity=qty, actor=SYSTEM, reason="test")


def lane(a: Warehouse, b: Warehouse, cost: str = "1", days: int = 2) -> Lane:
    return Lane.objects.create(source=a, destination=b, unit_cost=Decimal(cost), lead_time_days=days)


def channel(code: str = "shop"):
    from oms.channels.models import Channel

    return Channel.objects.get_or_create(code=code, defaults={"name": code, "platform": "manual"})[0]


def order(lines: list[tuple[Product, int]], province: str = "上海", status: str = "approved", ch=None):
    from oms.orders.models import Order, OrderLine

    n = next(_n)
    o = Order.objects.create(
        number=f"O{n:06d}", channel=ch or channel(), external_id=f"E{n}", province=province, status=status
    )
    for i, (p, q) in enumerate(lines, 1):
        OrderLine.objects.create(order=o, line_no=i, product=p, sku=p.sku, name=p.name, quantity=q)
    return o
