"""Personal data is masked everywhere for a role without "see personal data", with one rule:
the correction event's before/after values on the timeline and in the API, exports, log lines,
notification mail and error reports."""

from __future__ import annotations

import io
import logging
import sys
from decimal import Decimal as D
from typing import Any

import pytest
from django.test import Client, RequestFactory, override_settings
from django.views.debug import ExceptionReporter
from openpyxl import load_workbook
from rest_framework.test import APIClient

from oms.core import personal
from oms.core.actor import Actor
from oms.orders import actions
from oms.orders.incoming import IncomingLine
from oms.orders.intake import ingest
from oms.orders.tests.factories import channel, default_rules, incoming, product

pytestmark = pytest.mark.django_db

PHONE_BEFORE, PHONE_AFTER = "13912345678", "13812348000"
ID_CARD = "11010519491231002X"


@pytest.fixture
def corrected(make_user: Any) -> Any:
    """An invalid order whose phone and ID card a clerk corrected: the event holds both values."""
    default_rules()
    product("SKU-0001")
    inc = incoming("P1", customer_phone=PHONE_BEFORE, lines=[IncomingLine("UNKNOWN", "Tea", 2, D("50"))])
    order = ingest(channel=channel(), incoming=inc, actor=Actor.channel("t"), source="webhook").order
    return actions.correct_order(
        order_id=order.pk,
        actor=Actor.for_user(make_user("order_clerk")),
        version=order.version,
        changes={"customer_phone": PHONE_AFTER, "customer_id_card": ID_CARD},
    )


def _login(make_user: Any, role: str) -> Client:
    client = Client()
    client.force_login(make_user(role))
    return client


def test_timeline_masks_the_corrections_for_a_viewer(corrected: Any, make_user: Any) -> None:
    page = _login(make_user, "viewer").get(f"/orders/{corrected.pk}/").content.decode()
    for full in (PHONE_BEFORE, PHONE_AFTER, ID_CARD):
        assert full not in page
    assert personal.mask_value("customer_phone", PHONE_BEFORE) in page
    assert personal.mask_value("customer_id_card", ID_CARD) in page


def test_timeline_shows_the_corrections_to_a_role_with_the_right(corrected: Any, make_user: Any) -> None:
    page = _login(make_user, "order_clerk").get(f"/orders/{corrected.pk}/").content.decode()
    for full in (PHONE_BEFORE, PHONE_AFTER, ID_CARD):
        assert full in page


def test_problems_and_raw_deliveries_are_masked_for_a_viewer(make_user: Any) -> None:
    """An invalid phone is quoted in its problem ("“…” is not valid"); the raw body holds the number."""
    default_rules()
    product("SKU-0001")
    bad = "1381234800"  # ten digits: invalid, quoted in the problem message
    inc = incoming("P2", customer_phone=bad, customer_id_card=ID_CARD)
    order = ingest(channel=channel(), incoming=inc, actor=Actor.channel("t"), source="webhook").order
    assert order.status == "invalid"
    page = _login(make_user, "viewer").get(f"/orders/{order.pk}/").content.decode()
    assert bad not in page and ID_CARD not in page
    assert bad in _login(make_user, "order_clerk").get(f"/orders/{order.pk}/").content.decode()
    client = APIClient()
    client.force_authenticate(make_user("viewer"))
    assert bad not in str(client.get(f"/api/v1/orders/{order.pk}/").json()["problems"])


def _api_events(make_user: Any, role: str, pk: int) -> str:
    client = APIClient()
    client.force_authenticate(make_user(role))
    response = client.get(f"/api/v1/orders/{pk}/")
    assert response.status_code == 200
    listed = client.get(f"/api/v1/orders/{pk}/events/")  # the timeline endpoint says the same
    assert [e["payload"] for e in listed.json()] == [e["payload"] for e in response.json()["events"]]
    return str([e["payload"] for e in response.json()["events"]])


def test_api_events_mask_for_a_viewer_and_not_for_a_clerk(corrected: Any, make_user: Any) -> None:
    masked = _api_events(make_user, "viewer", corrected.pk)
    assert PHONE_BEFORE not in masked and PHONE_AFTER not in masked and ID_CARD not in masked
    assert personal.mask_value("customer_phone", PHONE_AFTER) in masked
    full = _api_events(make_user, "order_clerk", corrected.pk)
    assert PHONE_BEFORE in full and ID_CARD in full


def test_export_masks_without_the_right(corrected: Any, make_user: Any) -> None:
    from django.contrib.auth.models import Permission

    viewer = make_user("viewer")
    viewer.user_permissions.add(Permission.objects.get(codename="export_orders"))
    client = Client()
    client.force_login(viewer)
    sheet = load_workbook(io.BytesIO(client.get("/orders/?export=xlsx").getvalue())).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert PHONE_AFTER not in values and personal.mask_value("customer_phone", PHONE_AFTER) in values
    clerk_sheet = _login(make_user, "order_clerk").get("/orders/?export=xlsx").getvalue()
    values = [c.value for row in load_workbook(io.BytesIO(clerk_sheet)).active.iter_rows() for c in row]
    assert PHONE_AFTER in values


def test_log_lines_are_masked(caplog: Any) -> None:
    record = logging.LogRecord("oms.test", logging.INFO, __file__, 1, "call %s about %s", (PHONE_AFTER, ID_CARD), None)
    assert personal.MaskingLogFilter().filter(record)
    line = record.getMessage()
    assert PHONE_AFTER not in line and ID_CARD not in line
    assert "138****8000" in line and "1101**********002X" in line


def test_the_console_log_handler_masks() -> None:
    from django.conf import settings

    assert "personal_data" in settings.LOGGING["handlers"]["console"]["filters"]


def test_mask_text_leaves_other_numbers_alone() -> None:
    assert personal.mask_text("order O000123 total 13812348000123") == "order O000123 total 13812348000123"
    assert personal.mask_text("tel +86 13812348000.") == "tel +86 138****8000."
    assert personal.mask_text("8613812348000") == "86138****8000"


@override_settings(DEBUG=False)
def test_error_reports_hide_and_mask_personal_data() -> None:
    request = RequestFactory().post(
        "/orders/1/correct/", {"customer_phone": PHONE_AFTER, "note": f"call {PHONE_AFTER}"}
    )
    customer_id_card = ID_CARD  # a local variable named like the field
    note = f"buyer {PHONE_AFTER}"
    try:
        raise ValueError("boom")
    except ValueError:
        reporter = ExceptionReporter(request, *sys.exc_info())
        text = reporter.get_traceback_text()
    assert customer_id_card and note
    assert PHONE_AFTER not in text and ID_CARD not in text
