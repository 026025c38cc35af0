"""Inventory analysis: turnover and days of inventory over a period, overstock, slow movers and
replenishment suggestions; plus a small server-rendered SVG bar chart (no JavaScript, no CDN).

Average stock over a period is exact, not sampled: on-hand is piecewise constant between moves, so
its time integral is level_at_start * T + sum(delta * time_remaining) over the moves in the period."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from html import escape
from typing import Any

from django.db.models import Max, Sum
from django.utils import timezone

from oms.inventory.models import Stock, StockMove, StockThreshold
from oms.system import params


@dataclass
class TurnoverRow:
    product_id: int
    warehouse_id: int
    sku: str
    name: str
    warehouse: str
    shipped: int
    cogs: Decimal
    avg_on_hand: float
    avg_value: Decimal
    turnover: float | None  # times per period
    days_of_inventory: float | None


def average_level(level_at_end: int, moves: list[tuple[datetime, int]], start: datetime, end: datetime) -> float:
    """Time-weighted average on-hand over [start, end] from the level at `end` and the moves inside. Pure."""
    span = (end - start).total_seconds()
    if span <= 0:
        return float(level_at_end)
    level_at_start = level_at_end - sum(d for _t, d in moves)
    integral = level_at_start * span + sum(d * (end - t).total_seconds() for t, d in moves)
    return integral / span


def turnover(start: datetime, end: datetime, stock_qs: Any = None) -> list[TurnoverRow]:
    stock_qs = stock_qs if stock_qs is not None else Stock.objects.all()
    rows = list(stock_qs.select_related("product", "warehouse"))
    keys = {(s.product_id, s.warehouse_id) for s in rows}
    after = {
        (r["product_id"], r["warehouse_id"]): r["d"] or 0
        for r in StockMove.objects.filter(created_at__gt=end)
        .values("product_id", "warehouse_id")
        .annotate(d=Sum("d_on_hand"))
    }
    inside: dict[tuple[int, int], list[tuple[datetime, int]]] = defaultdict(list)
    shipped: dict[tuple[int, int], int] = defaultdict(int)
    cogs: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for m in (
        StockMove.objects.filter(created_at__gt=start, created_at__lte=end)
        .exclude(d_on_hand=0)
        .only("product_id", "warehouse_id", "created_at", "d_on_hand", "kind", "quantity", "unit_cost")
    ):
        key = (m.product_id, m.warehouse_id)
        inside[key].append((m.created_at, m.d_on_hand))
        if m.kind == "ship":
            shipped[key] += m.quantity
            cogs[key] += m.unit_cost * m.quantity
    days = max((end - start).total_seconds() / 86400, 1e-9)
    result = []
    for s in rows:
        key = (s.product_id, s.warehouse_id)
        if key not in keys:
            continue
        level_end = s.on_hand - after.get(key, 0)
        avg = max(0.0, average_level(level_end, inside.get(key, []), start, end))
        avg_value = (s.product.unit_cost * Decimal(str(round(avg, 4)))).quantize(Decimal("0.01"))
        turns = float(cogs[key] / avg_value) if avg_value > 0 else None
        doi = days / turns if turns else None
        result.append(
            TurnoverRow(
                s.product_id,
                s.warehouse_id,
                s.product.sku,
                s.product.name,
                s.warehouse.code,
                shipped[key],
                cogs[key],
                avg,
                avg_value,
                turns,
                doi,
            )
        )
    return result


@dataclass
class CoverRow:
    stock: Stock
    velocity: float  # units per day
    cover_days: float | None  # None: no recent sales
    last_sale: datetime | None
    suggestion: int = 0


def cover(stock_qs: Any = None, now: datetime | None = None) -> list[CoverRow]:
    now = now or timezone.now()
    window = int(params.get("inventory.velocity_days"))
    since = now - timedelta(days=window)
    sold = {
        (r["product_id"], r["warehouse_id"]): r["q"]
        for r in StockMove.objects.filter(kind="ship", created_at__gte=since)
        .values("product_id", "warehouse_id")
        .annotate(q=Sum("quantity"))
    }
    last = {
        (r["product_id"], r["warehouse_id"]): r["t"]
        for r in StockMove.objects.filter(kind="ship")
        .values("product_id", "warehouse_id")
        .annotate(t=Max("created_at"))
    }
    targets = {(t.product_id, t.warehouse_id): t.target or 0 for t in StockThreshold.objects.all()}
    lead = int(params.get("inventory.replenishment_lead_days"))
    safety = int(params.get("inventory.safety_stock_days"))
    stock_qs = stock_qs if stock_qs is not None else Stock.objects.all()
    rows = []
    for s in stock_qs.select_related("product", "warehouse"):
        key = (s.product_id, s.warehouse_id)
        velocity = sold.get(key, 0) / window
        cover_days = s.available / velocity if velocity else None
        rows.append(
            CoverRow(
                s, velocity, cover_days, last.get(key), replenishment(velocity, lead, safety, s, targets.get(key, 0))
            )
        )
    return rows


def replenishment(velocity: float, lead_days: int, safety_days: int, stock: Any, target: int = 0) -> int:
    """velocity x lead time + safety stock - available - in transit (never below zero). Pure."""
    need = max(math.ceil(velocity * (lead_days + safety_days)), target)
    return max(0, need - stock.available - stock.in_transit)


def overstock(rows: list[CoverRow]) -> list[CoverRow]:
    limit = int(params.get("inventory.overstock_days"))
    return sorted(
        (r for r in rows if r.cover_days is not None and r.cover_days > limit), key=lambda r: -(r.cover_days or 0)
    )


def slow_movers(rows: list[CoverRow], now: datetime | None = None) -> list[CoverRow]:
    now = now or timezone.now()
    limit = timedelta(days=int(params.get("inventory.slow_mover_days")))
    return [r for r in rows if r.stock.on_hand > 0 and (r.last_sale is None or now - r.last_sale > limit)]


def bar_chart(data: list[tuple[str, float]], unit: str = "", width: int = 640, bar: int = 18) -> str:
    """Horizontal bar chart as inline SVG. Labels are escaped; values are plain numbers."""
    if not data:
        return ""
    label_w, gap = 150, 6
    top = max((v for _l, v in data), default=0) or 1
    height = len(data) * (bar + gap) + gap
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="oms-chart" role="img" width="100%" '
        f'viewBox="0 0 {width} {height}" preserveAspectRatio="xMinYMin meet">'
    ]
    span = width - label_w - 80
    for i, (label, value) in enumerate(data):
        y = gap + i * (bar + gap)
        w = max(1, int(span * (value / top))) if value > 0 else 0
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar - 5}" text-anchor="end" font-size="12">{escape(label[:22])}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar}" fill="#0d6efd" rx="2"><title>'
            f"{escape(label)}: {value:.2f}{escape(unit)}</title></rect>"
            f'<text x="{label_w + w + 4}" y="{y + bar - 5}" font-size="12">{value:.2f}{escape(unit)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
