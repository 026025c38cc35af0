"""The only code that changes Stock balances: each change is a StockMove row plus a conditional
UPDATE with F() expressions, in the caller's transaction, rows touched in primary-key order.

On SQLite the transaction is IMMEDIATE (one writer at a time); on PostgreSQL the stock rows are locked
with SELECT ... FOR UPDATE ordered by pk first, so two transactions never wait on each other in a cycle.
The conditional UPDATE (`WHERE on_hand - reserved >= qty`) is the last line of defence either way.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from oms.core.actor import Actor
from oms.inventory.models import Product, Stock, StockMove


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


def stock_rows(keys: set[tuple[int, int]], lock: bool = True) -> dict[tuple[int, int], Stock]:
    """Stock rows for (product_id, warehouse_id) keys, created when missing, locked on PostgreSQL.

    The common case (every row exists) costs one query; rows come in primary-key order."""
    if not keys:
        return {}
    product_ids = {p for p, _w in keys}
    warehouse_ids = {w for _p, w in keys}

    def fetch() -> dict[tuple[int, int], Stock]:
        query = (
            Stock.objects.filter(product_id__in=product_ids, warehouse_id__in=warehouse_ids)
            .select_related("product")
            .order_by("pk")
        )
        if lock and connection.vendor == "postgresql":
            query = query.select_for_update(of=("self",))
        return {(s.product_id, s.warehouse_id): s for s in query if (s.product_id, s.warehouse_id) in keys}

    rows = fetch()
    missing = keys - set(rows)
    if missing:
        Stock.objects.bulk_create(
            [Stock(product_id=p, warehouse_id=w) for p, w in sorted(missing)], ignore_conflicts=True
        )
        rows = fetch()
    return rows


def apply(
    deltas: list[Delta],
    actor: Actor,
    *,
    ref_type: str = "",
    ref_id: int | None = None,
    reason: str = "",
) -> list[StockMove]:
    """Apply every delta or none (raises InsufficientStock). Must run inside transaction.atomic()."""
    if not deltas:
        return []
    if not connection.in_atomic_block:
        raise RuntimeError("ledger.apply must run inside a transaction")
    rows = stock_rows({(d.product_id, d.warehouse_id) for d in deltas})
    ordered = sorted(deltas, key=lambda d: rows[(d.product_id, d.warehouse_id)].pk)
    for d in ordered:
        row = rows[(d.product_id, d.warehouse_id)]
        query = Stock.objects.filter(pk=row.pk)
        # Guard every balance the delta lowers, in the WHERE clause of the same UPDATE.
        lowers_available = d.d_reserved - d.d_on_hand
        if lowers_available > 0:
            query = query.filter(on_hand__gte=F("reserved") + lowers_available)
        if d.d_reserved < 0:
            query = query.filter(reserved__gte=-d.d_reserved)
        if d.d_in_transit < 0:
            query = query.filter(in_transit__gte=-d.d_in_transit)
        if d.d_on_hand < 0:
            query = query.filter(on_hand__gte=-d.d_on_hand)
        changes = {}
        if d.d_on_hand:
            changes["on_hand"] = F("on_hand") + d.d_on_hand
        if d.d_reserved:
            changes["reserved"] = F("reserved") + d.d_reserved
        if d.d_in_transit:
            changes["in_transit"] = F("in_transit") + d.d_in_transit
        if changes and query.update(**changes) != 1:
            fresh = Stock.objects.get(pk=row.pk)
            sku = Product.objects.filter(pk=d.product_id).values_list("sku", flat=True).first() or ""
            raise InsufficientStock(d.product_id, d.warehouse_id, abs(d.quantity), fresh.available, sku)
        row.on_hand += d.d_on_hand
        row.reserved += d.d_reserved
        row.in_transit += d.d_in_transit
    costs = {key[0]: row.product.unit_cost for key, row in rows.items()}
    moves = StockMove.objects.bulk_create(
        [
            StockMove(
                kind=d.kind,
                product_id=d.product_id,
                warehouse_id=d.warehouse_id,
                location_id=d.location_id,
                quantity=d.quantity,
                d_on_hand=d.d_on_hand,
                d_reserved=d.d_reserved,
                d_in_transit=d.d_in_transit,
                unit_cost=costs.get(d.product_id, Decimal("0")),
                ref_type=ref_type,
                ref_id=ref_id,
                reason=(d.reason or reason)[:300],
                actor_kind=actor.kind,
                actor_user_id=actor.user_id,
                actor_name=actor.name,
            )
            for d in deltas
        ]
    )
    from oms.inventory import alerts

    alerts.evaluate({k: rows[k] for k in {(d.product_id, d.warehouse_id) for d in deltas}})
    _notify_available(deltas)
    return moves


def _notify_available(deltas: list[Delta]) -> None:
    grown: dict[int, set[int]] = defaultdict(set)
    for d in deltas:
        if d.d_on_hand - d.d_reserved > 0:
            grown[d.warehouse_id].add(d.product_id)
    if not grown:
        return
    from oms.inventory import hooks

    def fire() -> None:
        for warehouse_id, products in grown.items():
            hooks.stock_available(warehouse_id, products)

    transaction.on_commit(fire)


def recompute() -> list[dict]:
    """Re-sum the ledger and return every Stock row whose cached balances disagree (should be none)."""
    from django.db.models import Sum

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
