"""Any CSV, Excel or JSON file: the operator maps their columns to ours once per channel.

One row is one order line; the order's own fields are read from its first row. Rows of one order
share the order id and sit together (as every export writes them).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oms.channels.parsing import (
    CellError,
    clean_cell,
    normalise_header,
    parse_datetime,
    parse_money,
    parse_quantity,
    split_cn_address,
)
from oms.channels.tables import FileFormatError, Rejection, Table
from oms.core.hashset import HashSet
from oms.orders.incoming import IncomingAddress, IncomingLine, IncomingOrder


@dataclass(frozen=True)
class Column:
    key: str
    label: Any
    required: bool = False
    aliases: tuple[str, ...] = ()
    example: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("order_id", gettext_lazy("Order id"), True, ("订单号", "订单编号", "order id", "external_id"), "SO20260001"),
    Column("order_number", gettext_lazy("Order number shown to the seller"), False, ("订单编码",), "SO20260001"),
    Column("shop", gettext_lazy("Shop"), False, ("店铺", "店铺名称"), ""),
    Column("order_type", gettext_lazy("Order type"), False, ("订单类型",), "normal"),
    Column("tags", gettext_lazy("Tags (comma separated)"), False, ("标签",), ""),
    Column("placed_at", gettext_lazy("Placed at"), False, ("下单时间", "订单创建时间"), "2026-11-01 10:30:00"),
    Column("paid_at", gettext_lazy("Paid at"), False, ("付款时间", "支付时间"), "2026-11-01 10:31:00"),
    Column("updated_at", gettext_lazy("Updated at"), False, ("更新时间", "修改时间"), ""),
    Column("customer_name", gettext_lazy("Recipient name"), False, ("收货人", "收货人姓名", "收件人"), "张伟"),
    Column("phone", gettext_lazy("Phone"), False, ("手机", "联系手机", "联系电话", "电话"), "13800138000"),
    Column("email", gettext_lazy("Email"), False, ("邮箱",), ""),
    Column("id_card", gettext_lazy("ID card number"), False, ("身份证号",), ""),
    Column("buyer_id", gettext_lazy("Buyer account"), False, ("买家账号", "买家会员名"), ""),
    Column("country", gettext_lazy("Country"), False, ("国家",), "CN"),
    Column("province", gettext_lazy("Province"), False, ("省", "省份"), "浙江省"),
    Column("city", gettext_lazy("City"), False, ("市", "城市"), "杭州市"),
    Column("district", gettext_lazy("District"), False, ("区", "区县"), "西湖区"),
    Column(
        "address",
        gettext_lazy("Street address (or the whole address)"),
        False,
        ("详细地址", "收货地址", "地址"),
        "文三路 123号",
    ),
    Column("postcode", gettext_lazy("Postcode"), False, ("邮编",), "310000"),
    Column("sku", gettext_lazy("Platform SKU"), True, ("sku", "商家编码", "商品编码", "货号"), "P-1001"),
    Column("item_name", gettext_lazy("Item name"), False, ("商品名称", "宝贝标题", "标题"), "保温杯 500ml"),
    Column("spec", gettext_lazy("Specification"), False, ("规格", "商品属性"), "白色"),
    Column("quantity", gettext_lazy("Quantity"), True, ("数量", "购买数量"), "2"),
    Column("unit_price", gettext_lazy("Unit price"), True, ("单价", "价格"), "59.00"),
    Column("line_total", gettext_lazy("Line total"), False, ("小计", "金额"), "118.00"),
    Column("shipping_fee", gettext_lazy("Shipping fee"), False, ("运费",), "0"),
    Column("discount", gettext_lazy("Discount"), False, ("优惠", "折扣"), "0"),
    Column("total", gettext_lazy("Order total"), False, ("订单金额", "总金额", "应付金额"), "118.00"),
    Column("paid", gettext_lazy("Amount paid"), False, ("实付金额", "已付金额"), "118.00"),
    Column("currency", gettext_lazy("Currency"), False, ("币种",), "CNY"),
    Column("payment_method", gettext_lazy("Payment method"), False, ("支付方式",), "支付宝"),
    Column("payment_status", gettext_lazy("Payment status"), False, ("支付状态",), "paid"),
    Column("transaction_id", gettext_lazy("Transaction id"), False, ("交易号", "支付单号"), ""),
    Column("buyer_note", gettext_lazy("Buyer note"), False, ("买家留言", "买家备注"), ""),
    Column("seller_note", gettext_lazy("Seller note"), False, ("卖家备注", "商家备注"), ""),
)
BY_KEY = {c.key: c for c in COLUMNS}
REQUIRED = tuple(c.key for c in COLUMNS if c.required)


def resolve_columns(headers: list[Any], mapping: dict[str, str] | None = None) -> dict[str, int]:
    """canonical key -> column index. `mapping` is the operator's {canonical key: their header}.

    Unmapped keys fall back to the canonical key itself and its usual Chinese names.
    Raises FileFormatError naming every required column that is missing.
    """
    index: dict[str, int] = {}
    for i, h in enumerate(headers):
        index.setdefault(normalise_header(h), i)
    found: dict[str, int] = {}
    for col in COLUMNS:
        wanted = (mapping or {}).get(col.key)
        candidates = [wanted] if wanted else [col.key, *col.aliases]
        for name in candidates:
            at = index.get(normalise_header(name))
            if at is not None:
                found[col.key] = at
                break
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        names = ", ".join(f"{(mapping or {}).get(k) or k} ({BY_KEY[k].label})" for k in missing)
        raise FileFormatError(_("Required columns are missing: %(columns)s.") % {"columns": names})
    return found


@dataclass
class ParsedOrder:
    """One order read from a file: the canonical order, or why its rows were rejected."""

    external_id: str
    rows: list[int]
    incoming: IncomingOrder | None
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def last_row(self) -> int:
        return self.rows[-1] if self.rows else 0


def group_rows(
    rows: Iterable[tuple[int, list[Any]]], key_of: Any, *, file: str, id_column: str
) -> Iterator[tuple[str, list[tuple[int, list[Any]]], list[Rejection]]]:
    """Runs of consecutive rows with the same order id. An id seen before, apart from its run,
    is rejected (it would silently replace the earlier lines)."""
    # Hashes, not the ids themselves, in a flat array: at a million orders this set is the parser's
    # largest object (16 MB; a Python set of the same hashes took 60).
    seen = HashSet()
    current = ""
    bucket: list[tuple[int, list[Any]]] = []
    for number, row in rows:
        key = key_of(row)
        if not key and not any(clean_cell(c) for c in row):
            continue  # a blank row
        if not key:
            yield "", [(number, row)], [Rejection(number, id_column, _("The order id is empty."), file)]
            continue
        if key != current:
            if bucket:
                yield current, bucket, []
            if not seen.add(hash(key)):
                rej = Rejection(
                    number, id_column, _("Rows of order %(id)s are not together in the file.") % {"id": key}, file
                )
                yield key, [(number, row)], [rej]
                current, bucket = "", []
                continue
            current, bucket = key, []
        bucket.append((number, row))
    if bucket:
        yield current, bucket, []


def parse_generic(table: Table, mapping: dict[str, str] | None = None) -> Iterator[ParsedOrder]:
    cols = resolve_columns(table.headers, mapping)
    id_col = (mapping or {}).get("order_id") or table.headers[cols["order_id"]]
    id_at = cols["order_id"]

    def order_id(row: list[Any]) -> str:
        return clean_cell(row[id_at]) if id_at < len(row) else ""

    for ext_id, rows, rejections in group_rows(table.rows, order_id, file=table.name, id_column=str(id_col)):
        if rejections:
            yield ParsedOrder(ext_id, [n for n, _r in rows], None, rejections)
            continue
        yield build_generic(ext_id, rows, cols, table)


def _header(table: Table, cols: dict[str, int], key: str) -> str:
    return str(table.headers[cols[key]]) if key in cols else key


LINE_KEYS = ("quantity", "unit_price", "line_total", "sku", "item_name", "spec")


def _cells(row: list[Any], items: Iterable[tuple[str, int]]) -> dict[str, str]:
    """The cleaned cells of `row` by canonical key; a short row gives "" for what it lacks."""
    size = len(row)
    return {key: clean_cell(row[i]) if i < size else "" for key, i in items}


def build_generic(ext_id: str, rows: list[tuple[int, list[Any]]], cols: dict[str, int], table: Table) -> ParsedOrder:
    numbers = [n for n, _r in rows]
    rejections: list[Rejection] = []
    lines: list[IncomingLine] = []
    first_no, first_row = rows[0]
    first = _cells(first_row, cols.items())
    line_items = [(k, cols[k]) for k in LINE_KEYS if k in cols]

    def read(fn: Any, key: str, cells: dict[str, str], number: int, **kw: Any) -> Any:
        if key not in cols and not kw.get("required"):
            return None  # the file has no such column: nothing to parse
        try:
            return fn(cells.get(key, ""), **kw)
        except CellError as exc:
            rejections.append(Rejection(number, _header(table, cols, key), str(exc), table.name))
            return None

    for number, row in rows:
        cells = first if row is first_row else _cells(row, line_items)
        qty = read(parse_quantity, "quantity", cells, number)
        price = read(parse_money, "unit_price", cells, number, required=True)
        total = read(parse_money, "line_total", cells, number)
        sku = cells.get("sku", "")
        if not sku:
            rejections.append(Rejection(number, _header(table, cols, "sku"), _("The SKU is empty."), table.name))
        if qty is None or price is None or not sku:
            continue
        lines.append(
            IncomingLine(
                platform_sku=sku,
                name=cells.get("item_name") or sku,
                spec=cells.get("spec", ""),
                quantity=qty,
                unit_price=price,
                line_total=total,
            )
        )
    placed = read(parse_datetime, "placed_at", first, first_no)
    paid_at = read(parse_datetime, "paid_at", first, first_no)
    updated = read(parse_datetime, "updated_at", first, first_no)
    shipping = read(parse_money, "shipping_fee", first, first_no)
    discount = read(parse_money, "discount", first, first_no)
    total = read(parse_money, "total", first, first_no)
    paid = read(parse_money, "paid", first, first_no)
    if rejections:
        return ParsedOrder(ext_id, numbers, None, rejections)
    address_text = first.get("address", "")
    province, city, district = (first.get(k, "") for k in ("province", "city", "district"))
    if address_text and not (province or city or district):
        address = split_cn_address(address_text)
    else:
        address = IncomingAddress(
            province=province,
            city=city,
            district=district,
            detail=address_text,
            raw=" ".join(p for p in (province, city, district, address_text) if p),
        )
    address.postcode = first.get("postcode", "") or address.postcode
    address.country = (first.get("country", "") or "CN").upper()[:2]
    name, phone = first.get("customer_name", ""), first.get("phone", "")
    address.name, address.phone = name, phone
    payment_status = first.get("payment_status", "").lower()
    if not payment_status:
        payment_status = "paid" if paid and paid > 0 else "unpaid"
    incoming = IncomingOrder(
        external_id=ext_id,
        external_number=first.get("order_number", "") or ext_id,
        shop=first.get("shop", ""),
        order_type=first.get("order_type", "").lower() or "normal",
        tags=[t.strip() for t in first.get("tags", "").replace("，", ",").split(",") if t.strip()],
        customer_name=name,
        customer_phone=phone,
        customer_email=first.get("email", ""),
        customer_id_card=first.get("id_card", ""),
        buyer_id=first.get("buyer_id", ""),
        address=address,
        lines=lines,
        buyer_note=first.get("buyer_note", ""),
        seller_note=first.get("seller_note", ""),
        currency=(first.get("currency", "") or "CNY").upper(),
        shipping_amount=shipping or Decimal("0"),
        discount_amount=discount or Decimal("0"),
        total_amount=total,
        paid_amount=paid or Decimal("0"),
        payment_method=first.get("payment_method", ""),
        payment_status=payment_status,
        transaction_id=first.get("transaction_id", ""),
        placed_at=placed,
        paid_at=paid_at,
        updated_at=updated,
    )
    return ParsedOrder(ext_id, numbers, incoming)
