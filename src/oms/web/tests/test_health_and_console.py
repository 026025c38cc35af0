from datetime import timedelta

import pytest
from django.utils import timezone

from oms.core.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_worker(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "ok"
    assert response.json()["worker"] == "never seen"

    WorkerHeartbeat.objects.create(name="w1", last_seen=timezone.now())
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["worker"] == "ok"

    WorkerHeartbeat.objects.update(last_seen=timezone.now() - timedelta(minutes=10))
    assert client.get("/healthz").json()["worker"] == "stale"


def test_dashboard_requires_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_every_role_group_is_seeded_with_module_access():
    from django.contrib.auth.models import Group

    from oms.core.roles import ROLES

    names = set(Group.objects.values_list("name", flat=True))
    assert {name for name, _label in ROLES.values()} <= names
    viewer = Group.objects.get(name="Viewer")
    codes = set(viewer.permissions.values_list("codename", flat=True))
    assert "access_orders" in codes and "access_settings" not in codes


def test_modules_shown_match_role(client, make_user):
    clerk = make_user("order_clerk")
    client.force_login(clerk)
    html = client.get("/").content.decode()
    assert 'data-module="orders"' in html
    assert 'data-module="settings"' not in html
    assert client.get("/m/settings/").status_code == 403
