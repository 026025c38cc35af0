"""Adapters turn documented platform payloads and seller-centre files into canonical orders (no DB)."""

from __future__ import annotations

import json
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oms.channels.adapters import generic, shopify, woocommerce
from oms.channels.adapters.jd import parse_jd
from oms.channels.adapters.taobao import parse_taobao
from oms.channels.tables import FileFormatError, open_table

from .conftest import SAMPLES, payload


def test_shopify_webhook_order() -> None:
    order = shopify.order_from_rest(payload("shopify_order.json"))
    assert order.external_id == "5820419784823" and order.external_number == "#1042"
    assert order.customer_name == "李娜" and order.tags == ["VIP", "双11"]
    assert [(ln.platform_sku, ln.quantity, ln.unit_price) for ln in order.lines] == [
        ("SH-TEA-250", 1, Decimal("299.00")),
        ("SH-CUP-01", 2, Decimal("49.00")),
    ]
    goods = sum(ln.line_total for ln in order.lines)
    assert goods + order.shipping_amount - order.discount_amount == order.total_amount == Decimal("397.00")
    assert order.payment_status == "paid" and order.paid_amount == order.total_amount
    assert order.address.province == "浙江省" and order.address.postcode == "310012"
    assert order.updated_at is not None and not order.cancelled


def test_shopify_cancelled_payload_is_cancelled() -> None:
    data = payload("shopify_order.json")
    data.update(cancelled_at="2026-11-21T10:00:00+08:00", cancel_reason="customer", financial_status="refunded")
    order = shopify.order_from_rest(data)
    assert order.cancelled and order.payment_status == "refunded"


def test_shopify_graphql_and_rest_give_the_same_order() -> None:
    rest = shopify.order_from_rest(payload("shopify_order.json"))
    gql = shopify.order_from_graphql(payload("shopify_graphql_order.json"))
    for field in (
        "external_id",
        "external_number",
        "customer_name",
        "total_amount",
        "shipping_amount",
        "discount_amount",
    ):
        assert getattr(rest, field) == getattr(gql, field), field
    assert [(ln.platform_sku, ln.quantity, ln.line_total) for ln in rest.lines] == [
        (ln.platform_sku, ln.quantity, ln.line_total) for ln in gql.lines
    ]
    assert rest.updated_at == gql.updated_at


def test_shopify_signature() -> None:
    body = json.dumps(payload("shopify_order.json")).encode()
    sig = shopify.sign("s3cret", body)
    assert shopify.verify("s3cret", body, sig)
    assert not shopify.verify("other", body, sig)
    assert not shopify.verify("s3cret", body + b" ", sig)
    assert not shopify.verify("s3cret", body, None)
    assert not shopify.verify("", body, sig)


def test_woocommerce_order() -> None:
    order = woocommerce.order_from_rest(payload("woocommerce_order.json"))
    assert order.external_id == "7316" and order.customer_name == "王伟"
    assert order.lines[0].spec == "颜色: 灰色" and order.lines[0].unit_price == Decimal("59.00")
    goods = sum(ln.line_total for ln in order.lines)
    assert goods + order.shipping_amount - order.discount_amount == order.total_amount
    assert order.payment_status == "paid" and order.transaction_id.startswith("42000")
    assert order.updated_at is not None and order.updated_at.utcoffset().total_seconds() == 0
    # The status in the (signed) body decides a cancellation; there is no other way in.
    assert not order.cancelled
    assert woocommerce.order_from_rest({**payload("woocommerce_order.json"), "status": "trash"}).cancelled


def test_taobao_pair_joined_either_way_round() -> None:
    for a, b in (("taobao_orders_gbk.csv", "taobao_items_gbk.csv"), ("taobao_items_gbk.csv", "taobao_orders_gbk.csv")):
        parsed = list(parse_taobao(open_table(SAMPLES / a), open_table(SAMPLES / b)))
        assert [p.external_id for p in parsed] == ["3368812345678901234", "3368812345678905678", "3368812345678909999"]
        first, second, closed = (p.incoming for p in parsed)
        assert first and second and closed
        assert first.customer_phone == "13812345678"  # the apostrophe Excel needed is gone
        assert first.address.district == "西湖区" and first.address.postcode == "310000"
        assert [ln.platform_sku for ln in first.lines] == ["TB-CUP-500", "TB-BAG-L"]
        assert second.total_amount == Decimal("1309.00") and second.paid_amount == Decimal("1309.00")
        assert second.customer_phone == "139****0000"  # masked by the platform: intake decides
        assert closed.cancelled


