"""Lockout with django-axes, keyed on username + IP, limits from runtime parameters."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from oms.accounts.models import LoginRecord
from oms.system import params
from oms.system.models import OperationLog
from oms.testing.fixtures import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, username, password, ip="127.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_bad_passwords_lock_then_the_right_one_is_refused_with_the_until_time(client, make_user):
    make_user("order_clerk", username="alice")
    for attempt in range(4):
        response = sign_in(client, "alice", f"wrong-{attempt}")
        assert response.status_code == 200
        assert "The username or password is not correct." in response.content.decode()
    response = sign_in(client, "alice", "wrong-5")
    assert response.status_code == 403  # the fifth failure locks at once

    response = sign_in(client, "alice", PASSWORD)
    assert response.status_code == 403
    html = response.content.decode()
    assert 'data-testid="lockout"' in html
    last = max(AccessAttempt.objects.filter(username="alice").values_list("attempt_time", flat=True))
    until = timezone.localtime(last + timedelta(minutes=15))
    assert f"Try again after {until:%Y-%m-%d %H:%M}" in html
    assert not signed_in(client)
    # A refused try during the lockout does not move its end.
    assert max(AccessAttempt.objects.filter(username="alice").values_list("attempt_time", flat=True)) == last

    results = list(LoginRecord.objects.order_by("pk").values_list("result", flat=True))
    assert results == ["failure"] * 5 + ["locked"]


def test_lockout_is_per_username_and_ip(client, make_user):
    make_user("order_clerk", username="alice")
    make_user("order_clerk", username="bob")
    for _ in range(5):
        sign_in(client, "alice", "wrong")
    assert sign_in(client, "alice", PASSWORD).status_code == 403

    response = sign_in(client, "bob", PASSWORD)  # another username from the same IP
    assert response.status_code == 302 and signed_in(client)
    client.logout()
    response = sign_in(client, "alice", PASSWORD, ip="10.1.2.3")  # the same username from another IP
    assert response.status_code == 302 and signed_in(client)


def test_cool_off_ends_the_lockout_and_success_resets_the_count(client, make_user):
    make_user("order_clerk", username="alice")
    for _ in range(5):
        sign_in(client, "alice", "wrong")
    assert sign_in(client, "alice", PASSWORD).status_code == 403

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = sign_in(client, "alice", PASSWORD)
    assert response.status_code == 302 and signed_in(client)
    assert not AccessAttempt.objects.filter(username="alice").exists()
    assert LoginRecord.objects.first().result == "success"


def test_limits_come_from_runtime_parameters(client, make_user):
    make_user("order_clerk", username="alice")
    params.set_value("security.lockout_failures", 2)
    params.set_value("security.lockout_minutes", 60)
    sign_in(client, "alice", "wrong")
    assert sign_in(client, "alice", "wrong").status_code == 403
    response = sign_in(client, "alice", PASSWORD)
    assert response.status_code == 403
    last = AccessAttempt.objects.get(username="alice").attempt_time
    assert f"{timezone.localtime(last + timedelta(minutes=60)):%Y-%m-%d %H:%M}" in response.content.decode()
    # 30 minutes later it is still locked (the cool-off is 60), after 61 it is not.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=30))
    assert sign_in(client, "alice", PASSWORD).status_code == 403
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=61))
    assert sign_in(client, "alice", PASSWORD).status_code == 302


def test_administrator_sees_and_lifts_a_lockout(client, make_user, admin_user):
    make_user("order_clerk", username="alice")
    for _ in range(5):
        sign_in(client, "alice", "wrong", ip="10.9.9.9")
    sign_in(client, "carol", "wrong", ip="10.9.9.9")  # no such user, one failure: listed but not locked

    admin = client_for(admin_user)
    page = admin.get("/accounts/lockouts/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "alice" in html and "10.9.9.9" in html and "Locked until" in html
    assert "carol" in html and "Failed attempts, not locked" in html

    response = admin.post("/accounts/lockouts/lift/", {"username": "alice", "ip": "10.9.9.9"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="alice").exists()
    entry = OperationLog.objects.get(action="accounts.lockout_lifted")
    assert entry.actor_name == admin_user.username and entry.details == {
        "username": "alice",
        "ip": "10.9.9.9",
        "everywhere": False,
    }

    assert sign_in(client, "alice", PASSWORD, ip="10.9.9.9").status_code == 302
    # Lifting what is not there says so and records nothing.
    admin.post("/accounts/lockouts/lift/", {"username": "alice", "ip": "10.9.9.9"})
    assert OperationLog.objects.filter(action="accounts.lockout_lifted").count() == 1


def test_only_administrators_see_lockouts(client, make_user):
    client.force_login(make_user("warehouse"))
    assert client.get("/accounts/lockouts/").status_code == 403
    AccessAttempt.objects.create(
        username="x",
        ip_address="10.0.0.1",
        user_agent="t",
        failures_since_start=9,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/",
    )
    assert client.post("/accounts/lockouts/lift/", {"username": "x", "ip": "10.0.0.1"}).status_code == 403
    assert AccessAttempt.objects.filter(username="x").exists()


def test_api_token_failures_do_not_count_towards_a_lockout(client, make_user):
    make_user("order_clerk", username="alice")
    for _ in range(8):
        response = client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token not-a-real-key")
        assert response.status_code == 401
    assert not AccessAttempt.objects.exists()
    assert sign_in(client, "alice", PASSWORD).status_code == 302


def client_for(user):
    from django.test import Client

    c = Client()
    c.force_login(user)
    return c


def test_a_user_locked_across_addresses_is_refused_everywhere_even_with_the_right_password(client, make_user):
    """Guessing from many addresses: each address stays under its own limit, the per-user one locks."""
    make_user("order_clerk", username="alice")
    params.set_value("security.user_lockout_failures", 8)
    for n in range(8):  # two tries from each of four addresses: no address reaches 5
        assert sign_in(client, "alice", "wrong", ip=f"10.0.0.{n // 2}").status_code in (200, 403)
    assert not AccessAttempt.objects.filter(failures_since_start__gte=5).exists()

    for ip in ("10.9.9.9", "192.168.1.20", "10.0.0.0"):
        response = sign_in(client, "alice", PASSWORD, ip=ip)
        assert response.status_code == 403 and 'data-testid="lockout"' in response.content.decode()
        assert not signed_in(client)
    results = list(LoginRecord.objects.order_by("pk").values_list("result", "ip"))
    assert results[-3:] == [("locked", "10.9.9.9"), ("locked", "192.168.1.20"), ("locked", "10.0.0.0")]
    # another user from the same addresses is not affected
    make_user("order_clerk", username="bob")
    assert sign_in(client, "bob", PASSWORD, ip="10.9.9.9").status_code == 302


def test_the_per_user_lock_ends_when_the_failures_leave_the_window(client, make_user):
    make_user("order_clerk", username="alice")
    params.set_value("security.user_lockout_failures", 3)
    params.set_value("security.user_lockout_minutes", 60)
    for n in range(3):
        sign_in(client, "alice", "wrong", ip=f"10.0.1.{n}")
    assert sign_in(client, "alice", PASSWORD, ip="10.0.2.1").status_code == 403
    LoginRecord.objects.update(created_at=timezone.now() - timedelta(minutes=61))
    assert sign_in(client, "alice", PASSWORD, ip="10.0.2.1").status_code == 302 and signed_in(client)


def test_an_administrator_lifts_the_per_user_lock(admin_client, make_user):
    from django.test import Client

    client = Client()
    make_user("order_clerk", username="alice")
    params.set_value("security.user_lockout_failures", 3)
    for n in range(3):
        sign_in(client, "alice", "wrong", ip=f"10.0.3.{n}")
    page = admin_client.get("/accounts/lockouts/").content.decode()
    assert 'data-testid="lift-everywhere"' in page and "alice" in page
    admin_client.post("/accounts/lockouts/lift/", {"username": "alice", "everywhere": "1"})
    assert LoginRecord.objects.filter(username="alice", result="lifted").exists()
    assert OperationLog.objects.filter(action="accounts.lockout_lifted", target="alice").exists()
    assert sign_in(client, "alice", PASSWORD, ip="10.0.3.9").status_code == 302
