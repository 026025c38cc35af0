"""A person limited to some warehouses or channels administers only the people limited to (some of) the
same ones: users, their API tokens and the operation log; and never gives anyone more than they have."""

import pytest
from rest_framework.test import APIClient

from oms.accounts import actions as account_actions
from oms.accounts.models import ApiToken, UserProfile
from oms.core.actor import Actor
from oms.inventory.models import Warehouse
from oms.system import users

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user):
    w1 = Warehouse.objects.create(code="US-1", name="One", province="上海")
    w2 = Warehouse.objects.create(code="US-2", name="Two", province="上海")

    def limited(name, *warehouses):
        u = make_user("administrator", username=name)
        UserProfile.objects.get(user=u).warehouses.set(warehouses)
        return u

    return {
        "w1": w1,
        "w2": w2,
        "editor": limited("us-editor", w1),
        "mate": limited("us-mate", w1),
        "wider": limited("us-wider", w1, w2),
        "other": limited("us-other", w2),
        "boss": make_user("administrator", username="us-boss"),
    }


def _api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_a_limited_editor_sees_and_edits_only_people_inside_their_scope(client, people):
    names = set(users.manageable_by(people["editor"]).values_list("username", flat=True))
    assert names == {"us-editor", "us-mate"}
    assert set(users.manageable_by(people["boss"]).values_list("username", flat=True)) >= {"us-wider", "us-boss"}
    client.force_login(people["editor"])
    page = client.get("/system/users/").content.decode()
    assert "us-mate" in page and "us-wider" not in page and "us-boss" not in page
    for who in ("wider", "other", "boss"):
        pk = people[who].pk
        assert client.get(f"/system/users/{pk}/").status_code == 404
        assert client.post(f"/system/users/{pk}/active/", {"active": "0"}).status_code == 404
        assert _api(people["editor"]).get(f"/api/v1/settings/users/{pk}/").status_code == 404
        assert _api(people["editor"]).post(f"/api/v1/settings/users/{pk}/reset-password/").status_code == 404
    people["boss"].refresh_from_db()
    assert people["boss"].is_active
    assert client.get(f"/system/users/{people['mate'].pk}/").status_code == 200


def test_a_limited_editor_never_gives_more_than_they_have(people):
    api = _api(people["editor"])
    widen = api.patch(f"/api/v1/settings/users/{people['mate'].pk}/", {"warehouses": []}, format="json")
    assert widen.status_code == 400 and "warehouses" in widen.json()["error"]["fields"]
    other = api.patch(f"/api/v1/settings/users/{people['mate'].pk}/", {"warehouses": ["US-2"]}, format="json")
    assert other.status_code == 400
    assert list(UserProfile.objects.get(user=people["mate"]).warehouses.values_list("code", flat=True)) == ["US-1"]
    body = {"username": "us-new", "password": "Correct-Horse-Battery-9", "roles": ["Viewer"]}
    assert api.post("/api/v1/settings/users/", body, format="json").status_code == 400
    made = api.post("/api/v1/settings/users/", {**body, "warehouses": ["US-1"]}, format="json")
    assert made.status_code == 201 and made.json()["warehouses"] == ["US-1"]
    # The unlimited administrator is not bound.
    boss = _api(people["boss"]).patch(f"/api/v1/settings/users/{people['mate'].pk}/", {"warehouses": []}, format="json")
    assert boss.status_code == 200 and boss.json()["warehouses"] == []


def test_tokens_and_operation_log_follow_the_same_rule(client, people):
    system = Actor.system("test")
    boss_token, _key = account_actions.issue_token(actor=system, user=people["boss"], name="erp")
    mate_token, _key = account_actions.issue_token(actor=system, user=people["mate"], name="erp")
    client.force_login(people["editor"])
    page = client.get("/accounts/tokens/").content.decode()
    assert "us-mate" in page and "us-boss" not in page
    refused = client.post("/accounts/tokens/", {"user": people["boss"].pk, "name": "mine now"})
    assert refused.status_code == 400 and not ApiToken.objects.filter(name="mine now").exists()
    assert client.post(f"/accounts/tokens/{boss_token.pk}/revoke/").status_code == 404
    assert client.post(f"/accounts/tokens/{mate_token.pk}/revoke/").status_code == 302
    boss_token.refresh_from_db()
    mate_token.refresh_from_db()
    assert boss_token.revoked_at is None and mate_token.revoked_at is not None
    log = client.get("/system/log/").content.decode()
    assert "accounts.token_revoked" in log and "accounts.token_issued" not in log  # only what they did


def test_sign_in_log_and_lockouts_show_only_the_people_they_manage(client, people):
    from axes.models import AccessAttempt

    from oms.accounts.models import LoginRecord

    for who in ("mate", "boss"):
        name = people[who].username
        LoginRecord.objects.create(username=name, user=people[who], result="failure", ip="10.1.1.1")
        AccessAttempt.objects.create(
            username=name, ip_address="10.1.1.1", user_agent="t", http_accept="*/*", path_info="/",
            get_data="", post_data="", failures_since_start=9,
        )  # fmt: skip
    from oms.accounts.console import dashboard_panels

    tiles = {t["key"]: t["value"] for t in dashboard_panels(people["editor"])}
    assert (tiles["failed_today"], tiles["locked_now"]) == (1, 1)  # the mate's, not the boss's
    tiles = {t["key"]: t["value"] for t in dashboard_panels(people["boss"])}
    assert (tiles["failed_today"], tiles["locked_now"]) == (2, 2)
    client.force_login(people["editor"])
    for url in ("/accounts/sign-ins/", "/accounts/lockouts/"):
        page = client.get(url).content.decode()
        assert "us-mate" in page and "us-boss" not in page, url
    assert client.post("/accounts/lockouts/lift/", {"username": "us-boss", "ip": "10.1.1.1"}).status_code == 404
    assert AccessAttempt.objects.filter(username="us-boss").exists()
    assert client.post("/accounts/lockouts/lift/", {"username": "us-mate", "ip": "10.1.1.1"}).status_code == 302
    assert not AccessAttempt.objects.filter(username="us-mate").exists()


def test_a_limited_administrator_cannot_download_or_restore_a_backup(client, people, settings, tmp_path):
    from oms.system import backup

    settings.DATA_DIR = str(tmp_path)
    name = f"{backup.PREFIX}20261208-000000{backup.SUFFIX}"
    (backup.backup_dir() / name).write_bytes(b"every channel and warehouse")
    client.force_login(people["editor"])
    assert client.get(f"/system/backups/{name}/download/").status_code == 404
    assert client.get(f"/system/backups/{name}/restore/").status_code == 404
    client.force_login(people["boss"])
    assert client.get(f"/system/backups/{name}/download/").status_code == 200
