"""Excel import and export of products and stock levels (openpyxl). Imports check every row and report
errors by row number; nothing is written unless every row is valid."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from io import BytesIO
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from oms.core import exports
from oms.core.actor import Actor
from oms.core.validators import INT_MAX
from oms.inventory import ledger
from oms.inventory.models import Product, Stock, Warehouse

PRODUCT_COLUMNS = ["sku", "name", "spec", "barcode", "unit_cost", "list_price", "weight_kg", "volume_l", "active"]
STOCK_COLUMNS = ["sku", "warehouse", "on_hand"]


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number, message)

    @property
    def ok(self) -> bool:
        return not self.errors


def workbook_bytes(headers: list[str], rows: Iterable[list[Any]], title: str = "Sheet1") -> bytes:
    """Through the one export helper (formula-safe cells); headers are the import's column keys."""
    return exports.xlsx_bytes(headers, rows, title)


def product_rows(qs: Any) -> Iterator[list[Any]]:
    for p in qs.iterator(2000):
        yield [
            p.sku,
            p.name,
            p.spec,
            p.barcode,
            float(p.unit_cost),
            float(p.list_price),
            float(p.weight_kg),
            float(p.volume_l),
            "yes" if p.active else "no",
        ]


def export_products(qs: Any = None) -> bytes:
    return workbook_bytes(PRODUCT_COLUMNS, product_rows(qs if qs is not None else Product.objects.all()), "products")


def _rows(data: bytes) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    wb = load_workbook(BytesIO(data), read_only=True, data_only=True)
    ws = wb.active
    it = ws.iter_rows(values_only=True)
    header = [str(h or "").strip().lower() for h in next(it, [])]
    rows = [(i, list(r)) for i, r in enumerate(it, start=2) if any(c not in (None, "") for c in r)]
    return header, rows


def _decimal(value: Any, name: str) -> Decimal:
    try:
        d = Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation as exc:
        raise ValueError(_("%(field)s is not a number") % {"field": name}) from exc
    if d < 0:
        raise ValueError(_("%(field)s cannot be negative") % {"field": name})
    return d


def import_products(data: bytes) -> ImportResult:
    result = ImportResult()
    try:
        header, rows = _rows(data)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        result.errors.append((0, _("The file is not an Excel workbook (.xlsx).")))
        return result
    if "sku" not in header or "name" not in header:
        result.errors.append((1, _("The first row must name the columns; sku and name are required.")))
        return result
    parsed = []
    seen: set[str] = set()
    for n, row in rows:
        rec = {h: row[i] if i < len(row) else None for i, h in enumerate(header)}
        sku = str(rec.get("sku") or "").strip()
        name = str(rec.get("name") or "").strip()
        try:
            if not sku:
                raise ValueError(_("sku is empty"))
            if sku in seen:
                raise ValueError(_("sku %(sku)s appears twice in the file") % {"sku": sku})
            if not name:
                raise ValueError(_("name is empty"))
            values = {
                "name": name[:300],
                "spec": str(rec.get("spec") or "")[:300],
                "barcode": str(rec.get("barcode") or "")[:100],
                "unit_cost": _decimal(rec.get("unit_cost"), "unit_cost"),
                "list_price": _decimal(rec.get("list_price"), "list_price"),
                "weight_kg": _decimal(rec.get("weight_kg"), "weight_kg"),
                "volume_l": _decimal(rec.get("volume_l"), "volume_l"),
                "active": str(rec.get("active") if rec.get("active") is not None else "yes").strip().lower()
                not in {"no", "0", "false", "n", "否"},
            }
        except ValueError as exc:
            result.errors.append((n, str(exc)))
            continue
        seen.add(sku)
        parsed.append((sku, values))
    if result.errors:
        return result
    with transaction.atomic():
        for sku, values in parsed:
            _obj, created = Product.objects.update_or_create(sku=sku, defaults=values)
            if created:
                result.created += 1
            else:
                result.updated += 1
    return result


STOCK_EXPORT_COLUMNS = [
    "sku", "name", "warehouse", "location", "on_hand", "reserved", "available", "in_transit", "unit_cost", "value",
]  # fmt: skip


def stock_rows(qs: Any) -> Iterator[list[Any]]:
    for s in qs.select_related("product", "warehouse", "location").iterator(2000):
        yield [
            s.product.sku,
            s.product.name,
            s.warehouse.code,
            s.location.code if s.location else "",
            s.on_hand,
            s.reserved,
            s.available,
            s.in_transit,
            float(s.product.unit_cost),
            float(s.value),
        ]


def export_stock(qs: Any) -> bytes:
    return workbook_bytes(STOCK_EXPORT_COLUMNS, stock_rows(qs), "stock")


def import_stock_levels(data: bytes, actor: Actor, reason: str, warehouses: Any = None) -> ImportResult:
    """Set on-hand levels (sku, warehouse, on_hand): the difference is posted as a stocktake move."""
    result = ImportResult()
    try:
        header, rows = _rows(data)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        result.errors.append((0, _("The file is not an Excel workbook (.xlsx).")))
        return result
    if not set(STOCK_COLUMNS) <= set(header):
        result.errors.append((1, _("The first row must name the columns sku, warehouse and on_hand.")))
        return result
    products = dict(Product.objects.values_list("sku", "pk"))
    allowed = warehouses if warehouses is not None else Warehouse.objects.all()
    codes = dict(allowed.values_list("code", "pk"))
    wanted: dict[tuple[int, int], int] = {}
    for n, row in rows:
        rec = {h: row[i] if i < len(row) else None for i, h in enumerate(header)}
        sku, code = str(rec.get("sku") or "").strip(), str(rec.get("warehouse") or "").strip()
        if sku not in products:
            result.errors.append((n, _("unknown sku %(sku)s") % {"sku": sku or "-"}))
            continue
        if code not in codes:
            result.errors.append((n, _("unknown warehouse %(code)s") % {"code": code or "-"}))
            continue
        try:
            qty = int(str(rec.get("on_hand")).strip())
            if not 0 <= qty <= INT_MAX:
                raise ValueError
        except (TypeError, ValueError):
            result.errors.append((n, _("on_hand must be a whole number from 0 to %(max)s") % {"max": INT_MAX}))
            continue
        key = (products[sku], codes[code])
        if key in wanted:
            result.errors.append((n, _("sku %(sku)s in %(code)s appears twice") % {"sku": sku, "code": code}))
            continue
        wanted[key] = qty
    if result.errors:
        return result
    with transaction.atomic():
        current = {(s.product_id, s.warehouse_id): s.on_hand for s in Stock.objects.all()}
        deltas = []
        for (p, w), qty in wanted.items():
            diff = qty - current.get((p, w), 0)
            if diff:
                deltas.append(ledger.adjust(p, w, diff, kind="count"))
                result.updated += 1
        try:
            ledger.apply(deltas, actor, ref_type="import", reason=reason)
        except ledger.InsufficientStock as exc:
            result.errors.append((0, str(exc)))
            transaction.set_rollback(True)
    return result
