"""The shape a webhook body must have before it is stored: JSON as RFC 8259 says, an object, an id.

RFC 8259 (section 8.1): JSON exchanged between systems is UTF-8, and a sender must not add a byte order
mark. We refuse a body with a BOM or in another encoding (400, nothing stored) rather than guess: the
body is kept byte for byte and processed later, and a body we had to re-encode would no longer be the
one that was signed. Non-standard constants (NaN, Infinity) are refused as well.
"""

from __future__ import annotations

import codecs
import json
from typing import Any

from django.utils.translation import gettext as _

MAX_ID_LENGTH = 100  # orders.Order.external_id
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


class BodyError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def decode(body: bytes) -> Any:
    """The JSON value of a UTF-8 body; BodyError for a BOM, another encoding or invalid JSON."""
    if body.startswith(_BOMS):
        raise BodyError("byte_order_mark", _("The body starts with a byte order mark; send UTF-8 JSON without one."))
    try:
        if b"\x00" in body[:4]:  # how UTF-16 and UTF-32 begin (RFC 4627, section 3)
            raise UnicodeDecodeError("utf-8", body[:4], 0, 4, "a NUL byte")
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BodyError("not_utf8", _("The body is not UTF-8; JSON must be sent as UTF-8.")) from None
    try:
        return json.loads(text, parse_constant=_constant)
    except (ValueError, RecursionError) as exc:
        raise BodyError(
            "malformed_json", _("The body is not valid JSON: %(error)s") % {"error": str(exc)[:200]}
        ) from None


def order_id(value: Any) -> str:
    """The platform's id of an order as we keep it: a non-empty string or an integer, nothing else."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise BodyError("bad_id", _("The order's “id” must be a string or a whole number."))
    text = str(value).strip()
    if not text:
        raise BodyError("bad_id", _("The order's “id” is empty."))
    if len(text) > MAX_ID_LENGTH:
        raise BodyError("bad_id", _("The order's “id” is longer than %(limit)s characters.") % {"limit": MAX_ID_LENGTH})
    return text


def order_body(body: bytes) -> dict[str, Any]:
    """The decoded body of an order delivery, checked: a JSON object with a usable id."""
    payload = decode(body)
    if not isinstance(payload, dict) or "id" not in payload:
        raise BodyError("not_an_order", _("The body is not an order: it has no “id”."))
    order_id(payload["id"])
    return payload
