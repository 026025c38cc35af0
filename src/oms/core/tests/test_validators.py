"""The phone fast path agrees with libphonenumber's own answer."""

from __future__ import annotations

import random

import phonenumbers
import pytest

from oms.core import validators


def _reference(text: str) -> validators.Phone | None:
    """parse_phone without the fast path: libphonenumber's generic parser and validity check."""
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    kind = phonenumbers.number_type(number)
    mobile = kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    national = phonenumbers.national_significant_number(number)
    return validators.Phone(e164="+86" + national, national=national if mobile else "0" + national, mobile=mobile)


@pytest.mark.parametrize("first", range(10, 20))
def test_the_type_of_an_11_digit_number_depends_on_its_first_7_digits(first: int) -> None:
    """What the segment cache relies on: for every segment 1X00000..1X99999, numbers with other
    last four digits have the segment's type."""
    rnd = random.Random(first)
    for segment in range(first * 100000, (first + 1) * 100000, 7):
        expected = validators._cn_type_by_segment(str(segment))
        suffix = rnd.randrange(10000)
        number = phonenumbers.PhoneNumber(country_code=86, national_number=int(f"{segment}{suffix:04d}"))
        assert int(phonenumbers.number_type(number)) == expected, (segment, suffix)


def test_fast_path_equals_the_generic_parser() -> None:
    rnd = random.Random(11)
    numbers = [f"1{rnd.randrange(10**10):010d}" for _ in range(3000)]
    numbers += ["13800138000", "19912345678", "14012345678", "17012345678", "10012345678"]
    for text in numbers:
        assert validators.parse_phone(text) == _reference(text), text
