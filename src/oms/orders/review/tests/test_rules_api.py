"""Review rules and blacklist through the API: the console's validation, the review actions (operation
log), and 400/403/404."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from oms.orders.review.models import BlacklistEntry, ReviewRule
from oms.system.models import OperationLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_role(make_user: Any) -> Any:
    def make(role: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(make_user(role))
        return client

    return make


RULE = {"code": "big-orders", "kind": "amount_above", "outcome": "finance", "params": {"threshold": "8000"}}


def test_review_rules_crud(as_role: Any) -> None:
    admin = as_role("administrator")
    created = admin.post("/api/v1/review-rules/", RULE, format="json")
    assert created.status_code == 201, created.content[:300]
    rule = created.json()
    assert rule["params"] == {"threshold": "8000"} and rule["enabled"] is True and rule["position"] == 100
    assert OperationLog.objects.filter(action="review_rule.created", target="big-orders").exists()
    changed = admin.patch(f"/api/v1/review-rules/{rule['id']}/", {"enabled": False, "position": 5}, format="json")
    assert changed.status_code == 200 and changed.json()["enabled"] is False and changed.json()["position"] == 5
    assert changed.json()["params"] == {"threshold": "8000"}
    listed = admin.get("/api/v1/review-rules/", {"kind": "amount_above", "enabled": "false"}).json()
    assert [r["code"] for r in listed["results"]] == ["big-orders"]
    assert admin.delete(f"/api/v1/review-rules/{rule['id']}/").status_code == 204
    assert not ReviewRule.objects.filter(code="big-orders").exists()
    assert OperationLog.objects.filter(action="review_rule.deleted").exists()


def test_review_rule_validation_is_the_consoles(as_role: Any) -> None:
    admin = as_role("administrator")
    wrong_param = admin.post("/api/v1/review-rules/", {**RULE, "params": {"colour": "red"}}, format="json")
    assert wrong_param.status_code == 400 and "params" in wrong_param.json()["error"]["fields"]
    wrong_kind = admin.post("/api/v1/review-rules/", {**RULE, "kind": "astrology"}, format="json")
    assert wrong_kind.status_code == 400 and "kind" in wrong_kind.json()["error"]["fields"]
    admin.post("/api/v1/review-rules/", RULE, format="json")
    taken = admin.post("/api/v1/review-rules/", RULE, format="json")
    assert taken.status_code == 400 and "code" in taken.json()["error"]["fields"]
    assert admin.get("/api/v1/review-rules/", {"outcome": "maybe"}).status_code == 400
    assert ReviewRule.objects.filter(code="big-orders").count() == 1


def test_review_rule_permissions(as_role: Any) -> None:
    reviewer = as_role("reviewer")
    assert reviewer.get("/api/v1/review-rules/").status_code == 200
    assert reviewer.post("/api/v1/review-rules/", RULE, format="json").status_code == 403
    assert as_role("warehouse").get("/api/v1/review-rules/").status_code == 403
    assert as_role("administrator").get("/api/v1/review-rules/999999/").status_code == 404


def test_blacklist_add_list_remove(as_role: Any) -> None:
    reviewer = as_role("reviewer")
    added = reviewer.post("/api/v1/blacklist/", {"kind": "phone", "value": "+86 138 1234 8000", "reason": "fraud"})
    assert added.status_code == 201, added.content[:300]
    assert added.json()["value"] == "13812348000" and added.json()["created_by"]
    listed = reviewer.get("/api/v1/blacklist/", {"kind": "phone", "q": "1381234"}).json()
    assert [e["id"] for e in listed["results"]] == [added.json()["id"]]
    assert reviewer.get("/api/v1/blacklist/", {"kind": "planet"}).status_code == 400
    bad = reviewer.post("/api/v1/blacklist/", {"kind": "planet", "value": ""})
    assert bad.status_code == 400 and {"kind", "value"} <= set(bad.json()["error"]["fields"])
    assert as_role("viewer").get("/api/v1/blacklist/").status_code == 403
    assert as_role("finance_reviewer").post("/api/v1/blacklist/", {"kind": "name", "value": "x"}).status_code == 403
    assert reviewer.delete(f"/api/v1/blacklist/{added.json()['id']}/").status_code == 204
    assert not BlacklistEntry.objects.exists()
    assert reviewer.delete("/api/v1/blacklist/999999/").status_code == 404
    assert OperationLog.objects.filter(action="blacklist.removed").exists()
