"""Checks and classification: pure functions, no database."""

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oms.core import validators
from oms.orders import rules
from oms.orders.rules import Draft, DraftLine, RuleSpec


def good_draft(**overrides):
    values = dict(
        customer_name="张三",
        customer_phone="13812348000",
        province="广东省",
        city="深圳市",
        district="南山区",
        address_detail="科技园南路1号",
        address_resolved=True,
        lines=[DraftLine("P1", "Tea", 2, D("50.00"), D("100.00"), sku="SKU-1", product_id=1)],
        goods_amount=D("100.00"),
        shipping_amount=D("10.00"),
        discount_amount=D("5.00"),
        total_amount=D("105.00"),
        paid_amount=D("105.00"),
    )
    values.update(overrides)
    return Draft(**values)


def codes(problems):
    return [p.code for p in problems]


def test_a_good_order_has_no_problems():
    assert rules.check_all(good_draft()) == []


def test_each_check_fires():
    assert codes(rules.check_all(good_draft(customer_name=""))) == ["name_missing"]
    assert codes(rules.check_all(good_draft(customer_name="Bob123"))) == ["name_invalid"]
    assert codes(rules.check_all(good_draft(customer_phone=""))) == ["phone_missing"]
    assert codes(rules.check_all(good_draft(customer_phone="1381234"))) == ["phone_invalid"]
    assert codes(rules.check_all(good_draft(address_resolved=False))) == ["address_unresolved"]
    assert codes(rules.check_all(good_draft(customer_id_card="110105194912310021"))) == ["id_card_check_digit"]
    assert codes(rules.check_all(good_draft(customer_id_card="110105194913310021"))) == ["id_card_birth_date"]
    assert codes(rules.check_all(good_draft(customer_id_card="12345"))) == ["id_card_format"]
    assert codes(rules.check_id_card(good_draft(), required=True)) == ["id_card_missing"]
    assert codes(
        rules.check_all(good_draft(lines=[], goods_amount=D("0"), total_amount=D("5"), paid_amount=D("5")))
    ) == ["no_lines"]
    unmapped = DraftLine("P9", "X", 2, D("50"), D("100"))
    assert codes(rules.check_all(good_draft(lines=[unmapped]))) == ["sku_unmapped"]
    zero = DraftLine("P1", "Tea", 0, D("50"), D("0"), sku="SKU-1", product_id=1)
    assert "quantity_not_positive" in codes(rules.check_all(good_draft(lines=[zero])))
    wrong_line = DraftLine("P1", "Tea", 2, D("50"), D("90"), sku="SKU-1", product_id=1)
    assert "line_total_mismatch" in codes(rules.check_all(good_draft(lines=[wrong_line])))
    assert codes(rules.check_all(good_draft(goods_amount=D("90"), total_amount=D("95"), paid_amount=D("95")))) == [
        "goods_total_mismatch"
    ]
    assert codes(rules.check_all(good_draft(total_amount=D("200"), paid_amount=D("200")))) == ["order_total_mismatch"]
    assert codes(rules.check_all(good_draft(paid_amount=D("0")))) == ["paid_mismatch"]


def test_cash_on_delivery_needs_no_payment_and_tolerance_applies():
    assert rules.check_all(good_draft(paid_amount=D("0"), order_type="cod")) == []
    assert rules.check_all(good_draft(paid_amount=D("0"), payment_method="货到付款")) == []
    assert rules.check_all(good_draft(paid_amount=D("104.99"))) == []
    assert codes(rules.check_all(good_draft(paid_amount=D("104.90")))) == ["paid_mismatch"]
    assert rules.check_all(good_draft(paid_amount=D("104.90")), tolerance=D("0.5")) == []


def test_tax_on_top_counts_only_when_prices_exclude_it():
    # 100 goods + 10 shipping − 5 discount + 6.30 tax = 111.30
    net = dict(tax_amount=D("6.30"), total_amount=D("111.30"), paid_amount=D("111.30"))
    assert rules.check_all(good_draft(taxes_included=False, **net)) == []
    # The same figures with prices that include tax: the tax is not added again.
    assert codes(rules.check_all(good_draft(taxes_included=True, **net))) == ["order_total_mismatch"]
    # Tax inside the prices never changes the sum.
    assert rules.check_all(good_draft(tax_amount=D("12.08"))) == []
    # A wrong total with tax on top says so, naming the tax.
    (problem,) = rules.check_all(
        good_draft(taxes_included=False, tax_amount=D("6.30"), total_amount=D("105.00"), paid_amount=D("105.00"))
    )
    assert problem.code == "order_total_mismatch_tax"
    assert problem.params == {"expected": "111.30", "actual": "105.00", "tax": "6.30"}
    assert "6.30" in problem.message and "111.30" in problem.message
    rows = rules.check_results([problem.as_dict()])
    assert [r["passed"] for r in rows if r["code"] == "amounts"] == [False]


def test_messages_name_the_values():
    problem = rules.check_all(good_draft(customer_phone="12"))[0]
    assert "12" in problem.message
    rows = rules.check_results([problem.as_dict()])
    assert [r["passed"] for r in rows if r["code"] == "phone"] == [False]
    assert all(r["passed"] for r in rows if r["code"] != "phone")


