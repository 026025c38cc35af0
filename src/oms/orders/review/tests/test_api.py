"""/api/v1/orders/{id}/<action>/: the role x action matrix (refused -> 403, nothing changed),
409 for a conflicting action, and the intake -> approval (two stages) -> confirmation path."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from oms.core.roles import ROLES
from oms.orders.incoming import IncomingLine
from oms.orders.models import Order
from oms.orders.review import actions
from oms.orders.review.tests import helpers as h

pytestmark = pytest.mark.django_db

ALLOWED = {
    "approve": {"administrator", "reviewer"},
    "reject": {"administrator", "reviewer"},
    "hold": {"administrator", "reviewer", "finance_reviewer", "order_clerk", "customer_service"},
    "release": {"administrator", "reviewer", "finance_reviewer", "order_clerk", "customer_service"},
    "confirm": {"administrator", "order_clerk"},
    "cancel": {"administrator", "reviewer", "order_clerk", "customer_service"},
    "merge": {"administrator", "reviewer", "order_clerk"},
    "split": {"administrator", "reviewer", "order_clerk"},
}
_n = iter(range(10**6))


def _setup(action: str):
    """A fresh order in the state the action starts from, and the request body."""
    n = next(_n)
    if action in ("approve", "reject", "hold", "cancel"):
        o = actions.auto_review(h.order(f"A{n}", buyer_note="note").pk)
        body = {"reason_code": "address", "text": "x", "reason": "why", "note": "ok"}
        return o, body
    if action == "release":
        o = actions.auto_review(h.order(f"A{n}", buyer_note="note").pk)
        o = actions.hold_order(order_id=o.pk, actor=h.SYSTEM, reason="wait")
        return o, {}
    if action == "confirm":
        w = h.warehouse(f"w{n}")
        h.stock(h.product(), w, 2)
        return actions.auto_review(h.order(f"A{n}").pk), {}
    if action == "merge":
        phone = f"1370000{n:04d}"
        a = actions.auto_review(h.order(f"A{n}", customer_phone=phone).pk)
        b = actions.auto_review(
            h.order(f"B{n}", customer_phone=phone, lines=[IncomingLine("SKU-0001", "Tea", 1, Decimal("100"))]).pk
        )
        return a, {"orders": [b.pk]}
    # split by availability: 2 ordered, 1 in stock
    w = h.warehouse(f"w{n}")
    h.stock(h.product(f"SP-{n}"), w, 1)
    lines = [IncomingLine(f"SP-{n}", "Tea", 2, Decimal("50"))]
    return actions.auto_review(h.order(f"A{n}", lines=lines).pk), {"mode": "availability"}


def _client(role: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(h.person(role))
    return client


@pytest.mark.parametrize("action", sorted(ALLOWED))
def test_role_matrix(action):
    for role in ROLES:
        order, body = _setup(action)
        before = (order.status, Order.objects.get(pk=order.pk).version, order.events.count())
        response = _client(role).post(f"/api/v1/orders/{order.pk}/{action}/", body, format="json")
        after = Order.objects.get(pk=order.pk)
        if role in ALLOWED[action]:
            assert response.status_code == 200, (role, response.content)
            assert after.version > before[1]
        else:
            assert response.status_code == 403, (role, response.status_code, response.content)
            assert response.json()["error"]["code"] in ("permission_denied", "not_authenticated")
            assert (after.status, after.version, after.events.count()) == before, role


def test_conflicting_action_gets_409_and_bad_input_400():
    order, _body = _setup("approve")
    client = _client("reviewer")
    assert (
        client.post(f"/api/v1/orders/{order.pk}/approve/", {"version": order.version}, format="json").status_code == 200
    )
    second = client.post(f"/api/v1/orders/{order.pk}/reject/", {"reason_code": "fraud"}, format="json")
    assert second.status_code == 409 and second.json()["error"]["code"] == "conflict"
    other, _ = _setup("approve")
    stale = client.post(f"/api/v1/orders/{other.pk}/approve/", {"version": other.version - 1}, format="json")
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_version"
    bad = client.post(f"/api/v1/orders/{other.pk}/reject/", {"reason_code": "nope"}, format="json")
    assert bad.status_code == 400 and "reason_code" in bad.json()["error"]["fields"]
    assert client.post("/api/v1/orders/999999/approve/", {}, format="json").status_code == 404


def test_intake_rules_two_stage_approval_and_confirmation_through_the_api(django_capture_on_commit_callbacks):
    w = h.warehouse()
    h.stock(h.product(weight="0.1"), w, 200)
    api = _client("administrator")
    payload = {
        "channel": h.of.channel().code,
        "external_id": "API-1",
        "customer_name": "张三",
        "customer_phone": "13812348000",
        "address": {"raw": h.of.GOOD_ADDRESS},
        "lines": [{"platform_sku": "SKU-0001", "name": "Tea", "quantity": 120, "unit_price": "50"}],
        "paid_amount": "6000",
        "payment_status": "paid",
    }
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post("/api/v1/orders/", payload, format="json")
    assert created.status_code in (200, 201), created.content
    order = Order.objects.get(external_id="API-1")
    assert order.status == "pending_review" and order.review.needs_finance
    assert _client("reviewer").post(f"/api/v1/orders/{order.pk}/approve/", {}, format="json").json()["status"] == (
        "pending_finance"
    )
    assert (
        _client("finance_reviewer").post(f"/api/v1/orders/{order.pk}/approve/", {}, format="json").json()["status"]
        == "approved"
    )
    done = _client("order_clerk").post(f"/api/v1/orders/{order.pk}/confirm/", {}, format="json").json()
    assert done["status"] == "confirmed" and done["tracking_number"].startswith("OMS")
