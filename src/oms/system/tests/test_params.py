import json
import threading

import pytest
from django.core.exceptions import ValidationError

from oms.core import crypto
from oms.core.actor import Actor
from oms.system import actions, params
from oms.system.models import OperationLog, Parameter, ParameterRevision
from oms.testing.fixtures import free_port

pytestmark = pytest.mark.django_db
ACTOR = Actor(kind="user", name="tester", ip="127.0.0.9")


def test_param_clean_refuses_bad_values_without_db():
    p = params.REGISTRY["security.lockout_failures"]
    assert p.clean("7") == 7
    with pytest.raises(ValidationError, match="at least 1"):
        p.clean("0")
    with pytest.raises(ValidationError):
        p.clean("many")
    roles = params.REGISTRY["notifications.event_roles"]
    assert roles.clean('{"low_stock": ["warehouse"]}') == {"low_stock": ["warehouse"]}
    with pytest.raises(ValidationError, match="Unknown event"):
        roles.clean('{"nonsense": ["warehouse"]}')
    with pytest.raises(ValidationError):
        roles.clean("{not json")


def test_one_bad_value_saves_nothing():
    with pytest.raises(ValidationError) as exc:
        actions.save_parameters(
            values={"security.lockout_minutes": "30", "security.lockout_failures": "0"}, actor=ACTOR
        )
    assert set(exc.value.message_dict) == {"security.lockout_failures"}
    assert not Parameter.objects.exists()
    assert not ParameterRevision.objects.exists()
    assert params.get("security.lockout_minutes") == 15


def test_save_is_a_revision_with_difference_and_restore_is_a_new_revision():
    first = actions.save_parameters(values={"security.lockout_failures": "8"}, actor=ACTOR)
    assert params.get("security.lockout_failures") == 8
    assert first.changes == {"security.lockout_failures": {"old": 5, "new": 8}}
    assert first.actor_name == "tester" and first.ip == "127.0.0.9"
    second = actions.save_parameters(
        values={"security.lockout_failures": "9", "backup.keep": "3"}, actor=ACTOR, note="tighter"
    )
    assert set(second.changes) == {"security.lockout_failures", "backup.keep"}
    assert actions.save_parameters(values={"backup.keep": "3"}, actor=ACTOR) is None  # nothing changed

    restored = actions.restore_revision(revision_id=first.pk, actor=ACTOR)
    assert restored.restored_from_id == first.pk
    assert params.get("security.lockout_failures") == 8
    assert params.get("backup.keep") == 7  # back to its default, as right after the first revision
    assert restored.changes["backup.keep"] == {"old": 3, "new": 7}
    assert OperationLog.objects.filter(action="parameters.restore").count() == 1
    assert OperationLog.objects.filter(action="parameters.save").count() == 2


def test_secret_is_encrypted_never_shown_and_empty_keeps_it():
    rev = actions.save_parameters(values={"notifications.smtp_password": "hunter2-secret"}, actor=ACTOR)
    stored = Parameter.objects.get(key="notifications.smtp_password").value
    assert stored != "hunter2-secret" and crypto.decrypt(stored) == "hunter2-secret"
    assert rev.changes == {"notifications.smtp_password": {"secret": True}}
    assert "hunter2" not in json.dumps(rev.changes) + json.dumps(
        list(OperationLog.objects.values_list("details", flat=True))
    )
    # Empty input keeps it; the same value again is no change.
    assert actions.save_parameters(values={"notifications.smtp_password": ""}, actor=ACTOR) is None
    assert actions.save_parameters(values={"notifications.smtp_password": "hunter2-secret"}, actor=ACTOR) is None
    assert crypto.decrypt(params.get("notifications.smtp_password")) == "hunter2-secret"