def test_taobao_missing_columns_are_named(tmp_path: Path) -> None:
    bad = tmp_path / "orders.csv"
    bad.write_text("订单编号,收货人姓名\n1,张三\n", encoding="gbk")
    with pytest.raises(FileFormatError) as err:
        list(parse_taobao(open_table(bad), open_table(SAMPLES / "taobao_items_gbk.csv")))
    assert "收货地址" in str(err.value) and "总金额" in str(err.value)


def test_jd_rows_grouped_by_order() -> None:
    parsed = list(parse_jd(open_table(SAMPLES / "jd_orders_utf8bom.csv")))
    assert [p.external_id for p in parsed] == ["305512345678", "305598765432"]
    first, cod = parsed[0].incoming, parsed[1].incoming
    assert first and cod
    assert [(ln.platform_sku, ln.quantity) for ln in first.lines] == [("JD-LAMP-PRO", 1), ("JD-BULB-E27", 2)]
    assert parsed[0].rows == [2, 3]
    assert cod.order_type == "cod" and cod.payment_status == "unpaid" and cod.total_amount == Decimal("207.00")
    assert cod.shipping_amount == Decimal("8.00")


GENERIC = """订单号,收货人,手机,省,市,区,详细地址,货号,商品名称,数量,单价,运费,订单金额,实付金额
A-1,张伟,13800138000,浙江省,杭州市,西湖区,文三路 1号,P-1001,杯子,2,59.00,0,118.00,118.00
A-2,李雷,13900139000,,,,广东省 深圳市 南山区 科苑路 15号(518057),P-1001,杯子,1,59,10,139,139
A-2,李雷,13900139000,,,,广东省 深圳市 南山区 科苑路 15号(518057),P-1002,盘子,1,70,10,139,139
A-3,韩梅梅,13700137000,江苏省,南京市,玄武区,中山路 1号,P-1002,盘子,two,70,0,70,70
A-1,张伟,13800138000,浙江省,杭州市,西湖区,文三路 1号,P-1001,杯子,1,59.00,0,59.00,59.00
"""


