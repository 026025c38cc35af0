"""The review rules, pure: every rule firing and not firing, and the decision over findings."""

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oms.orders.review import rules, tracking
from oms.orders.review.rules import LineFacts, OrderFacts, RuleSpec


def facts(**kw) -> OrderFacts:
    base = {
        "total": D("100"),
        "paid": D("100"),
        "payment_status": "paid",
        "customer_name": "张三",
        "phone": "13812348000",
        "province": "广东省",
        "city": "深圳市",
        "district": "南山区",
        "address_detail": "科技园南路1号",
        "lines": [LineFacts(1, "SKU-1", 2, D("50"), D("50"))],
        "previous_orders": 3,
    }
    base.update(kw)
    return OrderFacts(**base)


def fired(kind: str, f: OrderFacts, **params) -> bool:
    (finding,) = rules.evaluate([RuleSpec("r", kind, rules.MANUAL, params)], f)
    return finding.fired


CASES = [
    ("amount_above", {"threshold": "5000"}, {"total": D("5000.01"), "paid": D("5000.01")}, {"total": D("5000")}),
    ("notes_present", {}, {"buyer_note": "请周末送"}, {"buyer_note": "  ", "seller_note": ""}),
    ("notes_present", {}, {"seller_note": "VIP"}, {}),
    ("blacklisted", {}, {"blacklist_hits": [("phone", "13812348000")]}, {"blacklist_hits": []}),
    ("address_quality", {}, {"city": ""}, {}),
    ("address_quality", {}, {"address_resolved": False}, {"address_resolved": True}),
    ("address_quality", {}, {"address_detail": "科技园<script>"}, {"address_detail": "科技园南路1号3栋-201"}),
    ("address_quality", {}, {"customer_name": "张三😀"}, {}),
    (
        "price_below_list",
        {"percent": "50"},
        {"lines": [LineFacts(1, "S", 1, D("24.99"), D("50"))]},
        {"lines": [LineFacts(1, "S", 1, D("25"), D("50"))]},
    ),
    (
        "price_below_list",
        {"percent": "50"},
        {"lines": [LineFacts(1, "S", 1, D("1"), D("50"))]},
        {"lines": [LineFacts(1, "S", 1, D("1"), None)]},
    ),
    ("payment_mismatch", {}, {"payment_status": "unpaid"}, {"payment_status": "unpaid", "cod": True}),
    ("payment_mismatch", {}, {"paid": D("90")}, {"paid": D("100.01")}),
    ("likely_duplicate", {"hours": "24"}, {"similar_orders": [("SO1", 3.0)]}, {"similar_orders": [("SO1", 30.0)]}),
    ("contact_invalid", {}, {"phone_valid": False}, {}),
    (
        "contact_invalid",
        {},
        {"id_card": "110101199003071234", "id_card_problem": "check_digit"},
        {"id_card": "11010119900307123X", "id_card_problem": None},
    ),
    (
        "new_customer_amount",
        {"threshold": "1000"},
        {"previous_orders": 0, "total": D("1500"), "paid": D("1500")},
        {"previous_orders": 1, "total": D("1500"), "paid": D("1500")},
    ),
    (
        "new_customer_amount",
        {"threshold": "1000"},
        {"previous_orders": 0, "total": D("1500")},
        {"previous_orders": 0, "total": D("999")},
    ),
]


@pytest.mark.parametrize(("kind", "params", "firing", "quiet"), CASES)
def test_rule_fires_and_stays_quiet(kind, params, firing, quiet):
    assert fired(kind, facts(**firing), **params)
    assert not fired(kind, facts(**quiet), **params)


def test_every_kind_has_a_case_and_every_builtin_rule_a_known_kind():
    assert {c[0] for c in CASES} == set(rules.KINDS)
    assert {b["kind"] for b in rules.BUILTIN} <= set(rules.KINDS)
    assert len({b["code"] for b in rules.BUILTIN}) == len(rules.BUILTIN)


def test_decision_takes_the_strongest_outcome_and_messages_explain():
    specs = [
        RuleSpec("manual", "notes_present", rules.MANUAL),
        RuleSpec("finance", "amount_above", rules.FINANCE, {"threshold": "10"}),
        RuleSpec("hold", "blacklisted", rules.HOLD),
    ]
    findings = rules.evaluate(specs, facts(buyer_note="call first"))
    assert [f.fired for f in findings] == [True, True, False]
    assert rules.decide(findings) == rules.FINANCE and rules.needs_finance(findings)
    assert "call first" in findings[0].messages[0]
    assert rules.decide(rules.evaluate(specs, facts(blacklist_hits=[("name", "张三")]))) == rules.HOLD
    assert rules.decide(rules.evaluate(specs[2:], facts())) == rules.PASS
    round_trip = rules.Finding.from_dict(findings[1].as_dict())
    assert round_trip.fired and round_trip.messages == findings[1].messages


def test_blacklist_matching():
    entries = [("name", "李 四"), ("phone", "13900001111"), ("address", "南山区科技园")]
    assert rules.blacklist_hits(entries, name="李四", phone="x", address="") == [("name", "李 四")]
    assert rules.blacklist_hits(entries, name="", phone="+86 139 0000 1111", phone_normal="13900001111", address="")
    assert rules.blacklist_hits(entries, name="", phone="", address="广东省深圳市南山区 科技园南路")
    assert rules.blacklist_hits(entries, name="王五", phone="13812348000", address="北京市朝阳区") == []


# --- tracking numbers -------------------------------------------------------------------------


def test_known_check_digits():
    assert tracking.luhn_digit("7992739871") == "3"
    assert tracking.mod11_10_digit("0794") == "5"
    n = tracking.format_number("OMS", date(2026, 1, 2), 42, 7, "%y%m%d", "luhn")
    assert n.startswith("OMS2601020000042") and len(n) == len("OMS") + 6 + 7 + 1
    assert tracking.format_number("T", date(2026, 1, 2), 42, 3, "", "luhn").startswith("T042")


@given(
    seq=st.integers(min_value=1, max_value=10**9),
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    algorithm=st.sampled_from(tracking.ALGORITHMS),
    position=st.integers(min_value=0, max_value=30),
    delta=st.integers(min_value=1, max_value=9),
)
def test_check_digit_is_valid_and_catches_any_single_digit_error(seq, day, algorithm, position, delta):
    number = tracking.format_number("OMS", day, seq, 7, "%y%m%d", algorithm)
    assert tracking.is_valid(number, "OMS", algorithm)
    digits = number[3:]
    i = position % len(digits)
    wrong = digits[:i] + str((int(digits[i]) + delta) % 10) + digits[i + 1 :]
    assert not tracking.is_valid("OMS" + wrong, "OMS", algorithm)
