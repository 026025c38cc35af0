"""Pure helpers that turn the cells of platform exports and payloads into clean values.

Seller-centre exports protect long numbers from Excel with ="123", a leading tab or apostrophe;
amounts carry ¥ and thousands separators; headers carry stray spaces and full-width brackets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from oms.core import validators
from oms.orders.incoming import IncomingAddress

CENT = Decimal("0.01")
_FULLWIDTH = str.maketrans({"（": "(", "）": ")", "：": ":", "\u3000": " ", "［": "[", "］": "]", "，": ","})


class CellError(ValueError):
    """A cell that cannot be read; the message says why, for the rejected-rows report."""


_NULLS = frozenset({"null", "none", "nan", "NULL", "None", "NaN"})


def clean_cell(value: object) -> str:
    """The text of a cell without Excel-protective quoting or padding."""
    if value is None:
        return ""
    if value.__class__ is str:  # the common case, kept fast: imports call this for every cell
        text = value.strip()  # type: ignore[attr-defined]
        if not text or (text[0] not in "='\ufeff" and text not in _NULLS):
            return text
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\ufeff", "").strip()
    if text.startswith('="') and text.endswith('"'):
        text = text[2:-1]
    elif text.startswith("="):
        text = text[1:]
    text = text.strip().lstrip("'\t").strip()
    if text.lower() in {"null", "none", "nan"}:
        return ""
    return text


def normalise_header(value: object) -> str:
    """Header cells compare equal whatever their padding, BOM or bracket width."""
    text = clean_cell(value).translate(_FULLWIDTH)
    return re.sub(r"\s+", "", text).lower()


def column_index(headers: Iterable[object], aliases: Mapping[str, tuple[str, ...]] | None = None) -> dict[str, int]:
    """Normalised header -> column. A name in `aliases` missing from the file takes the column of its
    first alias present, so readers ask for one name whatever the export version calls it."""
    found: dict[str, int] = {}
    for i, h in enumerate(headers):
        found.setdefault(normalise_header(h), i)
    idx = dict(found)
    for name, alternatives in (aliases or {}).items():
        key = normalise_header(name)
        if key in found:
            continue
        for alt in alternatives:
            at = found.get(normalise_header(alt))
            if at is not None:
                idx[key] = at
                break
    return idx


def missing_columns(
    idx: Mapping[str, int], required: Iterable[str], aliases: Mapping[str, tuple[str, ...]] | None = None
) -> list[str]:
    """The required names not found, each shown with the aliases that would also do ("A / B")."""
    return [
        " / ".join((name, *(aliases or {}).get(name, ()))) for name in required if normalise_header(name) not in idx
    ]


def parse_money(value: object, *, column: str = "", required: bool = False) -> Decimal | None:
    text = clean_cell(value)
    text = text.replace("¥", "").replace("￥", "").replace("元", "").replace("RMB", "").replace(",", "").strip()
    text = text.replace(" ", "")
    if not text:
        if required:
            raise CellError(_("An amount is required."))
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not an amount.") % {"value": clean_cell(value)}) from None
    if not amount.is_finite():
        raise CellError(_("“%(value)s” is not an amount.") % {"value": clean_cell(value)})
    if not validators.decimal_fits(amount):
        raise CellError(
            _("“%(value)s” is more than the largest amount that can be stored (%(max)s).")
            % {"value": clean_cell(value), "max": validators.largest_decimal()}
        )
    return amount.quantize(CENT)


def parse_quantity(value: object) -> int:
    text = clean_cell(value).replace(",", "")
    if not text:
        raise CellError(_("A quantity is required."))
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": text}) from None
    if not number.is_finite() or number != number.to_integral_value():
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": text})
    if abs(number) > validators.INT_MAX:  # compared before int(): 1e999999 would be a huge integer
        raise CellError(
            _("“%(value)s” is more than the largest quantity that can be stored (%(max)s).")
            % {"value": text, "max": validators.INT_MAX}
        )
    return int(number)


# --- values in platforms' JSON payloads ---------------------------------------------------------

# Beyond every column and still cheap to carry: intake reports anything beyond the columns.
_QUANTITY_CAP = 10**30


def cents(amount: Decimal) -> Decimal:
    """Rounded to cents; unchanged when it has more digits than decimal arithmetic holds."""
    try:
        return amount.quantize(CENT)
    except InvalidOperation:
        return amount


def platform_amount(value: object) -> Decimal:
    """An amount from a payload: 0 when absent, ValueError (the adapters' refusal) when it is not
    a finite number. One beyond our columns is kept: intake stores the order as invalid and names it."""
    if value is None or value == "":
        return Decimal("0")
    if isinstance(value, bool):
        raise ValueError(f"not an amount: {value!r}")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"not an amount: {str(value)[:40]!r}") from None
    if not amount.is_finite():
        raise ValueError(f"not an amount: {str(value)[:40]!r}")
    return cents(amount)


def platform_quantity(value: object) -> int:
    """A whole quantity from a payload: 0 when absent, ValueError when it is not a whole number."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise ValueError(f"not a quantity: {value!r}")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"not a quantity: {str(value)[:40]!r}") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise ValueError(f"not a quantity: {str(value)[:40]!r}")
    if abs(number) >= _QUANTITY_CAP:
        return _QUANTITY_CAP if number > 0 else -_QUANTITY_CAP
    return int(number)


_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y%m%d%H%M%S",
)


