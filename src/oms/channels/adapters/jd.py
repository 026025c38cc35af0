"""JD (京东) seller-centre order export: one row per SKU; the rows of one order share 订单号 and
repeat the order's own columns (customer, address, amounts).

Two export versions are read (headers found by name, in any order):

- the classic 商家后台 订单导出 CSV (订单号 and 商品ID protected from Excel with a tab or ="..."): 订单号, 商品ID,
  商品名称, 订购数量, 支付方式, 下单时间, 京东价, 订单金额, 结算金额, 余额支付, 应付金额, 订单状态, 订单类型,
  下单帐号, 客户姓名, 客户地址, 联系电话, 订单备注, 发票类型/抬头/内容, 商家备注, 商家备注等级（等级1-5为由高到低）,
  运费金额, 付款确认时间, 增值税发票, 货号, 订单完成时间, 订单来源, 订单渠道, 送装服务, 服务费, 仓库id, 仓库名称
  (as read by public importers of these files, e.g. chengzg's oms OrderInfoServiceImpl, 2017);
- the newer 京麦 / shop.jd.com (jdm) order export, an .xlsx: public readers of it (an order collector that
  writes "the official JD file" headers for its normaliser; fixtures of JD .xlsx order files in analysis
  tools) list 订单号, 商品ID, 商品名称, 订购数量, 下单时间, 京东价, 订单金额, 商家应收 (its value suffixed
  "（系统计算中，该值仅供参考）", in place of 结算金额), 订单状态, 下单帐号, 客户姓名, 客户地址, 联系电话 (masked as
  1******6198), 商家SKUID, 付款确认时间, 导购员账号, and none of them 应付金额, 运费金额, 支付方式 or 货号.
  Without 应付金额 the total is the goods plus 运费金额 when there is one; without 支付方式 cash on delivery
  cannot be told, so such an order reads as paid once JD confirmed payment or moved it past 等待付款.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from oms.channels.adapters.generic import ParsedOrder, group_rows
from oms.channels.parsing import (
    CellError,
    clean_cell,
    column_index,
    missing_columns,
    normalise_header,
    parse_datetime,
    parse_money,
    parse_quantity,
    split_cn_address,
)
from oms.channels.tables import FileFormatError, Rejection, Table
from oms.orders.incoming import IncomingLine, IncomingOrder

ORDER_NO = "订单号"
REQUIRED = (ORDER_NO, "商品ID", "商品名称", "订购数量", "京东价", "客户姓名", "客户地址")
# The order amount: what the buyer pays (classic export), else the goods amount (jdm export, see above).
AMOUNT_ANY_OF = ("应付金额", "订单金额")


def _index(table: Table) -> dict[str, int]:
    idx = column_index(table.headers)
    missing = missing_columns(idx, REQUIRED)
    if not any(normalise_header(name) in idx for name in AMOUNT_ANY_OF):
        missing.append(" / ".join(AMOUNT_ANY_OF))
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