def test_console_shows_error_next_to_field_and_saves_nothing(admin_client):
    url = "/system/parameters/?group=security"
    page = admin_client.get(url)
    assert page.status_code == 200 and b"security__lockout_failures" in page.content
    response = admin_client.post(
        url,
        {
            "group": "security",
            "security__lockout_failures": "0",
            "security__lockout_minutes": "20",
            "security__user_lockout_failures": "20",
            "security__user_lockout_minutes": "1440",
            "security__password_max_age_days": "90",
            "security__password_reuse_depth": "5",
            "security__session_timeout_minutes": "480",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    block = html[html.index('data-param="security__lockout_failures"') :]
    block = block[: block.index('data-param="', 10)]
    assert "Must be at least 1." in block
    assert not ParameterRevision.objects.exists() and params.get("security.lockout_minutes") == 15

    ok = admin_client.post(
        url,
        {
            "group": "security",
            "security__lockout_failures": "6",
            "security__lockout_minutes": "20",
            "security__user_lockout_failures": "20",
            "security__user_lockout_minutes": "1440",
            "security__password_max_age_days": "90",
            "security__password_reuse_depth": "5",
            "security__session_timeout_minutes": "480",
        },
    )
    assert ok.status_code == 302
    rev = ParameterRevision.objects.get()
    assert set(rev.changes) == {"security.lockout_failures", "security.lockout_minutes"}
    history = admin_client.get("/system/parameters/history/").content.decode()
    assert f'data-revision="{rev.pk}"' in history
    restore = admin_client.post(f"/system/parameters/history/{rev.pk}/restore/")
    assert restore.status_code == 302  # same values: "already have these values", no new revision
    assert ParameterRevision.objects.count() == 1


def test_other_roles_cannot_open_or_change_parameters(client, make_user):
    client.force_login(make_user("order_clerk"))
    assert client.get("/system/parameters/").status_code == 403
    assert (
        client.patch("/api/v1/settings/parameters/", {"backup.keep": 2}, content_type="application/json").status_code
        == 403
    )
    assert params.get("backup.keep") == 7


def test_api_get_patch_revisions_restore(admin_client):
    rows = {r["key"]: r for r in admin_client.get("/api/v1/settings/parameters/").json()}
    assert rows["backup.keep"]["value"] == 7
    assert rows["notifications.smtp_password"]["value"] is None

    bad = admin_client.patch(
        "/api/v1/settings/parameters/", {"backup.keep": 0, "backup.schedule_hour": 4}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert "backup.keep" in bad.json()["error"]["fields"]
    assert params.get("backup.schedule_hour") == 3

    ok = admin_client.patch(
        "/api/v1/settings/parameters/",
        {"values": {"backup.keep": 2, "notifications.smtp_password": "s3cret"}, "note": "api"},
        content_type="application/json",
    )
    assert ok.status_code == 200
    body = ok.json()
    assert body["revision"] and "s3cret" not in json.dumps(body)
    revs = admin_client.get("/api/v1/settings/parameters/revisions/").json()["results"]
    assert revs[0]["changes"]["notifications.smtp_password"] == {"secret": True}
    assert revs[0]["note"] == "api"
    admin_client.patch("/api/v1/settings/parameters/", {"backup.keep": 5}, content_type="application/json")
    restored = admin_client.post(f"/api/v1/settings/parameters/revisions/{body['revision']}/restore/")
    assert restored.status_code == 201
    assert params.get("backup.keep") == 2


def test_send_test_email_through_runtime_smtp(admin_client, smtp_server):
    port, received = smtp_server
    actions.save_parameters(
        values={
            "notifications.smtp_host": "127.0.0.1",
            "notifications.smtp_port": str(port),
            "notifications.sender": "oms@shop.example",
        },
        actor=ACTOR,
    )
    response = admin_client.post("/system/parameters/test-email/", {"to": "ops@shop.example"})
    assert b'data-testid="test-email-ok"' in response.content
    assert len(received) == 1
    assert received[0].mail_from == "oms@shop.example" and received[0].rcpt_tos == ["ops@shop.example"]
    assert OperationLog.objects.filter(action="notifications.test_email", details__ok=True).exists()


def test_send_test_email_shows_the_smtp_error(admin_client):
    closed = free_port()  # nothing listens there
    actions.save_parameters(
        values={"notifications.smtp_host": "127.0.0.1", "notifications.smtp_port": str(closed)}, actor=ACTOR
    )
    response = admin_client.post("/system/parameters/test-email/", {"to": "ops@shop.example"})
    html = response.content.decode()
    assert 'data-testid="test-email-error"' in html and "ConnectionRefusedError" in html


def test_cache_is_dropped_on_save_in_this_process():
    assert params.get("backup.keep") == 7
    t = threading.Thread(target=lambda: None)
    t.start()
    t.join()
    actions.save_parameters(values={"backup.keep": "4"}, actor=ACTOR)
    assert params.get("backup.keep") == 4


def test_event_emails_go_to_the_roles_configured_for_the_event(make_user, smtp_server):
    from oms.system.notify import recipients_for, send_event_email

    port, received = smtp_server
    make_user("warehouse", email="stock@shop.example")
    make_user("warehouse", email="off@shop.example", is_active=False)
    make_user("logistics", email="ship@shop.example")
    actions.save_parameters(
        values={
            "notifications.smtp_host": "127.0.0.1",
            "notifications.smtp_port": str(port),
            "notifications.event_roles": json.dumps({"low_stock": ["warehouse"], "shipment_exception": []}),
        },
        actor=ACTOR,
    )
    assert recipients_for("low_stock") == ["stock@shop.example"]
    assert send_event_email("shipment_exception", "s", "b") == 0
    assert send_event_email("low_stock", "Low stock: SKU1", "Only 2 left") == 1
    assert received[0].rcpt_tos == ["stock@shop.example"]
    assert b"Low stock: SKU1" in received[0].content


def test_event_emails_carry_personal_numbers_masked(make_user, smtp_server):
    from oms.system.notify import send_event_email

    port, received = smtp_server
    make_user("warehouse", email="stock@shop.example")
    actions.save_parameters(
        values={
            "notifications.smtp_host": "127.0.0.1",
            "notifications.smtp_port": str(port),
            "notifications.event_roles": json.dumps({"low_stock": ["warehouse"]}),
        },
        actor=ACTOR,
    )
    assert send_event_email("low_stock", "Call 13812348000", "ID 11010519491231002X") == 1
    content = received[0].content
    assert b"13812348000" not in content and b"11010519491231002X" not in content
    assert b"138****8000" in content


def test_dashboard_tile_shows_the_last_backup(admin_client, admin_user):
    from oms.system.console import dashboard_panels

    (panel,) = dashboard_panels(admin_user)
    assert panel["key"] == "last_backup" and panel["note"]