def parse_datetime(value: object, *, tz: str | None = None) -> datetime | None:
    """A timezone-aware time; naive times are in the seller's zone (settings.TIME_ZONE)."""
    parsed: datetime | None
    if isinstance(value, datetime):
        parsed = value
    else:
        text = clean_cell(value)
        if not text:
            return None
        parsed = None
        iso = text.replace("Z", "+00:00") if text.endswith("Z") else text
        try:
            parsed = datetime.fromisoformat(iso)
        except ValueError:
            for fmt in _DATE_FORMATS:
                try:
                    parsed = datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
        if parsed is None:
            raise CellError(_("“%(value)s” is not a date and time.") % {"value": text})
    assert parsed is not None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(tz or settings.TIME_ZONE))
    return parsed


_POSTCODE = re.compile(r"[(（]\s*(\d{6})\s*[)）]\s*$")
_PROVINCE_END = ("省", "自治区", "特别行政区")
_MUNICIPALITIES = ("北京", "上海", "天津", "重庆")


def split_cn_address(raw: str) -> IncomingAddress:
    """Split "浙江省 杭州市 西湖区 文三路 123号(310000)" into its parts.

    Exports put the region names first, separated by spaces; the postcode may trail in brackets.
    Anything not recognised stays in `detail`; intake resolves and checks the result.
    """
    text = clean_cell(raw).translate(_FULLWIDTH)
    address = IncomingAddress(raw=clean_cell(raw))
    match = _POSTCODE.search(text)
    if match:
        address.postcode = match.group(1)
        text = text[: match.start()]
    parts = [p for p in re.split(r"\s+", text.strip()) if p]
    if not parts:
        return address
    if len(parts) == 1:
        address.detail = parts[0]
        return address
    first = parts[0]
    if first.endswith(_PROVINCE_END) or first.startswith(_MUNICIPALITIES) or first.endswith("市"):
        address.province = parts.pop(0)
        if parts and (parts[0].endswith(("市", "州", "盟", "地区")) or address.province.startswith(_MUNICIPALITIES)):
            address.city = parts.pop(0)
        if parts and parts[0].endswith(("区", "县", "旗", "市")) and len(parts) > 1:
            address.district = parts.pop(0)
    address.detail = " ".join(parts)
    return address


def split_name(first: str | None, last: str | None) -> str:
    """A person's full name from platform first/last fields; Chinese names have no space."""
    first, last = (first or "").strip(), (last or "").strip()
    if not first or not last:
        return first or last
    if re.search(r"[\u4e00-\u9fff]", first + last):
        return last + first
    return f"{first} {last}"
