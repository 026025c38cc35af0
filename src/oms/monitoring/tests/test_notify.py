"""Emails about new alerts go out from a background task after the transaction commits, to the roles
configured for the kind's event, through a real SMTP server."""

import json

import pytest
from django.utils import translation

from oms.core.actor import Actor
from oms.monitoring import actions, tasks
from oms.monitoring.actions import Raise
from oms.monitoring.kinds import AlertKind
from oms.monitoring.subjects import Subject
from oms.system import actions as system_actions

pytestmark = pytest.mark.django_db
LOW = {"sku": "SKU-1", "warehouse": "Main", "available": 2, "threshold": 5, "lowest": 2}


@pytest.fixture
def mail(make_user, smtp_server):
    port, received = smtp_server
    make_user("warehouse", email="stock@shop.example")
    make_user("order_clerk", email="orders@shop.example")
    system_actions.save_parameters(
        values={
            "notifications.smtp_host": "127.0.0.1",
            "notifications.smtp_port": str(port),
            "notifications.event_roles": json.dumps({"low_stock": ["warehouse"]}),
        },
        actor=Actor.system("test"),
    )
    return received


def test_low_stock_email_is_sent_after_commit_not_inside_the_transaction(mail, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.raise_alert(AlertKind.LOW_STOCK, Subject.named("p:1@w:1"), params=LOW)
        actions.raise_alert(AlertKind.LOW_STOCK, Subject.named("p:1@w:1"), params={"lowest": 1})  # not new
    assert mail == [] and len(callbacks) == 1  # nothing sent while the transaction is open
    callbacks[0]()  # the commit: the task is queued (Huey runs it at once in tests)
    assert len(mail) == 1 and mail[0].rcpt_tos == ["stock@shop.example"]
    body = mail[0].content.decode()
    assert "SKU-1 in Main: 2 available when raised" in body and "Stock below threshold (1 new)" in body


def test_a_batch_of_alerts_is_one_email_and_kinds_without_an_event_send_none(mail, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        actions.raise_many(
            AlertKind.LOW_STOCK,
            [Raise(Subject.named(f"p:{i}@w:1"), {**LOW, "sku": f"SKU-{i}"}) for i in range(60)],
        )
        actions.raise_alert(AlertKind.INTAKE_PROBLEMS, Subject.named("o:1"), params={"number": "SO1"})
    assert len(mail) == 1
    body = mail[0].content.decode()
    assert "SKU-0 in Main" in body and "SKU-49 in Main" in body and "SKU-50 in" not in body
    assert "and 10 more" in body


def test_email_lists_only_alerts_still_active_and_is_worded_in_the_site_language(mail, settings):
    a = actions.raise_alert(AlertKind.LOW_STOCK, Subject.named("p:1@w:1"), params=LOW)
    b = actions.raise_alert(AlertKind.LOW_STOCK, Subject.named("p:2@w:1"), params={**LOW, "sku": "SKU-2"})
    actions.clear(AlertKind.LOW_STOCK, Subject.named("p:1@w:1"))
    settings.LANGUAGE_CODE = "zh-hans"
    assert tasks.send_raised([a.pk, b.pk]) == 1
    body = mail[0].content.decode()
    assert "SKU-2" in body and "SKU-1 " not in body
    assert "SKU-2 in Main" not in body  # written in Chinese, the site's language
    with translation.override("en"):
        subject, _body = tasks.email_for(AlertKind.LOW_STOCK, ["x"])
    assert subject == "OMS: Stock below threshold (1 new)"
