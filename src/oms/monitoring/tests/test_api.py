"""The alerts API: scoped reads, filters that answer 400 for values they cannot use, and the actions."""

import pytest
from rest_framework.test import APIClient

from oms.monitoring import actions
from oms.monitoring.kinds import AlertKind
from oms.monitoring.subjects import Subject

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_list_filter_acknowledge_and_resolve(api, make_user):
    intake = actions.raise_alert(AlertKind.INTAKE_PROBLEMS, Subject.named("o:1"), params={"number": "SO1"})
    low = actions.raise_alert(
        AlertKind.LOW_STOCK, Subject.row("auth.user", 5, "warehouse:1"), params={"sku": "A"}, warehouse_id=1
    )
    api.force_authenticate(make_user("warehouse"))  # inventory only: no intake alerts
    body = api.get("/api/v1/alerts/").json()
    assert [r["id"] for r in body["results"]] == [low.pk]
    assert body["results"][0]["subject_type"] == "auth.user" and "{warehouse}" in body["results"][0]["message"]
    clerk = make_user("order_clerk")
    api.force_authenticate(clerk)
    assert {r["id"] for r in api.get("/api/v1/alerts/", {"state": "active"}).json()["results"]} == {intake.pk, low.pk}
    assert [r["id"] for r in api.get("/api/v1/alerts/", {"kind": "intake_problems"}).json()["results"]] == [intake.pk]
    bad = api.get("/api/v1/alerts/", {"severity": "apocalyptic"})
    assert bad.status_code == 400 and "severity" in bad.json()["error"]["fields"]
    assert api.get("/api/v1/alerts/", {"colour": "red"}).status_code == 400  # undeclared
    r = api.post(f"/api/v1/alerts/{intake.pk}/acknowledge/", {"note": "mine"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "acknowledged"
    again = api.post(f"/api/v1/alerts/{intake.pk}/acknowledge/", {}, format="json")
    assert again.status_code == 400 and again.json()["error"]["code"] == "invalid"
    r = api.post(f"/api/v1/alerts/{intake.pk}/resolve/", {"note": "done"}, format="json")
    assert r.json()["state"] == "resolved" and r.json()["resolution_note"] == "done"
    api.force_authenticate(make_user("viewer"))
    assert api.post(f"/api/v1/alerts/{low.pk}/resolve/", {}, format="json").status_code == 403
    assert api.get("/api/v1/alerts/", {"state": "resolved"}).json()["results"][0]["id"] == intake.pk
