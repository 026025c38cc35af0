"""Tracking numbers: prefix + date part + zero-padded sequence + check digit.

The pure part formats and validates; `next_tracking_number` takes the next value of the "tracking"
sequence (oms.core.sequences) inside the caller's transaction, so two confirmations at once never get
the same number (the column is unique as a last line of defence).
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from oms.core import sequences
from oms.system import params

ALGORITHMS = ("luhn", "mod11_10")


def luhn_digit(digits: str) -> str:
    """The Luhn check digit for a string of digits."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:  # the rightmost digit of the body is doubled (it sits left of the check digit)
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def mod11_10_digit(digits: str) -> str:
    """ISO/IEC 7064 MOD 11,10 check digit (hybrid system, used e.g. by Germany's ID numbers)."""
    p = 10
    for ch in digits:
        s = (p + int(ch)) % 10 or 10
        p = (2 * s) % 11
    return str((11 - p) % 10)


def check_digit(digits: str, algorithm: str = "luhn") -> str:
    return mod11_10_digit(digits) if algorithm == "mod11_10" else luhn_digit(digits)


def format_number(prefix: str, day: date, sequence: int, digits: int, date_format: str, algorithm: str) -> str:
    body = (day.strftime(date_format) if date_format else "") + str(sequence).zfill(digits)
    return f"{prefix}{body}{check_digit(body, algorithm)}"


def is_valid(number: str, prefix: str, algorithm: str = "luhn") -> bool:
    if not number.startswith(prefix):
        return False
    rest = number[len(prefix) :]
    if len(rest) < 2 or not rest.isdigit():
        return False
    return check_digit(rest[:-1], algorithm) == rest[-1]


def next_tracking_number(day: date | None = None) -> str:
    """The next tracking number in the configured format (call inside a transaction)."""
    value = sequences.next_value("tracking")
    return format_number(
        str(params.get("workflow.tracking_prefix")),
        day or timezone.localdate(),
        value,
        int(params.get("workflow.tracking_digits")),
        str(params.get("workflow.tracking_date_format")),
        str(params.get("workflow.tracking_check")),
    )
