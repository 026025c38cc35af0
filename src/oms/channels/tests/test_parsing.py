"""Pure parsing helpers: no database."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oms.channels.parsing import (
    CellError,
    clean_cell,
    normalise_header,
    parse_datetime,
    parse_money,
    parse_quantity,
    split_cn_address,
)
from oms.channels.tables import detect_encoding


@pytest.mark.parametrize(
    "raw,clean",
    [
        ('="3368812345678901234"', "3368812345678901234"),
        ("\t305512345678", "305512345678"),
        ("'13812345678", "13812345678"),
        ("  张三 ", "张三"),
        (None, ""),
        (12.0, "12"),
        ("null", ""),
    ],
)
def test_clean_cell_strips_excel_protection(raw: object, clean: str) -> None:
    assert clean_cell(raw) == clean


def test_headers_compare_whatever_their_padding_and_bracket_width() -> None:
    assert normalise_header("收货地址 ") == normalise_header("收货地址")
    assert normalise_header("金额（元）") == normalise_header("金额(元)")
    assert normalise_header("\ufeff订单编号") == "订单编号"


@pytest.mark.parametrize(
    "raw,amount",
    [("¥1,309.00", "1309.00"), ("￥12", "12.00"), ("1,299.5元", "1299.50"), ("0", "0.00"), (" 59.90 ", "59.90")],
)
def test_money(raw: str, amount: str) -> None:
    assert parse_money(raw) == Decimal(amount)


def test_money_refuses_words_and_requires_when_asked() -> None:
    with pytest.raises(CellError):
        parse_money("abc")
    with pytest.raises(CellError):
        parse_money("", required=True)
    assert parse_money("") is None


def test_quantity_must_be_whole() -> None:
    assert parse_quantity("3") == 3
    assert parse_quantity("2.0") == 2
    with pytest.raises(CellError):
        parse_quantity("1.5")
    with pytest.raises(CellError):
        parse_quantity("two")


def test_datetime_naive_is_in_the_seller_zone_and_formats_vary() -> None:
    a = parse_datetime("2026-11-11 00:03:12")
    b = parse_datetime("2026/11/11 00:03:12")
    assert a == b and a is not None and a.utcoffset() is not None
    assert parse_datetime("2026-11-20T06:02:33Z") == parse_datetime("2026-11-20T14:02:33+08:00")
    with pytest.raises(CellError):
        parse_datetime("yesterday")


def test_split_address_with_postcode() -> None:
    a = split_cn_address("浙江省 杭州市 西湖区 文三路 123号(310000)")
    assert (a.province, a.city, a.district, a.detail, a.postcode) == (
        "浙江省",
        "杭州市",
        "西湖区",
        "文三路 123号",
        "310000",
    )
    b = split_cn_address("北京 北京市 朝阳区 建国路 88号（100022）")
    assert (b.province, b.city, b.district, b.postcode) == ("北京", "北京市", "朝阳区", "100022")
    c = split_cn_address("新疆维吾尔自治区 乌鲁木齐市 天山区 解放南路 1号")
    assert c.province == "新疆维吾尔自治区" and c.district == "天山区"


@given(st.text(max_size=80))
def test_split_address_never_loses_text_or_fails(text: str) -> None:
    a = split_cn_address(text)
    assert a.raw == clean_cell(text)


def test_encoding_detection() -> None:
    text = "订单编号,收货人姓名,收货地址\n1,张三,浙江省 杭州市 西湖区 文三路 123号\n" * 20
    assert detect_encoding(text.encode("gbk")) == "gb18030"
    assert detect_encoding(text.encode("utf-8")) == "utf-8"
    assert detect_encoding(b"\xef\xbb\xbf" + text.encode("utf-8")) == "utf-8-sig"
