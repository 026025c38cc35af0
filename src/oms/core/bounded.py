"""Numbers from query strings and forms, parsed with the bounds of the columns they are compared to.

`int("²")` fails although `"²".isdigit()`; `Decimal("NaN")` parses but no column holds it; a
20-digit id overflows SQLite's 64-bit integer and 10^20 PostgreSQL's numeric columns. Every
number a person or a client sends goes through one of these first: ASCII digits only, finite,
within range. A value that does not fit raises `BadParameter`, a Django ValidationError keyed by
the parameter's name: the API's exception handler answers it with 400 in the project's format,
and a console view shows its message and ignores the value.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from oms.core.validators import INT_MAX, MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS, largest_decimal

BIGINT_MAX = 2**63 - 1  # primary keys and BigIntegerField

_INTEGER = re.compile(r"[+-]?[0-9]{1,30}")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]{1,40}(?:\.[0-9]{0,40})?|\.[0-9]{1,40})")


class BadParameter(ValidationError):
    """A query or form value that cannot be used; `name` is the parameter, `message` the reason."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__({name: [message]})
        self.name = name
        self.reason = message


def _text(params: Any, name: str) -> str:
    value = params.get(name)
    return "" if value is None else str(value).strip()


def integer(params: Any, name: str, *, low: int = -INT_MAX - 1, high: int = INT_MAX) -> int | None:
    """The whole number `params[name]` within [low, high]; None when absent or blank."""
    text = _text(params, name)
    if not text:
        return None
    if _INTEGER.fullmatch(text):
        value = int(text)
        if low <= value <= high:
            return value
    raise BadParameter(name, _("Enter a whole number between %(low)s and %(high)s.") % {"low": low, "high": high})


def id_or_none(text: Any, high: int = BIGINT_MAX) -> int | None:
    """A value from a form (a selected row, a role) as an id: ASCII digits from 1 to `high`, else None."""
    text = "" if text is None else str(text).strip()
    if text.isascii() and text.isdigit() and len(text) <= 19:
        value = int(text)
        return value if 1 <= value <= high else None
    return None


def ids(values: Any) -> list[int]:
    """The usable ids among the values of a form's checkboxes (`request.POST.getlist("ids")`)."""
    return [i for i in (id_or_none(v) for v in values) if i is not None]


def identifier(params: Any, name: str) -> int | None:
    """A primary key: 1 up to the largest 64-bit integer."""
    return integer(params, name, low=1, high=BIGINT_MAX)


def amount(
    params: Any, name: str, *, max_digits: int = MONEY_MAX_DIGITS, decimal_places: int = MONEY_DECIMAL_PLACES
) -> Decimal | None:
    """A plain decimal number (no exponent, NaN or infinity) that a DecimalField(max_digits,
    decimal_places) can hold; extra decimal places are refused rather than rounded."""
    text = _text(params, name)
    if not text:
        return None
    largest = largest_decimal(max_digits, decimal_places)
    if _DECIMAL.fullmatch(text):
        value = Decimal(text)
        if abs(value) <= largest and value == value.quantize(Decimal(1).scaleb(-decimal_places)):
            return value
    raise BadParameter(
        name,
        _("Enter an amount between %(low)s and %(high)s with at most %(places)s decimal places.")
        % {"low": -largest, "high": largest, "places": decimal_places},
    )


# A day whose start and end exist as aware datetimes in every time zone (date.min at +08:00 is
# before datetime.min in UTC).
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9998, 12, 31)


def day(params: Any, name: str) -> date | None:
    """An ISO date (2026-11-20) between FIRST_DAY and LAST_DAY."""
    text = _text(params, name)
    if not text:
        return None
    try:
        value: date | None = date.fromisoformat(text)
    except ValueError:
        value = None
    if value is not None and FIRST_DAY <= value <= LAST_DAY:
        return value
    raise BadParameter(
        name,
        _("Enter a date as YYYY-MM-DD between %(first)s and %(last)s.")
        % {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()},
    )


def check_day(value: date | datetime) -> None:
    """A validator for date and datetime fields: between FIRST_DAY and LAST_DAY."""
    day_of = value.date() if isinstance(value, datetime) else value
    if not FIRST_DAY <= day_of <= LAST_DAY:
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s.")
            % {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()}
        )


def lenient(parse: Any, params: Any, name: str, errors: dict[str, str], **kw: Any) -> Any:
    """`parse(params, name)` for a console filter: a bad value is noted in `errors` and ignored."""
    try:
        return parse(params, name, **kw)
    except BadParameter as exc:
        errors[name] = exc.reason
        return None
