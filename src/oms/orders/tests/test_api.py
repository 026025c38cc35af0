"""REST API: list (filters, masking, scope), detail, create (idempotency, errors, permissions)."""

import pytest
from rest_framework.test import APIClient

from oms.core.actor import Actor
from oms.orders.intake import ingest
from oms.orders.models import Order
from oms.orders.tests.factories import channel, incoming, product

pytestmark = pytest.mark.django_db

BODY = {
    "channel": "api-test",
    "external_id": "A1",
    "external_number": "NA1",
    "customer_name": "王五",
    "customer_phone": "13512345678",
    "address": {"raw": "北京市朝阳区建国路88号"},
    "lines": [{"platform_sku": "SKU-0001", "name": "Tea", "quantity": 2, "unit_price": "50.00"}],
    "paid_amount": "100.00",
    "payment_status": "paid",
}


@pytest.fixture
def api(make_user):
    product("SKU-0001")
    channel("api-test", "api")

    def as_role(role):
        client = APIClient()
        client.force_authenticate(make_user(role))
        return client

    return as_role


def test_create_is_idempotent_by_key_and_by_external_id(api):
    client = api("order_clerk")
    first = client.post("/api/v1/orders/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == 201, first.json()
    assert first.json()["outcome"] == "created" and first.json()["order"]["status"] == "pending_review"
    replay = client.post("/api/v1/orders/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert replay.status_code == 201 and replay.json() == first.json() and replay["Idempotent-Replay"] == "true"
    conflict = client.post("/api/v1/orders/", {**BODY, "buyer_note": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert conflict.status_code == 409 and conflict.json()["error"]["code"] == "idempotency_conflict"
    again = client.post("/api/v1/orders/", BODY, format="json")
    assert again.status_code == 200 and again.json()["outcome"] == "unchanged"
    assert Order.objects.filter(external_id="A1").count() == 1


def test_create_with_tax_on_top(api):
    client = api("order_clerk")
    body = {**BODY, "external_id": "T1", "tax_amount": "13.00", "taxes_included": False, "paid_amount": "113.00"}
    created = client.post("/api/v1/orders/", body, format="json")
    assert created.status_code == 201, created.json()
    order = created.json()["order"]
    assert order["total_amount"] == "113.00" and order["tax_amount"] == "13.00" and order["taxes_included"] is False
    assert order["problems"] == []
    wrong = {**body, "external_id": "T2", "external_number": "NT2", "customer_phone": "13600001111"}
    problems = client.post("/api/v1/orders/", {**wrong, "total_amount": "100.00"}, format="json").json()["order"]
    assert [p["code"] for p in problems["problems"]] == ["order_total_mismatch_tax", "paid_mismatch"]


def test_create_errors_use_the_project_format(api):
    client = api("order_clerk")
    bad = client.post("/api/v1/orders/", {"channel": "api-test", "lines": "nope"}, format="json")
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) >= {"external_id", "lines"}
    unknown = client.post("/api/v1/orders/", {**BODY, "channel": "nope"}, format="json")
    assert unknown.status_code == 400 and "channel" in unknown.json()["error"]["fields"]
    problems = client.post("/api/v1/orders/", {**BODY, "external_id": "A2", "customer_phone": "1"}, format="json")
    assert problems.status_code == 201
    assert problems.json()["order"]["status"] == "invalid"
    assert problems.json()["order"]["problems"][0]["code"] == "phone_invalid"


def test_permissions(api, client):
    assert APIClient().get("/api/v1/orders/").status_code in (401, 403)
    assert api("viewer").post("/api/v1/orders/", BODY, format="json").status_code == 403
    assert api("warehouse").get("/api/v1/orders/").status_code == 403


def test_list_filters_masks_and_detail(api):
    ch = channel("api-test", "api")
    order = ingest(channel=ch, incoming=incoming("L1"), actor=Actor.channel("t"), source="api").order
    ingest(channel=ch, incoming=incoming("L2", customer_phone="1"), actor=Actor.channel("t"), source="api")
    viewer = api("viewer")
    body = viewer.get("/api/v1/orders/", {"status": "pending_review"}).json()
    assert body["count"] == 1 and body["results"][0]["customer_phone"] == "138****8000"
    clerk = api("order_clerk")
    assert clerk.get("/api/v1/orders/", {"q": "13812348000"}).json()["results"][0]["customer_phone"] == "13812348000"
    detail = viewer.get(f"/api/v1/orders/{order.pk}/").json()
    assert detail["lines"][0]["sku"] == "SKU-0001" and detail["events"][0]["type"] == "created"
    assert detail["events"][0]["label"] == "Received"
    chinese = viewer.get(f"/api/v1/orders/{order.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()["events"][0]
    assert chinese["type"] == "created" and chinese["label"] == "收到订单"
    assert detail["customer_phone"] == "138****8000"
    assert viewer.get("/api/v1/orders/999999/").json()["error"]["code"] == "not_found"


def test_scope_limits_the_list(api, make_user):
    from oms.accounts.models import UserProfile

    ch = channel("api-test", "api")
    other = channel("elsewhere", "jd")
    ingest(channel=ch, incoming=incoming("S1"), actor=Actor.channel("t"), source="api")
    hidden = ingest(channel=other, incoming=incoming("S2", external_number="X"), actor=Actor.channel("t"), source="api")
    user = make_user("viewer")
    UserProfile.objects.get(user=user).channels.add(ch)
    client = APIClient()
    client.force_authenticate(user)
    numbers = [r["external_id"] for r in client.get("/api/v1/orders/").json()["results"]]
    assert numbers == ["S1"]
    assert client.get(f"/api/v1/orders/{hidden.order.pk}/").status_code == 404


def test_schema_documents_orders(admin_client):
    schema = admin_client.get("/api/v1/schema/").content.decode()
    assert "/api/v1/orders/" in schema and "OrderIn" in schema
