"""Personal data: who may see it unmasked, and the one way it is masked wherever it appears.

Lists and details have always masked the customer's phone number and ID card for a user without
the "see personal data" permission. The same rule and the same masks apply to everything else that
shows these values: event payloads (a correction's before/after values) on the timeline and in the
API, exports, log lines, alerts and notifications, and error reports.

- `mask_fields` / `mask_payload` mask by field name (structured data: rows, event payloads);
- `mask_text` masks numbers that look like a mobile phone or an ID card inside free text (log lines,
  messages, error reports), where there is no field name to go by.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.template.defaultfilters import pprint
from django.views.debug import SafeExceptionReporterFilter

from oms.core.validators import mask_id_card, mask_phone

PERMISSION = "orders.view_personal_data"

# field name -> mask; the names used by orders, imports and event payloads
MASKS: dict[str, Callable[[str], str]] = {
    "customer_phone": mask_phone,
    "phone": mask_phone,
    "mobile": mask_phone,
    "customer_id_card": mask_id_card,
    "id_card": mask_id_card,
}


def can_see(user: Any) -> bool:
    """The rule lists and details use: the permission, for a signed-in user (system actors: yes)."""
    return bool(user is not None and user.has_perm(PERMISSION))


def mask_value(field: str, value: Any) -> Any:
    mask = MASKS.get(field)
    if mask is None or value in (None, ""):
        return value
    if isinstance(value, list | tuple):  # a correction's [before, after]
        return [mask(str(v)) if v not in (None, "") else v for v in value]
    return mask(str(value))


def mask_fields(data: dict[str, Any], visible: bool) -> dict[str, Any]:
    """`data` with its personal fields masked (a copy) unless `visible`."""
    if visible:
        return data
    return {k: mask_value(k, v) for k, v in data.items()}


def mask_payload(payload: Any, visible: bool) -> Any:
    """An event payload with every personal field masked at any depth (a copy) unless `visible`.

    A correction stores {"changes": {"customer_phone": [before, after]}}; an intake or platform
    update may store the fields directly; both are found by their key. A check's problem about a
    personal field ({"field": "customer_phone", "params": {"value": ...}}) has its values masked."""
    if visible:
        return payload
    if isinstance(payload, dict):
        field = payload.get("field")  # a stored problem: {"code", "field", "params": {"value": ...}}
        out = {}
        for k, v in payload.items():
            if k in MASKS and not isinstance(v, dict):
                out[k] = mask_value(k, v)
            elif k == "params" and field in MASKS and isinstance(v, dict):
                out[k] = {name: mask_value(field, value) for name, value in v.items()}
            else:
                out[k] = mask_payload(v, False)
        return out
    if isinstance(payload, list):
        return [mask_payload(v, False) for v in payload]
    return payload


# A mainland mobile number (optionally +86) or an 18-character ID card, not inside a longer number.
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9]\d{9}(?![0-9])")


def mask_text(text: str) -> str:
    """Free text with phone numbers and ID cards masked (for logs, messages, error reports)."""
    if not text:
        return text
    text = _ID_CARD.sub(lambda m: mask_id_card(m.group()), text)
    return _MOBILE.sub(lambda m: m.group()[:-11] + mask_phone(m.group()[-11:]), text)


class MaskingLogFilter(logging.Filter):
    """A logging filter: the rendered message of every record has personal numbers masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


class PersonalDataExceptionReporterFilter(SafeExceptionReporterFilter):
    """Error reports (the e-mail to ADMINS, the debug page): POST fields named like personal data
    are hidden, and phone numbers and ID cards in local variables and other values are masked."""

    def get_post_parameters(self, request: Any) -> Any:
        params: Any = super().get_post_parameters(request)
        if not params:
            return params
        cleansed = params.copy()
        for key in cleansed:
            if any(key.endswith(name) for name in MASKS):
                cleansed[key] = self.cleansed_substitute
            else:
                cleansed.setlist(key, [mask_text(str(v)) for v in cleansed.getlist(key)])
        return cleansed

    def get_traceback_frame_variables(self, request: Any, tb_frame: Any) -> Any:
        cleansed = []
        for name, value in super().get_traceback_frame_variables(request, tb_frame):
            if name in MASKS:
                value = self.cleansed_substitute
            elif isinstance(value, str):
                value = mask_text(value)
            elif not isinstance(value, int | float | Decimal | type(None)):
                shown = pprint(value)  # as the report would show it; replaced only when it held a number
                if mask_text(shown) != shown:
                    value = mask_text(shown)
            cleansed.append((name, value))
        return cleansed

    def cleanse_setting(self, key: Any, value: Any) -> Any:
        if isinstance(key, str) and key in MASKS:
            return self.cleansed_substitute
        return super().cleanse_setting(key, value)
