"""Parsing numbers, dates and file names from people and clients: bounded, or a clear refusal."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oms.core import bounded
from oms.core.uploads import safe_name
from oms.core.validators import INT_MAX


def test_integers_are_ascii_digits_within_range():
    assert bounded.integer({"n": " 42 "}, "n") == 42
    assert bounded.integer({"n": "-7"}, "n") == -7
    assert bounded.integer({"n": ""}, "n") is None and bounded.integer({}, "n") is None
    for bad in ("²", "٣", "1.5", "1e3", str(INT_MAX + 1), "9" * 20, "0x10", "NaN"):
        with pytest.raises(bounded.BadParameter) as err:
            bounded.integer({"n": bad}, "n")
        assert err.value.message_dict == {"n": [err.value.reason]}
    assert bounded.identifier({"id": str(2**63 - 1)}, "id") == 2**63 - 1
    for bad in ("0", "-1", str(2**63)):
        with pytest.raises(bounded.BadParameter):
            bounded.identifier({"id": bad}, "id")


def test_amounts_fit_the_money_columns():
    assert bounded.amount({"a": "10.5"}, "a") == Decimal("10.5")
    assert bounded.amount({"a": "-999999999999.99"}, "a") == Decimal("-999999999999.99")
    assert bounded.amount({"a": "1.500"}, "a") == Decimal("1.5")  # trailing zeros are not extra places
    for bad in ("NaN", "Infinity", "-inf", "1e3", "1000000000000", "1.234", "１２", "", "abc"):
        if bad == "":
            assert bounded.amount({"a": bad}, "a") is None
            continue
        with pytest.raises(bounded.BadParameter):
            bounded.amount({"a": bad}, "a")


def test_days_exist_in_every_time_zone():
    assert bounded.day({"d": "2026-11-20"}, "d") == date(2026, 11, 20)
    for bad in ("0001-01-01", "9999-12-31", "2026-02-30", "tomorrow"):
        with pytest.raises(bounded.BadParameter):
            bounded.day({"d": bad}, "d")


def test_lenient_notes_the_reason_and_gives_none():
    errors: dict[str, str] = {}
    assert bounded.lenient(bounded.amount, {"a": "NaN"}, "a", errors) is None
    assert list(errors) == ["a"] and errors["a"]


@given(st.text(max_size=60))
def test_any_text_is_a_number_in_range_or_refused(text):
    try:
        value = bounded.integer({"n": text}, "n")
    except bounded.BadParameter:
        return
    assert value is None or -INT_MAX - 1 <= value <= INT_MAX


def test_upload_names_are_short_in_bytes_and_keep_their_extension():
    assert safe_name("orders.csv") == "orders.csv"
    assert safe_name("C:\\Users\\me\\orders.csv") == "orders.csv"
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("", "fallback.xlsx") == "fallback.xlsx"
    long = safe_name("订单" * 200 + ".xlsx")
    assert long.endswith(".xlsx") and len(long.encode()) <= 120 and long.startswith("订单")


@given(st.text(max_size=400))
def test_any_name_becomes_a_usable_file_name(name):
    safe = safe_name(name)
    assert safe and len(safe.encode()) <= 120
    assert "/" not in safe and "\x00" not in safe and safe not in (".", "..")


def test_ids_from_forms_keep_only_usable_ones():
    assert bounded.ids(["3", " 7 ", "²", "9" * 20, "0", "-1", "", None, "1e3"]) == [3, 7]
    assert bounded.id_or_none("2147483647", high=INT_MAX) == INT_MAX
    assert bounded.id_or_none("2147483648", high=INT_MAX) is None
