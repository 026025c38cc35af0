"""The only code that changes Stock balances: each change is a StockMove row plus a conditional
UPDATE, in the caller's transaction, rows touched in primary-key order.

On SQLite the transaction is IMMEDIATE (one writer at a time). On PostgreSQL each guarded UPDATE locks its
row, and rows are updated in primary-key order, so two transactions never wait on each other in a cycle
(`stock_rows(lock=True)` takes the same locks up front for callers that read balances before deciding).
The conditional UPDATE (`WHERE on_hand - reserved >= qty`) is the guarantee either way: it is the only
thing that decides whether a move fits, and it reads the committed balance under the row lock.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from oms.core.actor import Actor
from oms.inventory import alerts, hooks, sql
from oms.inventory.models import Product, Stock, StockMove
from oms.system import params


@dataclass
class Delta:
    kind: str
    product_id: int
    warehouse_id: int
    quantity: int
    d_on_hand: int = 0
    d_reserved: int = 0
    d_in_transit: int = 0
    location_id: int | None = None
    reason: str = ""
    extra: dict = field(default_factory=dict)


class InsufficientStock(Exception):
    """Not enough available stock; nothing was changed."""

    def __init__(self, product_id: int, warehouse_id: int, wanted: int, available: int, sku: str = "") -> None:
        self.product_id, self.warehouse_id, self.wanted, self.available = product_id, warehouse_id, wanted, available
        self.sku = sku
        super().__init__(
            _("Not enough stock of %(sku)s: wanted %(wanted)s, available %(available)s.")
            % {"sku": sku or product_id, "wanted": wanted, "available": available}
        )


def receipt(product_id: int, warehouse_id: int, qty: int, **kw) -> Delta:
    return Delta("receipt", product_id, warehouse_id, qty, d_on_hand=qty, **kw)


def adjust(product_id: int, warehouse_id: int, qty: int, kind: str = "adjust", **kw) -> Delta:
    return Delta(kind, product_id, warehouse_id, qty, d_on_hand=qty, **kw)


def reserve(product_id: int, warehouse_id: int, qty: int, **kw) -> Delta:
    return Delta("reserve", product_id, warehouse_id, qty, d_reserved=qty, **kw)


def release(product_id: int, warehouse_id: int, qty: int, **kw) -> Delta:
    return Delta("release", product_id, warehouse_id, qty, d_reserved=-qty, **kw)


def ship(product_id: int, warehouse_id: int, qty: int, **kw) -> Delta:
    return Delta("ship", product_id, warehouse_id, qty, d_on_hand=-qty, d_reserved=-qty, **kw)


# Stock rows with what a move needs besides the balances: the product's unit cost (stamped on the ledger row)
# and the SKU x warehouse low-stock threshold (to skip the alert check when stock stays above it).
_ROWS_SQL = (
    "SELECT s.id, s.product_id, s.warehouse_id, s.on_hand, s.reserved, s.in_transit, p.unit_cost, "
    "t.minimum, t.cover_level FROM inventory_stock s JOIN inventory_product p ON p.id = s.product_id "
    "LEFT JOIN inventory_stockthreshold t ON t.product_id = s.product_id AND t.warehouse_id = s.warehouse_id "
    "WHERE s.product_id IN {products} AND s.warehouse_id IN {warehouses} ORDER BY s.id"
)


def _row(r: tuple) -> Stock:
    row = Stock(id=r[0], product_id=r[1], warehouse_id=r[2], on_hand=r[3], reserved=r[4], in_transit=r[5])
    row._state.adding, row._state.db = False, connection.alias
    row.unit_cost_value = Decimal(str(r[6] or 0))  # type: ignore[attr-defined]
    row.threshold_min = r[7]  # type: ignore[attr-defined]
    row.threshold_cover = r[8] or 0  # type: ignore[attr-defined]
    return row


def fetch_rows(
    product_ids: set[int], warehouse_ids: set[int] | list[int], lock: bool = False
) -> dict[tuple[int, int], Stock]:
    """Existing stock rows of these products in these warehouses, in primary-key order (one query)."""
    if not product_ids or not warehouse_ids:
        return {}
    products, p_ids = sql.id_list(product_ids)
    warehouses, w_ids = sql.id_list(warehouse_ids)
    query = _ROWS_SQL.format(products=products, warehouses=warehouses)
    if lock and connection.vendor == "postgresql":
        query += " FOR UPDATE OF s"
    return {(r[1], r[2]): _row(r) for r in sql.fetch(query, [*p_ids, *w_ids])}


def stock_rows(keys: set[tuple[int, int]], lock: bool = True) -> dict[tuple[int, int], Stock]:
    """Stock rows for (product_id, warehouse_id) keys, created when missing, locked on PostgreSQL.

    The common case (every row exists) costs one query; rows come in primary-key order."""
    if not keys:
        return {}
    product_ids = {p for p, _w in keys}
    warehouse_ids = {w for _p, w in keys}

    def fetch() -> dict[tuple[int, int], Stock]:
        rows = fetch_rows(product_ids, warehouse_ids, lock=lock)
        return {k: v for k, v in rows.items() if k in keys}

    rows = fetch()
    missing = keys - set(rows)
    if missing:
        Stock.objects.bulk_create(
            [Stock(product_id=p, warehouse_id=w) for p, w in sorted(missing)], ignore_conflicts=True
        )
        rows = fetch()
    return rows


# One conditional UPDATE per delta: every balance the delta lowers is guarded in its WHERE clause, so a
# concurrent change can never drive a balance below what the delta needs. RETURNING gives the new balances.
_UPDATE_SQL = (
    "UPDATE inventory_stock SET on_hand = on_hand + %s, reserved = reserved + %s, in_transit = in_transit + %s, "
    "updated_at = %s WHERE id = %s AND on_hand - reserved >= %s AND reserved >= %s AND in_transit >= %s "
    "AND on_hand >= %s"
)


def _update(row: Stock, d: Delta, now: Any) -> tuple[int, int, int] | None:
    params = [
        d.d_on_hand,
        d.d_reserved,
        d.d_in_transit,
        now,
        row.pk,
        max(0, d.d_reserved - d.d_on_hand),
        max(0, -d.d_reserved),
        max(0, -d.d_in_transit),
        max(0, -d.d_on_hand),
    ]
    if sql.returning():
        found = sql.fetch(_UPDATE_SQL + " RETURNING on_hand, reserved, in_transit", params)
        return tuple(found[0]) if found else None  # type: ignore[return-value]
    if sql.execute(_UPDATE_SQL, params) != 1:
        return None
    return tuple(sql.fetch("SELECT on_hand, reserved, in_transit FROM inventory_stock WHERE id = %s", [row.pk])[0])  # type: ignore[return-value]


def apply(
    deltas: list[Delta],
    actor: Actor,
    *,
    ref_type: str = "",
    ref_id: int | None = None,
    reason: str = "",
    rows: dict[tuple[int, int], Stock] | None = None,
) -> list[StockMove]:
    """Apply every delta or none (raises InsufficientStock). Must run inside transaction.atomic().

    `rows` may carry stock rows the caller already read with `fetch_rows` (only their ids, unit costs and
    thresholds are used: balances come back from the guarded UPDATE itself). Rows are updated in primary-key
    order, so two transactions never wait on each other in a cycle."""
    if not deltas:
        return []
    if not connection.in_atomic_block:
        raise RuntimeError("ledger.apply must run inside a transaction")
    keys = {(d.product_id, d.warehouse_id) for d in deltas}
    if rows is None or not keys <= set(rows):
        rows = stock_rows(keys, lock=False)
    ordered = sorted(deltas, key=lambda d: rows[(d.product_id, d.warehouse_id)].pk)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    for d in ordered:
        row = rows[(d.product_id, d.warehouse_id)]
        if not (d.d_on_hand or d.d_reserved or d.d_in_transit):
            continue
        balances = _update(row, d, now)
        if balances is None:
            fresh = Stock.objects.get(pk=row.pk)
            sku = Product.objects.filter(pk=d.product_id).values_list("sku", flat=True).first() or ""
            raise InsufficientStock(d.product_id, d.warehouse_id, abs(d.quantity), fresh.available, sku)
        row.on_hand, row.reserved, row.in_transit = balances
    created = timezone.now()
    moves = sql.insert(
        StockMove,
        [
            {
                "kind": d.kind,
                "product_id": d.product_id,
                "warehouse_id": d.warehouse_id,
                "location_id": d.location_id,
                "quantity": d.quantity,
                "d_on_hand": d.d_on_hand,
                "d_reserved": d.d_reserved,
                "d_in_transit": d.d_in_transit,
                "unit_cost": getattr(rows[(d.product_id, d.warehouse_id)], "unit_cost_value", Decimal("0")),
                "ref_type": ref_type,
                "ref_id": ref_id,
                "reason": (d.reason or reason)[:300],
                "actor_kind": actor.kind,
                "actor_user_id": actor.user_id,
                "actor_name": actor.name,
                "created_at": created,
            }
            for d in deltas
        ],
    )
    _check_alerts(deltas, rows)
    _notify_available(deltas)
    return moves  # type: ignore[return-value]


def _check_alerts(deltas: list[Delta], rows: dict[tuple[int, int], Stock]) -> None:
    """Evaluate low-stock alerts only where one may change: available ended below the threshold, or rose.

    Available that fell but stays at or above the threshold cannot raise an alert, and an open alert there
    would already have been cleared when stock last rose above it (or by the periodic scan after a change of
    the default threshold)."""
    rose: dict[tuple[int, int], int] = defaultdict(int)
    for d in deltas:
        rose[(d.product_id, d.warehouse_id)] += d.d_on_hand - d.d_reserved
    default = int(params.get("inventory.low_stock_default"))
    check = {}
    for key, change in rose.items():
        row = rows[key]
        threshold = alerts.threshold_for(
            getattr(row, "threshold_min", None), getattr(row, "threshold_cover", 0), default
        )
        if change > 0 or row.available < threshold:
            check[key] = row
    alerts.evaluate(check)


def _notify_available(deltas: list[Delta]) -> None:
    grown: dict[int, set[int]] = defaultdict(set)
    for d in deltas:
        if d.d_on_hand - d.d_reserved > 0:
            grown[d.warehouse_id].add(d.product_id)
    if not grown:
        return

    def fire() -> None:
        for warehouse_id, products in grown.items():
            hooks.stock_available(warehouse_id, products)

    transaction.on_commit(fire)


def recompute() -> list[dict]:
    """Re-sum the ledger and return every Stock row whose cached balances disagree (should be none)."""
    sums = {
        (r["product_id"], r["warehouse_id"]): r
        for r in StockMove.objects.values("product_id", "warehouse_id").annotate(
            on_hand=Sum("d_on_hand"), reserved=Sum("d_reserved"), in_transit=Sum("d_in_transit")
        )
    }
    problems = []
    seen = set()
    for s in Stock.objects.values("product_id", "warehouse_id", "on_hand", "reserved", "in_transit"):
        key = (s["product_id"], s["warehouse_id"])
        seen.add(key)
        r = sums.get(key, {"on_hand": 0, "reserved": 0, "in_transit": 0})
        ledger = {f: r[f] or 0 for f in ("on_hand", "reserved", "in_transit")}
        cached = {f: s[f] for f in ("on_hand", "reserved", "in_transit")}
        if ledger != cached:
            problems.append({"product_id": key[0], "warehouse_id": key[1], "cached": cached, "ledger": ledger})
    for key, r in sums.items():
        if key not in seen and any(r[f] for f in ("on_hand", "reserved", "in_transit")):
            problems.append(
                {
                    "product_id": key[0],
                    "warehouse_id": key[1],
                    "cached": None,
                    "ledger": {f: r[f] for f in ("on_hand", "reserved", "in_transit")},
                }
            )
    return problems
