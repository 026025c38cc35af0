import pytest
from rest_framework.test import APIClient

from oms.inventory.models import Stock, TransferPlan
from oms.inventory.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def data():
    a, b = f.warehouse("a", priority=1), f.warehouse("b", priority=2)
    p = f.product("SKU-A")
    f.stock(p, a, 10)
    f.lane(a, b, "1.5", 2)
    return {"a": a, "b": b, "p": p}


@pytest.mark.parametrize(
    "role,get,post", [("warehouse", 200, 201), ("viewer", 200, 403), ("order_clerk", 200, 403), ("reviewer", 403, 403)]
)
def test_role_matrix(api, make_user, data, role, get, post):
    api.force_authenticate(make_user(role))
    for url in ["products", "warehouses", "stock", "moves", "alerts", "transfers"]:
        assert api.get(f"/api/v1/inventory/{url}/").status_code == get, url
    r = api.post("/api/v1/inventory/receipts/", {"sku": "SKU-A", "warehouse": "a", "quantity": 2}, format="json")
    assert r.status_code == post


def test_stock_filters_and_error_format(api, make_user, data):
    api.force_authenticate(make_user("warehouse"))
    body = api.get("/api/v1/inventory/stock/?sku=SKU-A").json()
    assert body["results"][0]["available"] == 10 and body["results"][0]["warehouse"] == "a"
    assert api.get("/api/v1/inventory/stock/?available_lt=5").json()["results"] == []
    r = api.post("/api/v1/inventory/adjustments/", {"sku": "SKU-A", "warehouse": "a", "quantity": -50,
                                                     "reason": "x"}, format="json")  # fmt: skip
    assert r.status_code == 409 and r.json()["error"]["code"] == "insufficient_stock"
    r = api.post("/api/v1/inventory/adjustments/", {"sku": "SKU-A", "warehouse": "a", "quantity": -1}, format="json")
    assert r.status_code == 400 and "reason" in r.json()["error"]["fields"]


def test_transfer_plan_through_the_api(api, make_user, data):
    from oms.inventory.models import StockThreshold

    StockThreshold.objects.create(product=data["p"], warehouse=data["b"], minimum=1, target=4)
    api.force_authenticate(make_user("warehouse"))
    r = api.post("/api/v1/inventory/transfers/propose/", format="json")
    assert r.status_code == 201
    plan = r.json()
    line = plan["lines"][0]
    assert line["quantity"] == 4
    assert (
        api.patch(f"/api/v1/inventory/transfer-lines/{line['id']}/", {"quantity": 99}, format="json").status_code == 400
    )
    assert (
        api.patch(f"/api/v1/inventory/transfer-lines/{line['id']}/", {"quantity": 3}, format="json").status_code == 200
    )
    assert api.post(f"/api/v1/inventory/transfers/{plan['id']}/dispatch/").status_code == 400
    assert api.post(f"/api/v1/inventory/transfers/{plan['id']}/approve/").json()["status"] == "approved"
    assert api.post(f"/api/v1/inventory/transfers/{plan['id']}/dispatch/").json()["status"] == "dispatched"
    r = api.post(f"/api/v1/inventory/transfers/{plan['id']}/receive/", {"lines": {line["id"]: 3}}, format="json")
    assert r.json()["status"] == "done"
    assert Stock.objects.get(product=data["p"], warehouse=data["b"]).on_hand == 3
    assert TransferPlan.objects.get().events.count() >= 4


def test_low_stock_alerts_endpoint_reads_the_monitoring_alerts(api, make_user, data):
    from oms.inventory.models import StockThreshold

    StockThreshold.objects.create(product=data["p"], warehouse=data["a"], minimum=20)
    f.stock(data["p"], data["a"], 1)  # evaluated with the move: 11 available, below 20
    api.force_authenticate(make_user("warehouse"))
    (row,) = api.get("/api/v1/inventory/alerts/").json()["results"]
    assert {k: row[k] for k in ("sku", "warehouse", "state", "threshold", "available", "lowest")} == {
        "sku": "SKU-A",
        "warehouse": "a",
        "state": "open",
        "threshold": 20,
        "available": 11,
        "lowest": 11,
    }
    assert row["raised_at"] and row["cleared_at"] is None
    assert api.get("/api/v1/inventory/alerts/?state=resolved").json()["results"] == []
    scoped = make_user("warehouse")
    scoped.profile.warehouses.add(data["b"])
    api.force_authenticate(scoped)
    assert api.get("/api/v1/inventory/alerts/").json()["results"] == []
