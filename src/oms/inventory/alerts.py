"""Low-stock alerts ("low_stock" alerts of oms.monitoring): one active alert per SKU x warehouse, raised
when available stock drops below the threshold and cleared when it recovers. Evaluated in the same
transaction as every stock move, and by a periodic scan that also refreshes the days-of-cover levels
from recent sales."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from django.db.models import Sum
from django.utils import timezone

from oms.core.actor import Actor
from oms.inventory.models import Product, Stock, StockMove, StockThreshold, Warehouse
from oms.monitoring import actions as alert_actions
from oms.monitoring import selectors as alert_selectors
from oms.monitoring.kinds import AlertKind
from oms.monitoring.subjects import Subject
from oms.system import params

KIND = AlertKind.LOW_STOCK
SYSTEM = Actor.system("stock")


def subject(product_id: int, warehouse_id: int) -> Subject:
    """A SKU in one warehouse: the product row, narrowed to the warehouse."""
    return Subject.row("inventory.product", product_id, f"warehouse:{warehouse_id}")


def threshold_for(minimum: int | None, cover_level: int, default: int) -> int:
    """Effective threshold: the SKU x warehouse minimum (or the default) raised to the days-of-cover level."""
    base = default if minimum is None else minimum
    return max(base, cover_level)


def decide(available: int, threshold: int, is_open: bool) -> str | None:
    """'raise', 'clear' or None. Pure."""
    if threshold <= 0:
        return "clear" if is_open else None
    if available < threshold and not is_open:
        return "raise"
    if available >= threshold and is_open:
        return "clear"
    return None


def evaluate(rows: Mapping[tuple[int, int], Stock]) -> None:
    """Raise or clear alerts for the given stock rows (their balances already up to date)."""
    if not rows:
        return
    default = int(params.get("inventory.low_stock_default"))
    products = {p for p, _w in rows}
    warehouses = {w for _p, w in rows}
    limits = {
        (t.product_id, t.warehouse_id): t
        for t in StockThreshold.objects.filter(product_id__in=products, warehouse_id__in=warehouses).order_by()
    }
    subjects = {key: subject(*key) for key in rows}
    active = alert_selectors.active_by_key(KIND, [sub.key for sub in subjects.values()])
    to_raise: list[tuple[tuple[int, int], int, int]] = []
    for key, stock in rows.items():
        limit = limits.get(key)
        threshold = threshold_for(limit.minimum if limit else None, limit.cover_level if limit else 0, default)
        alert = active.get((subjects[key].key, ""))
        action = decide(stock.available, threshold, alert is not None)
        if action == "raise":
            to_raise.append((key, threshold, stock.available))
        elif action == "clear" and alert is not None:
            alert_actions.clear(KIND, subjects[key], actor=SYSTEM)
        elif alert is not None and stock.available < int(alert.params.get("lowest", stock.available)):
            alert_actions.seen_again(alert, {"lowest": stock.available})
    if to_raise:
        skus = dict(Product.objects.filter(pk__in={k[0] for k, _t, _a in to_raise}).values_list("pk", "sku"))
        houses = {
            pk: (name, code)
            for pk, name, code in Warehouse.objects.filter(pk__in={k[1] for k, _t, _a in to_raise}).values_list(
                "pk", "name", "code"
            )
        }
        alert_actions.raise_many(
            KIND,
            [
                alert_actions.Raise(
                    subjects[key],
                    {
                        "sku": skus.get(key[0], ""),
                        "warehouse": houses.get(key[1], ("", ""))[0],
                        "warehouse_code": houses.get(key[1], ("", ""))[1],
                        "warehouse_id": key[1],
                        "threshold": threshold,
                        "available": available,
                        "lowest": available,
                    },
                    warehouse_id=key[1],
                )
                for key, threshold, available in to_raise
            ],
            actor=SYSTEM,
        )


def sales_velocity(days: int) -> dict[tuple[int, int], float]:
    """Units shipped per day per (product, warehouse) over the last `days` days."""
    since = timezone.now() - timedelta(days=days)
    shipped = (
        StockMove.objects.filter(kind="ship", created_at__gte=since)
        .values("product_id", "warehouse_id")
        .annotate(q=Sum("quantity"))
    )
    return {(r["product_id"], r["warehouse_id"]): r["q"] / days for r in shipped}


def scan() -> int:
    """Periodic: refresh days-of-cover levels, then evaluate every stock row. Returns open alerts."""
    from django.db import transaction

    cover_days = int(params.get("inventory.alert_cover_days"))
    velocity = sales_velocity(int(params.get("inventory.velocity_days"))) if cover_days else {}
    with transaction.atomic():
        for t in StockThreshold.objects.all():
            level = int(round(velocity.get((t.product_id, t.warehouse_id), 0) * cover_days))
            if level != t.cover_level:
                StockThreshold.objects.filter(pk=t.pk).update(cover_level=level)
        if cover_days:
            have = set(StockThreshold.objects.values_list("product_id", "warehouse_id"))
            default = int(params.get("inventory.low_stock_default"))
            StockThreshold.objects.bulk_create(
                [
                    StockThreshold(product_id=p, warehouse_id=w, minimum=default, cover_level=round(v * cover_days))
                    for (p, w), v in velocity.items()
                    if (p, w) not in have and round(v * cover_days) > default
                ],
                ignore_conflicts=True,
            )
        rows = {(s.product_id, s.warehouse_id): s for s in Stock.objects.all()}
        evaluate(rows)
    return alert_selectors.active(KIND).count()
