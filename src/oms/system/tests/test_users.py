import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError

from oms.accounts.models import UserProfile
from oms.core.actor import Actor
from oms.system import users
from oms.system.models import OperationLog

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def warehouses():
    from oms.inventory.models import Warehouse

    return [Warehouse.objects.create(code=f"wh{i}", name=f"Warehouse {i}", province="Zhejiang") for i in (1, 2)]


def test_create_user_in_console_with_scope_and_forced_password_change(admin_client, warehouses):
    clerk_role = Group.objects.get(name="Order clerk")
    response = admin_client.post(
        "/system/users/new/",
        {
            "username": "li.na",
            "first_name": "Na",
            "last_name": "Li",
            "email": "li.na@shop.example",
            "groups": [clerk_role.pk],
            "warehouses": [warehouses[0].pk],
            "password": "Initial-Pass-2026",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="li.na")
    assert user.check_password("Initial-Pass-2026")
    profile = UserProfile.objects.get(user=user)
    assert profile.must_change_password
    assert list(profile.warehouses.values_list("code", flat=True)) == ["wh1"]
    entry = OperationLog.objects.get(action="user.create")
    assert entry.target == "li.na" and entry.details["warehouses"] == ["wh1"]
    # The user list filters by scope and role.
    page = admin_client.get(f"/system/users/?scope=w{warehouses[0].pk}&role={clerk_role.pk}").content.decode()
    assert 'data-user="li.na"' in page and 'data-user="boss"' not in page


def test_weak_or_duplicate_user_is_refused(admin_client):
    weak = admin_client.post("/system/users/new/", {"username": "x1", "password": "123"})
    assert weak.status_code == 200 and not User.objects.filter(username="x1").exists()
    dup = admin_client.post("/system/users/new/", {"username": "BOSS", "password": "Initial-Pass-2026"})
    assert b"already exists" in dup.content


def test_disable_enable_bulk_and_self_protection(admin_client, admin_user, make_user):
    a, b = make_user("viewer"), make_user("viewer")
    admin_client.post("/system/users/", {"ids": [a.pk, b.pk], "op": "disable"})
    assert not User.objects.filter(pk__in=[a.pk, b.pk], is_active=True).exists()
    assert OperationLog.objects.filter(action="user.disable").count() == 2
    admin_client.post(f"/system/users/{a.pk}/active/", {"active": "1"})
    assert User.objects.get(pk=a.pk).is_active
    # Including oneself refuses the whole batch.
    admin_client.post("/system/users/", {"ids": [b.pk, admin_user.pk], "op": "disable"})
    assert User.objects.get(pk=admin_user.pk).is_active
    with pytest.raises(ValidationError):
        users.update_user(
            user_id=admin_user.pk,
            actor=Actor.for_user(admin_user),
            first_name="",
            last_name="",
            email="",
            group_ids=[],
            channel_ids=[],
            warehouse_ids=[],
        )


def test_reset_password_shows_it_once_and_forces_change(admin_client, make_user):
    user = make_user("viewer")
    response = admin_client.post(f"/system/users/{user.pk}/reset-password/")
    html = response.content.decode()
    start = html.index('data-testid="temporary-password">') + len('data-testid="temporary-password">')
    password = html[start : html.index("</code>", start)]
    user.refresh_from_db()
    assert user.check_password(password)
    assert UserProfile.objects.get(user=user).must_change_password
    entry = OperationLog.objects.get(action="user.reset_password")
    assert password not in str(entry.details)


def test_edit_user_roles_and_scope_is_logged_with_difference(admin_client, make_user, warehouses):
    user = make_user("viewer")
    admin_client.post(
        f"/system/users/{user.pk}/",
        {
            "username": user.username,
            "first_name": "New",
            "groups": [Group.objects.get(name="Warehouse").pk],
            "warehouses": [warehouses[1].pk],
        },
    )
    assert set(user.groups.values_list("name", flat=True)) == {"Warehouse"}
    entry = OperationLog.objects.get(action="user.update")
    assert entry.details["roles"] == {"old": ["Viewer"], "new": ["Warehouse"]}
    assert entry.details["warehouses"] == {"old": [], "new": ["wh2"]}


def test_role_matrix_custom_roles_and_builtin_guard(admin_client):
    page = admin_client.get("/system/roles/").content.decode()
    assert 'data-testid="role-matrix"' in page and 'data-role="Administrator"' in page
    reviewer = Group.objects.get(name="Reviewer")
    admin_client.post("/system/roles/new/", {"name": "Night reviewer", "copy_from": reviewer.pk})
    custom = Group.objects.get(name="Night reviewer")
    assert set(custom.permissions.all()) == set(reviewer.permissions.all())

    perm = Permission.objects.get(content_type__app_label="core", codename="access_inventory")
    admin_client.post(
        f"/system/roles/{custom.pk}/",
        {"op": "permissions", "perm": [p.pk for p in custom.permissions.all()] + [perm.pk]},
    )
    assert custom.permissions.filter(pk=perm.pk).exists()
    assert OperationLog.objects.get(action="role.permissions").details["added"] == ["core.access_inventory"]

    # Built-in roles are read-only.
    before = set(reviewer.permissions.values_list("pk", flat=True))
    admin_client.post(f"/system/roles/{reviewer.pk}/", {"op": "permissions", "perm": [perm.pk]})
    assert set(reviewer.permissions.values_list("pk", flat=True)) == before
    admin_client.post(f"/system/roles/{reviewer.pk}/", {"op": "delete"})
    assert Group.objects.filter(name="Reviewer").exists()

    admin_client.post(f"/system/roles/{custom.pk}/", {"op": "rename", "name": "Late reviewer"})
    custom.refresh_from_db()
    assert custom.name == "Late reviewer"
    admin_client.post(f"/system/roles/{custom.pk}/", {"op": "delete"})
    assert not Group.objects.filter(pk=custom.pk).exists()
    assert {"role.create", "role.rename", "role.delete"} <= set(OperationLog.objects.values_list("action", flat=True))


def test_settings_pages_refuse_other_roles(client, make_user):
    client.force_login(make_user("warehouse"))
    for url in ("/system/users/", "/system/roles/", "/system/backups/", "/system/log/", "/system/parameters/"):
        assert client.get(url).status_code == 403, url
    assert client.get("/api/v1/settings/users/").status_code == 403


def test_users_api(admin_client, warehouses):
    created = admin_client.post(
        "/api/v1/settings/users/",
        {
            "username": "api.user",
            "password": "Initial-Pass-2026",
            "roles": ["Viewer"],
            "warehouses": ["wh2"],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["warehouses"] == ["wh2"] and body["must_change_password"] and "password" not in body
    bad = admin_client.post(
        "/api/v1/settings/users/",
        {"username": "api2", "password": "Initial-Pass-2026", "warehouses": ["nope"]},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "warehouses" in bad.json()["error"]["fields"]
    patched = admin_client.patch(
        f"/api/v1/settings/users/{body['id']}/", {"is_active": False, "roles": []}, content_type="application/json"
    )
    assert patched.status_code == 200
    assert patched.json()["is_active"] is False and patched.json()["roles"] == []
    listed = admin_client.get("/api/v1/settings/users/?active=false").json()
    assert [u["username"] for u in listed] == ["api.user"]
    reset = admin_client.post(f"/api/v1/settings/users/{body['id']}/reset-password/").json()
    assert User.objects.get(pk=body["id"]).check_password(reset["password"])
