"""Taobao / Tmall seller-centre exports: the order report (订单报表, one row per order) and the
item report (宝贝报表, one row per item), joined on 订单编号.

The files come as GBK (GB18030) or UTF-8 with a BOM; order numbers are written ="1234..." so Excel
keeps every digit; some headers carry a trailing space ("收货地址 ") and phones a leading apostrophe.

Two versions of the pair are read; the names below are the classic ones, ORDER_ALIASES/ITEM_ALIASES the
newer ones:

- classic ExportOrderList + ExportOrderDetailList (卖家中心 订单报表 + 宝贝报表): 订单编号, 买家会员名,
  买家支付宝账号, 买家应付货款, 买家应付邮费, 买家支付积分, 总金额, 返点积分, 买家实际支付金额, ..., 订单状态,
  买家留言, 收货人姓名, 收货地址 , 运送方式, 联系电话 , 联系手机, 订单创建时间, 订单付款时间 , 宝贝标题 , ...,
  订单备注, 宝贝总数量, 店铺Id, 店铺名称, ...; items: 订单编号, 标题, 价格, 购买数量, 外部系统编号, 商品属性,
  套餐信息, 备注, 订单状态, 商家编码 (public readers: tmall_order_report.csv analyses, ExportOrderDetailList
  loaders reading GBK);
- 千牛 exports since about 2020: the order report renames 买家实际支付金额 to 买家实付金额 and 订单备注 to
  商家备注 (beside 备注标签), adds 支付单号, 支付详情, 商品标题, 商品属性SKU, 确认收货打款金额, 总金额(旧版) and, in
  later files, 主订单编号; the item report ("销售明细") is keyed by 主订单编号 with one 子订单编号 per line and
  names its columns 商品标题 and 商品价格 (public readers of 千牛 exports list 子订单编号, 主订单编号, 商品标题,
  商品价格, 购买数量, 外部系统编号, 商品属性, 套餐信息, 订单状态, 商家编码, 买家应付货款, 买家实付金额, 退款状态,
  退款金额, 订单创建时间). Some shops' exports call the consignee 收件人姓名.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from oms.channels.adapters.generic import ParsedOrder
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

ORDER_NO = "订单编号"
ORDER_REQUIRED = (ORDER_NO, "收货人姓名", "收货地址", "总金额")
ITEM_REQUIRED = (ORDER_NO, "标题", "价格", "购买数量")
# classic name -> the names newer exports use for the same column (see the module docstring)
ORDER_ALIASES: dict[str, tuple[str, ...]] = {
    ORDER_NO: ("主订单编号",),
    "买家实际支付金额": ("买家实付金额",),
    "订单备注": ("商家备注",),
    "收货人姓名": ("收件人姓名",),
}
ITEM_ALIASES: dict[str, tuple[str, ...]] = {
    ORDER_NO: ("主订单编号",),
    "标题": ("商品标题",),
    "价格": ("商品价格",),
}

CANCELLED = ("交易关闭",)
UNPAID = ("等待买家付款",)


def _index(table: Table, required: tuple[str, ...], aliases: dict[str, tuple[str, ...]], what: str) -> dict[str, int]:
    idx = column_index(table.headers, aliases)
    missing = missing_columns(idx, required, aliases)
    if missing:
        raise FileFormatError(
            _("%(file)s is not a Taobao %(what)s: required columns are missing: %(columns)s.")
            % {"file": table.name, "what": what, "columns": ", ".join(missing)}
        )
    return idx


def _get(row: list[Any], idx: dict[str, int], name: str) -> str:
    i = idx.get(normalise_header(name))
    return clean_cell(row[i]) if i is not None and i < len(row) else ""


def is_item_report(table: Table) -> bool:
    heads = {normalise_header(h) for h in table.headers}
    return "购买数量" in heads and "收货地址" not in heads


def parse_taobao(order_table: Table, item_table: Table) -> Iterator[ParsedOrder]:
    """Join the two reports. Either may be given first; they are told apart by their columns."""
    if is_item_report(order_table) and not is_item_report(item_table):
        order_table, item_table = item_table, order_table
    oidx = _index(order_table, ORDER_REQUIRED, ORDER_ALIASES, _("order report (订单报表)"))
    iidx = _index(item_table, ITEM_REQUIRED, ITEM_ALIASES, _("item report (宝贝报表)"))

    # The item report is the smaller file; it is held in memory keyed by order number.
    items: dict[str, list[tuple[int, list[Any]]]] = defaultdict(list)
    for number, row in item_table.rows:
        if not any(clean_cell(c) for c in row):
            continue
        items[_get(row, iidx, ORDER_NO)].append((number, row))

    seen: set[str] = set()
    last = 0
    for number, row in order_table.rows:
        last = number
        if not any(clean_cell(c) for c in row):
            continue
        order_no = _get(row, oidx, ORDER_NO)
        if not order_no:
            yield ParsedOrder(
                "", [number], None, [Rejection(number, ORDER_NO, _("The order id is empty."), order_table.name)]
            )
            continue
        if order_no in seen:
            rej = Rejection(
                number,
                ORDER_NO,
                _("Order %(id)s appears twice in the order report.") % {"id": order_no},
                order_table.name,
            )
            yield ParsedOrder(order_no, [number], None, [rej])
            continue
        seen.add(order_no)
        yield _build(order_no, number, row, oidx, items.pop(order_no, []), iidx, order_table.name, item_table.name)
    # Item rows with no order: placed after the last order row so that a resumed job keeps them.
    for order_no, rows in items.items():
        for number, _row in rows:
            last += 1
            yield ParsedOrder(
                order_no,
                [last],
                None,
                [
                    Rejection(
                        number, ORDER_NO, _("No order %(id)s in the order report.") % {"id": order_no}, item_table.name
                    )
                ],
            )


def _build(
    order_no: str,
    number: int,
    row: list[Any],
    oidx: dict[str, int],
    item_rows: list[tuple[int, list[Any]]],
    iidx: dict[str, int],
    order_file: str,
    item_file: str,
) -> ParsedOrder:
    rejections: list[Rejection] = []

    def money(name: str, r: list[Any], n: int, idx: dict[str, int], file: str) -> Decimal | None:
        try:
            return parse_money(_get(r, idx, name))
        except CellError as exc:
            rejections.append(Rejection(n, name, str(exc), file))
            return None

    lines = []
    if not item_rows:
        rejections.append(Rejection(number, ORDER_NO, _("No items for this order in the item report."), order_file))
    for n, r in item_rows:
        price = money("价格", r, n, iidx, item_file)
        try:
            qty = parse_quantity(_get(r, iidx, "购买数量"))
        except CellError as exc:
            rejections.append(Rejection(n, "购买数量", str(exc), item_file))
            continue
        if price is None:
            continue
        if "交易关闭" in _get(r, iidx, "订单状态") and len(item_rows) > 1:
            continue  # an item refunded and closed inside a live order is no longer sold
        sku = _get(r, iidx, "商家编码") or _get(r, iidx, "外部系统编号") or _get(r, iidx, "标题")
        lines.append(
            IncomingLine(
                platform_sku=sku,
                name=_get(r, iidx, "标题"),
                spec=_get(r, iidx, "商品属性") or _get(r, iidx, "套餐信息"),
                quantity=qty,
                unit_price=price,
                line_total=price * qty,
                external_line_id=_get(r, iidx, "子订单编号"),
            )
        )
    total = money("总金额", row, number, oidx, order_file)
    shipping = money("买家应付邮费", row, number, oidx, order_file) or Decimal("0")
    paid = money("买家实际支付金额", row, number, oidx, order_file) or Decimal("0")
    try:
        placed = parse_datetime(_get(row, oidx, "订单创建时间"))
        paid_at = parse_datetime(_get(row, oidx, "订单付款时间"))
    except CellError as exc:
        rejections.append(Rejection(number, "订单创建时间", str(exc), order_file))
        placed = paid_at = None
    if rejections:
        return ParsedOrder(order_no, [number], None, rejections)
    status = _get(row, oidx, "订单状态")
    goods = sum((line.line_total or Decimal("0") for line in lines), Decimal("0"))
    total = total if total is not None else goods + shipping
    address = split_cn_address(_get(row, oidx, "收货地址"))
    name = _get(row, oidx, "收货人姓名")
    phone = _get(row, oidx, "联系手机") or _get(row, oidx, "联系电话")
    address.name, address.phone = name, phone
    unpaid = any(s in status for s in UNPAID)
    note = _get(row, oidx, "订单备注")
    incoming = IncomingOrder(
        external_id=order_no,
        external_number=order_no,
        shop=_get(row, oidx, "店铺名称"),
        customer_name=name,
        customer_phone=phone,
        buyer_id=_get(row, oidx, "买家会员名"),
        address=address,
        lines=lines,
        buyer_note=_get(row, oidx, "买家留言"),
        seller_note=note,
        currency="CNY",
        shipping_amount=shipping,
        discount_amount=max(Decimal("0"), goods + shipping - total),
        total_amount=total,
        paid_amount=Decimal("0") if unpaid else paid,
        payment_method="alipay",  # a code: shown as words in the reader's language
        payment_status="unpaid" if unpaid else "paid",
        transaction_id=_get(row, oidx, "支付单号"),
        placed_at=placed,
        paid_at=paid_at,
        cancelled=any(s in status for s in CANCELLED),
        raw={"platform_status": status},
    )
    return ParsedOrder(order_no, [number], incoming)