def test_phone_numbers():
    assert validators.parse_phone("13812348000").national == "13812348000"
    assert validators.parse_phone("+86 138-1234-8000").mobile
    landline = validators.parse_phone("010-8888 6666")
    assert landline and not landline.mobile and landline.national == "01088886666"
    assert validators.parse_phone("19912345") is None
    assert validators.mask_phone("13812348000") == "138****8000"


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_normalised_phone_is_stable(raw):
    once = rules.normalise_phone(raw)
    assert rules.normalise_phone(once) == once


def _id_card(first17: str) -> str:
    return first17 + validators.id_card_check_digit(first17)


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)),
    st.from_regex(r"[1-6][0-9]{5}", fullmatch=True),
    st.from_regex(r"[0-9]{3}", fullmatch=True),
)
def test_id_card_check_digit_round_trip(born, region, seq):
    number = _id_card(f"{region}{born:%Y%m%d}{seq}")
    assert validators.id_card_problem(number) is None
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    assert validators.id_card_problem(wrong) == "check_digit"
    assert validators.mask_id_card(number) == number[:4] + "*" * 10 + number[-4:]


def test_addresses_resolve_or_not():
    found = validators.resolve_address("上海 上海市 浦东新区 世纪大道100号")
    assert (found.province, found.city, found.district, found.rest) == ("上海市", "上海市", "浦东新区", "世纪大道100号")
    found = validators.resolve_address("四川成都武侯区人民南路")
    assert (found.province, found.city, found.district) == ("四川省", "成都市", "武侯区")
    assert validators.resolve_address("杭州市西湖区文三路").province == "浙江省"
    assert validators.resolve_address("广东省东莞市长安镇").district == ""  # a city without districts
    assert validators.resolve_address("广东省深圳市") is None  # no district named
    assert validators.resolve_address("火星市奥林匹斯山") is None
    resolved, detail = rules.resolve_address("浙江省", "杭州市", "西湖区", "文三路1号", "")
    assert resolved.adcode == "330106" and detail == "文三路1号"


def test_functional_districts_resolve():
    # Suzhou Industrial Park has no county-level row in the adcode table but is written as a district.
    for text in ("江苏省苏州市工业园区星湖街328号", "苏州市 工业园区 星湖街328号", "江苏苏州工业园区星湖街328号"):
        found = validators.resolve_address(text)
        assert (found.province, found.city, found.district, found.adcode, found.rest) == (
            "江苏省",
            "苏州市",
            "苏州工业园区",
            "320571",
            "星湖街328号",
        ), text
    resolved, detail = rules.resolve_address("江苏省", "苏州市", "工业园区", "星湖街328号", "")
    assert resolved.district == "苏州工业园区" and detail == "星湖街328号"
    assert validators.resolve_address("河南省郑州市高新区科学大道100号").adcode == "410172"
    assert validators.resolve_address("安徽省合肥市经开区锦绣大道").district == "合肥经济技术开发区"
    # A zone belongs to its city only, and real districts keep winning.
    assert validators.resolve_address("江苏省南京市工业园区") is None
    assert validators.resolve_address("安徽省合肥市蜀山区").adcode == "340104"
    assert "苏州工业园区" in validators.districts_of("江苏省", "苏州市")


def test_classification():
    specs = [RuleSpec(**{k: r[k] for k in ("field", "operator", "value", "label")}) for r in rules.DEFAULT_RULES]
    facts = {
        "amount": D("99.99"),
        "channel": "a",
        "platform": "taobao",
        "order_type": "normal",
        "tags": [],
        "province": "",
    }
    assert rules.classify(specs, facts) == ["small", "src-taobao"]
    assert rules.classify(specs, {**facts, "amount": D("100")})[0] == "medium"
    assert rules.classify(specs, {**facts, "amount": D("1000"), "tags": ["vip"], "order_type": "cod"}) == [
        "large",
        "src-taobao",
        "cod",
        "vip",
    ]
    by_channel = RuleSpec("channel", "in", "a,b", "ch-{channel}")
    assert rules.classify([by_channel], facts) == ["ch-a"]
    assert rules.classify([RuleSpec("province", "contains", "广东", "south")], {**facts, "province": "广东省"}) == [
        "south"
    ]
    assert rules.classify([RuleSpec("amount", "gt", "oops", "x")], facts) == []


@pytest.mark.parametrize(
    ("field", "operator", "value", "facts", "matches"),
    [
        ("amount", "between", "100,1000", {"amount": D("99.99")}, False),
        ("amount", "between", "100,1000", {"amount": D("100")}, True),
        ("amount", "between", "100,1000", {"amount": D("1000")}, False),
        ("amount", "between", "oops", {"amount": D("500")}, False),
        ("amount", "lte", "50", {"amount": D("50.00")}, True),
        ("amount", "ne", "50", {"amount": D("50.00")}, False),
        ("amount", "lt", "NaN", {"amount": D("1")}, False),
        ("order_type", "eq", "cod", {"order_type": "cod"}, True),
        ("order_type", "lt", "b", {"order_type": "a"}, True),
        ("tag", "ne", "vip", {"tags": ["new"]}, True),
        ("tag", "ne", "vip", {"tags": ["vip"]}, False),
        ("tag", "in", "vip, gold", {"tags": ["new", "gold"]}, True),
        ("tag", "eq", "vip", {"tags": []}, False),
        ("province", "contains", "广东", {}, False),
        ("channel", "unknown-op", "x", {"channel": "x"}, False),
    ],
)
def test_rule_operators(field: str, operator: str, value: str, facts: dict, matches: bool) -> None:
    assert rules.rule_matches(RuleSpec(field, operator, value, "x"), facts) is matches
