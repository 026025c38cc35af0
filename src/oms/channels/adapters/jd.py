"""JD (京东) seller-centre order export: one row per SKU; the rows of one order share 订单号 and
repeat the order's own columns (customer, address, amounts)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from oms.channels.adapters.generic import ParsedOrder, group_rows
from oms.channels.interface import IncomingLine, IncomingOrder
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

ORDER_NO = "订单号"
REQUIRED = (ORDER_NO, "商品ID", "商品名称", "订购数量", "京东价", "应付金额", "客户姓名", "客户地址")


def _index(table: Table) -> dict[str, int]:
    idx: dict[str, int] = {}
    for i, h in enumerate(table.headers):
        idx.setdefault(normalise_header(h), i)
    missing = [r for r in REQUIRED if normalise_header(r) not in idx]
    if missing:
        raise FileFormatError(
            _("%(file)s is not a JD order export: required columns are missing: %(columns)s.")
            % {"file": table.name, "columns": ", ".join(missing)}
        )
    return idx


def _get(row: list[Any], idx: dict[str, int], name: str) -> str:
    i = idx.get(normalise_header(name))
    return clean_cell(row[i]) if i is not None and i < len(row) else ""


def parse_jd(table: Table) -> Iterator[ParsedOrder]:
    idx = _index(table)
    for order_no, rows, rejections in group_rows(
        table.rows, lambda r: _get(r, idx, ORDER_NO), file=table.name, id_column=ORDER_NO
    ):
        numbers = [n for n, _r in rows]
        if rejections:
            yield ParsedOrder(order_no, numbers, None, rejections)
            continue
        yield _build(order_no, rows, idx, table.name)


def _build(order_no: str, rows: list[tuple[int, list[Any]]], idx: dict[str, int], file: str) -> ParsedOrder:
    rejections: list[Rejection] = []
    lines = []
    for n, r in rows:
        qty = price = None
        try:
            qty = parse_quantity(_get(r, idx, "订购数量"))
        except CellError as exc:
            rejections.append(Rejection(n, "订购数量", str(exc), file))
        try:
            price = parse_money(_get(r, idx, "京东价"), required=True)
        except CellError as exc:
            rejections.append(Rejection(n, "京东价", str(exc), file))
        if qty is None or price is None:
            continue
        lines.append(
            IncomingLine(
                platform_sku=_get(r, idx, "货号") or _get(r, idx, "商家SKUID") or _get(r, idx, "商品ID"),
                name=_get(r, idx, "商品名称"),
                quantity=qty,
                unit_price=price,
                line_total=price * qty,
                external_line_id=_get(r, idx, "商品ID"),
            )
        )
    first_no, first = rows[0]
    amounts: dict[str, Decimal | None] = {}
    for name in ("应付金额", "运费金额", "订单金额", "余额支付"):
        try:
            amounts[name] = parse_money(_get(first, idx, name))
        except CellError as exc:
            rejections.append(Rejection(first_no, name, str(exc), file))
    try:
        placed = parse_datetime(_get(first, idx, "下单时间"))
        paid_at = parse_datetime(_get(first, idx, "付款确认时间"))
    except CellError as exc:
        rejections.append(Rejection(first_no, "下单时间", str(exc), file))
        placed = paid_at = None
    if rejections:
        return ParsedOrder(order_no, [n for n, _r in rows], None, rejections)
    goods = sum((line.line_total or Decimal("0") for line in lines), Decimal("0"))
    shipping = amounts.get("运费金额") or Decimal("0")
    total = amounts.get("应付金额")
    if total is None:
        total = goods + shipping
    status = _get(first, idx, "订单状态")
    method = _get(first, idx, "支付方式")
    cod = "货到付款" in method
    paid = not cod and (bool(paid_at) or status not in ("", "等待付款"))
    address = split_cn_address(_get(first, idx, "客户地址"))
    name, phone = _get(first, idx, "客户姓名"), _get(first, idx, "联系电话")
    address.name, address.phone = name, phone
    incoming = IncomingOrder(
        external_id=order_no,
        external_number=order_no,
        order_type="cod" if cod else "normal",
        customer_name=name,
        customer_phone=phone,
        buyer_id=_get(first, idx, "下单帐号"),
        address=address,
        lines=lines,
        buyer_note=_get(first, idx, "订单备注"),
        seller_note=_get(first, idx, "商家备注"),
        currency="CNY",
        shipping_amount=shipping,
        discount_amount=max(Decimal("0"), goods + shipping - total),
        total_amount=total,
        paid_amount=total if paid else Decimal("0"),
        payment_method=method,
        payment_status="paid" if paid else "unpaid",
        placed_at=placed,
        paid_at=paid_at,
        cancelled="取消" in status or "删除" in status,
        raw={"platform_status": status},
    )
    return ParsedOrder(order_no, [n for n, _r in rows], incoming)