def test_generic_csv_with_chinese_headers(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(GENERIC.encode("gb18030"))
    parsed = list(generic.parse_generic(open_table(path)))
    by_id = {p.external_id: p for p in parsed if p.incoming}
    assert set(by_id) == {"A-1", "A-2"}
    a2 = by_id["A-2"].incoming
    assert a2 is not None and a2.address.province == "广东省" and len(a2.lines) == 2
    rejected = [r for p in parsed for r in p.rejections]
    assert [(r.row, r.column) for r in rejected] == [(5, "数量"), (6, "订单号")]
    assert "two" in rejected[0].reason


def test_generic_mapping_and_missing_columns(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text("Ref,Item code,Qty,Each\nX1,P-1001,1,9.90\n", encoding="utf-8")
    mapping = {"order_id": "Ref", "sku": "Item code", "quantity": "Qty", "unit_price": "Each"}
    (only,) = generic.parse_generic(open_table(path), mapping)
    assert only.incoming and only.incoming.lines[0].unit_price == Decimal("9.90")
    with pytest.raises(FileFormatError) as err:
        list(generic.parse_generic(open_table(path)))
    assert "order_id" in str(err.value) and "quantity" in str(err.value)


def test_generic_xlsx_and_json_read_the_same(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["order_id", "sku", "quantity", "unit_price", "customer_name", "address"])
    ws.append([1001, "P-1001", 2, 59, "张伟", "浙江省 杭州市 西湖区 文三路 1号"])
    wb.save(tmp_path / "o.xlsx")
    (tmp_path / "o.json").write_text(
        json.dumps(
            [
                {
                    "order_id": "1001",
                    "customer_name": "张伟",
                    "address": "浙江省 杭州市 西湖区 文三路 1号",
                    "lines": [{"sku": "P-1001", "quantity": 2, "unit_price": "59"}],
                }
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    (x,) = generic.parse_generic(open_table(tmp_path / "o.xlsx"))
    (j,) = generic.parse_generic(open_table(tmp_path / "o.json"))
    assert x.incoming and j.incoming
    assert x.incoming.external_id == j.incoming.external_id == "1001"
    assert x.incoming.lines[0].line_total is None and x.incoming.lines[0].unit_price == j.incoming.lines[0].unit_price
    assert x.incoming.address.district == j.incoming.address.district == "西湖区"


def test_unknown_encoding_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "noise.csv"
    path.write_bytes(bytes(range(128, 256)) * 50)
    with pytest.raises(FileFormatError) as err:
        list(generic.parse_generic(open_table(path)))
    assert "encoding" in str(err.value)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), suffix=st.sampled_from(["csv", "json", "xlsx", "txt"]))
def test_any_bytes_either_parse_or_give_a_clear_file_error(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"f.{suffix}"
    path.write_bytes(data)
    try:
        for parsed in generic.parse_generic(open_table(path)):
            assert parsed.incoming is not None or parsed.rejections
    except FileFormatError as exc:
        assert str(exc)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.lists(st.text(alphabet="0123456789.,-=¥'\t abc订单", max_size=8), min_size=4, max_size=4), max_size=12
    )
)
def test_any_cells_either_become_orders_or_rejections_with_row_numbers(rows: list[list[str]]) -> None:
    from oms.channels.tables import Table

    table = Table("t.csv", ["order_id", "sku", "quantity", "unit_price"], iter(enumerate(rows, start=2)))
    for parsed in generic.parse_generic(table):
        if parsed.incoming is None:
            assert parsed.rejections and all(r.row >= 2 and r.reason for r in parsed.rejections)
        else:
            assert all(ln.quantity == int(ln.quantity) for ln in parsed.incoming.lines)


# --- taxes -------------------------------------------------------------------------------------


def _adds_up(order: Any) -> bool:
    goods = sum(ln.line_total for ln in order.lines)
    tax = order.tax_amount if not order.taxes_included else Decimal("0")
    return bool(goods + order.shipping_amount - order.discount_amount + tax == order.total_amount)


def test_tax_inclusive_samples_carry_zero_tax_included() -> None:
    for order in (
        shopify.order_from_rest(payload("shopify_order.json")),
        shopify.order_from_graphql(payload("shopify_graphql_order.json")),
        woocommerce.order_from_rest(payload("woocommerce_order.json")),
    ):
        assert order.taxes_included and order.tax_amount == Decimal("0") and _adds_up(order)


def test_shopify_tax_exclusive_rest_and_graphql() -> None:
    rest = shopify.order_from_rest(payload("shopify_order_tax_exclusive.json"))
    gql = shopify.order_from_graphql(payload("shopify_graphql_order_tax_exclusive.json"))
    for order in (rest, gql):
        assert not order.taxes_included and order.tax_amount == Decimal("23.82")
        assert order.total_amount == Decimal("420.82") and _adds_up(order)
    assert rest.external_id == gql.external_id == "5820419790001"


def test_shopify_tax_from_tax_lines_when_total_tax_is_absent() -> None:
    data = payload("shopify_order_tax_exclusive.json")
    del data["total_tax"]
    assert shopify.order_from_rest(data).tax_amount == Decimal("23.82")


def test_shopify_pull_asks_for_the_tax_fields() -> None:
    assert "totalTaxSet { shopMoney" in shopify.ORDERS_QUERY and " taxesIncluded" in shopify.ORDERS_QUERY
    node = payload("shopify_graphql_order_tax_exclusive.json")
    del node["taxesIncluded"], node["totalTaxSet"]  # an older query's answer: no tax facts, nothing assumed
    order = shopify.order_from_graphql(node)
    assert order.taxes_included and order.tax_amount == Decimal("0")


def test_woocommerce_tax_exclusive_keeps_net_amounts() -> None:
    order = woocommerce.order_from_rest(payload("woocommerce_order_tax_exclusive.json"))
    assert not order.taxes_included and order.tax_amount == Decimal("15.60")
    assert [ln.line_total for ln in order.lines] == [Decimal("118.00"), Decimal("140.00")]
    assert order.shipping_amount == Decimal("12.00") and order.discount_amount == Decimal("10.00")
    assert order.total_amount == Decimal("275.60") and _adds_up(order)


def test_woocommerce_prices_including_tax_are_carried_with_their_tax() -> None:
    # The same order from a shop whose prices include tax: WooCommerce still reports net amounts
    # and the taxes beside them; the adapter adds them back so the amounts are what the buyer saw.
    data = payload("woocommerce_order_tax_exclusive.json")
    data["prices_include_tax"] = True
    order = woocommerce.order_from_rest(data)
    assert order.taxes_included and order.tax_amount == Decimal("15.60")
    assert [(ln.unit_price, ln.line_total) for ln in order.lines] == [
        (Decimal("62.54"), Decimal("125.08")),
        (Decimal("148.40"), Decimal("148.40")),
    ]
    assert order.shipping_amount == Decimal("12.72") and order.discount_amount == Decimal("10.60")
    assert _adds_up(order)


# --- export versions ---------------------------------------------------------------------------


def _canonical(order: Any, *, without: tuple[str, ...] = ()) -> dict[str, Any]:
    """An IncomingOrder as plain data, minus the facts one export version carries and another lacks."""
    data = asdict(order)
    for name in without:
        if name.startswith("lines."):
            for line in data["lines"]:
                line.pop(name.removeprefix("lines."))
        elif name.startswith("address."):
            data["address"].pop(name.removeprefix("address."))
        else:
            data.pop(name)
    return data


def test_taobao_qianniu_export_gives_the_same_orders_as_the_classic_one() -> None:
    classic = list(
        parse_taobao(open_table(SAMPLES / "taobao_orders_gbk.csv"), open_table(SAMPLES / "taobao_items_gbk.csv"))
    )
    qianniu = list(
        parse_taobao(
            open_table(SAMPLES / "taobao_qianniu_items_gbk.csv"), open_table(SAMPLES / "taobao_qianniu_orders_gbk.csv")
        )
    )
    assert open_table(SAMPLES / "taobao_qianniu_orders_gbk.csv").encoding in ("gbk", "gb18030")
    assert [p.external_id for p in qianniu] == [p.external_id for p in classic]
    assert all(p.incoming and not p.rejections for p in qianniu)
    # The 千牛 files add the payment number and one sub-order id per line; everything else is the same.
    extra = ("transaction_id", "lines.external_line_id")
    for old, new in zip(classic, qianniu, strict=True):
        assert _canonical(new.incoming, without=extra) == _canonical(old.incoming, without=extra), old.external_id
    first = qianniu[0].incoming
    assert first is not None and first.transaction_id == "2026111122001188441234567890"
    assert [ln.external_line_id for ln in first.lines] == ["3368812345678901235", "3368812345678901236"]
    assert first.seller_note == "优先发顺丰" and first.paid_amount == Decimal("318.00")  # 商家备注, 买家实付金额


def test_jd_jdm_xlsx_export_gives_the_same_orders_as_the_classic_csv() -> None:
    classic = {p.external_id: p.incoming for p in parse_jd(open_table(SAMPLES / "jd_orders_utf8bom.csv"))}
    jdm = {p.external_id: p.incoming for p in parse_jd(open_table(SAMPLES / "jd_jdm_orders.xlsx"))}
    assert list(jdm) == list(classic) == ["305512345678", "305598765432"]
    # Phones are masked differently (1******6678) and there is no 支付方式 column; otherwise an online-paid
    # order without shipping is the same.
    masked = ("customer_phone", "address.phone", "payment_method")
    assert _canonical(jdm["305512345678"], without=masked) == _canonical(classic["305512345678"], without=masked)
    assert (jdm["305512345678"].customer_phone, classic["305512345678"].customer_phone) == (
        "1******6678",
        "182****6678",
    )
    # The jdm export carries no 应付金额, 运费金额 or 支付方式: the cash-on-delivery order keeps its lines and
    # customer but its total is the goods amount, and it cannot be known to be cash on delivery.
    cod_old, cod_new = classic["305598765432"], jdm["305598765432"]
    assert cod_old and cod_new
    assert [(ln.platform_sku, ln.quantity, ln.unit_price) for ln in cod_new.lines] == [
        (ln.platform_sku, ln.quantity, ln.unit_price) for ln in cod_old.lines
    ]
    assert (cod_new.customer_name, cod_new.address.district, cod_new.address.postcode) == ("钱多多", "玄武区", "210018")
    assert (cod_old.total_amount, cod_new.total_amount) == (Decimal("207.00"), Decimal("199.00"))


def test_jd_missing_amount_columns_are_named(tmp_path: Path) -> None:
    bad = tmp_path / "jd.csv"
    bad.write_text("订单号,商品ID,商品名称,订购数量,京东价,客户姓名\n1,2,灯,1,9.9,张三\n", encoding="gbk")
    with pytest.raises(FileFormatError) as err:
        list(parse_jd(open_table(bad)))
    assert "客户地址" in str(err.value) and "应付金额 / 订单金额" in str(err.value)


def test_taobao_missing_columns_name_their_newer_names_too(tmp_path: Path) -> None:
    items = tmp_path / "items.csv"
    items.write_text("子订单编号,商品标题,购买数量\n1,杯子,1\n", encoding="gbk")
    with pytest.raises(FileFormatError) as err:
        list(parse_taobao(open_table(SAMPLES / "taobao_qianniu_orders_gbk.csv"), open_table(items)))
    message = str(err.value)
    assert "订单编号 / 主订单编号" in message and "价格 / 商品价格" in message
    assert "标题 / 商品标题" not in message  # found under its newer name
