"""Password policy: Django validators, no reuse of the last N, expiry, change on first sign-in, idle timeout."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from oms.accounts.models import PasswordHistory, UserProfile
from oms.accounts.signals import SESSION_ACTIVITY_KEY
from oms.system import params
from oms.testing.fixtures import PASSWORD

pytestmark = pytest.mark.django_db


def change(client, old, new):
    return client.post("/accounts/password/", {"old_password": old, "new_password1": new, "new_password2": new})


@pytest.mark.parametrize(
    "new, message",
    [
        ("Short-1", "This password is too short"),
        ("12345678901234", "This password is entirely numeric"),
        ("password123", "This password is too common"),
        ("alice.wong.store", "too similar to the username"),
    ],
)
def test_django_validators_refuse_weak_passwords(client, make_user, new, message):
    user = make_user("viewer", username="alice.wong.store")
    client.force_login(user)
    response = change(client, PASSWORD, new)
    assert response.status_code == 200
    assert message in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_last_five_passwords_may_not_be_reused(client, make_user):
    user = make_user("viewer", username="alice")
    client.force_login(user)
    passwords = [PASSWORD] + [f"Fresh-Secret-{i}-xyz" for i in range(6)]
    for old, new in zip(passwords, passwords[1:], strict=False):
        assert change(client, old, new).status_code == 302
    assert PasswordHistory.objects.filter(user=user).count() == 6
    current = passwords[-1]
    for reused in passwords[-1:-6:-1]:  # the current one and the four before it
        response = change(client, current, reused)
        assert response.status_code == 200, reused
        assert "recent" in response.content.decode() or "differ from the current" in response.content.decode()
    # Six passwords back is beyond the depth of 5: allowed again.
    assert change(client, current, passwords[1]).status_code == 302


def test_reuse_depth_is_a_runtime_parameter(client, make_user):
    params.set_value("security.password_reuse_depth", 0)
    user = make_user("viewer", username="alice")
    client.force_login(user)
    assert change(client, PASSWORD, "Fresh-Secret-1-xyz").status_code == 302
    assert change(client, "Fresh-Secret-1-xyz", PASSWORD).status_code == 302


def test_expired_password_must_be_changed_before_anything_else(client, make_user):
    user = make_user("administrator", username="alice")
    UserProfile.objects.filter(user=user).update(password_changed_at=timezone.now() - timedelta(days=91))
    client.force_login(user)
    for url in ["/", "/accounts/lockouts/", "/m/settings/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/accounts/password/?required=1", url
    page = client.get("/accounts/password/?required=1")
    assert "You need to choose a new password before you continue." in page.content.decode()
    assert change(client, PASSWORD, "Another-Good-Secret-7").status_code == 302
    assert client.get("/").status_code == 200


def test_expiry_follows_the_parameter(client, make_user):
    user = make_user("viewer", username="alice")
    UserProfile.objects.filter(user=user).update(password_changed_at=timezone.now() - timedelta(days=40))
    client.force_login(user)
    assert client.get("/").status_code == 200
    params.set_value("security.password_max_age_days", 30)
    client.logout()
    client.force_login(user)
    assert client.get("/").status_code == 302


def test_account_created_by_an_administrator_changes_password_at_first_sign_in(client, make_user):
    user = make_user("order_clerk", username="newbie")
    UserProfile.objects.filter(user=user).update(must_change_password=True)
    response = client.post("/accounts/login/", {"username": "newbie", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").url == "/accounts/password/?required=1"
    assert client.get("/api/v1/me/").status_code == 200  # the API is not a console page
    assert change(client, PASSWORD, "My-Own-Secret-2026").status_code == 302
    assert UserProfile.objects.get(user=user).must_change_password is False
    assert client.get("/").status_code == 200


def test_idle_session_is_signed_out_after_the_timeout(client, make_user):
    params.set_value("security.session_timeout_minutes", 10)
    client.force_login(make_user("viewer"))
    assert client.get("/").status_code == 200
    session = client.session
    session[SESSION_ACTIVITY_KEY] = int(time.time()) - 9 * 60
    session.save()
    assert client.get("/").status_code == 200  # 9 idle minutes: still in, and the clock restarts
    session = client.session
    assert int(time.time()) - session[SESSION_ACTIVITY_KEY] < 60
    session[SESSION_ACTIVITY_KEY] = int(time.time()) - 11 * 60
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert "You were signed out after 10 minutes without activity." in page.content.decode()


def test_idle_htmx_request_is_sent_to_sign_in_as_a_whole_page(client, make_user):
    params.set_value("security.session_timeout_minutes", 5)
    client.force_login(make_user("viewer"))
    session = client.session
    session[SESSION_ACTIVITY_KEY] = int(time.time()) - 6 * 60
    session.save()
    response = client.get("/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"].startswith("/accounts/login/?next=/")


def test_sign_out_says_so(client, make_user):
    client.force_login(make_user("viewer"))
    response = client.post("/accounts/logout/", follow=True)
    assert "_auth_user_id" not in client.session
    assert "You have signed out." in response.content.decode()
