"""Receipts and adjustments have a maximum (a runtime parameter) and never push a balance beyond
the integer columns; deleting a product with history answers 409 with the reason."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from oms.core.actor import Actor
from oms.core.validators import INT_MAX
from oms.inventory import actions
from oms.inventory.forms import AdjustForm, ReceiveForm
from oms.inventory.models import Product, Stock, StockMove
from oms.inventory.tests import factories as f
from oms.system import params

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")


@pytest.fixture
def data():
    a = f.warehouse("a")
    p = f.product("SKU-A")
    f.stock(p, a, 10)
    return {"a": a, "p": p}


@pytest.fixture
def api(make_user):
    client = APIClient()
    client.force_authenticate(make_user("warehouse"))
    return client


@pytest.mark.parametrize("quantity", [2**31, -(2**31) - 1, 10**20])
def test_api_receipt_beyond_a_database_integer_is_400(api, data, quantity):
    moves = StockMove.objects.count()
    for url in ("/api/v1/inventory/receipts/", "/api/v1/inventory/adjustments/"):
        r = api.post(url, {"sku": "SKU-A", "warehouse": "a", "quantity": quantity, "reason": "x"}, format="json")
        assert r.status_code == 400 and "quantity" in r.json()["error"]["fields"], (url, r.content)
    assert StockMove.objects.count() == moves and Stock.objects.get().on_hand == 10


def test_the_maximum_is_a_runtime_parameter(api, data):
    body = {"sku": "SKU-A", "warehouse": "a", "quantity": 1_000_001}
    r = api.post("/api/v1/inventory/receipts/", body, format="json")
    assert r.status_code == 400 and "1000000" in r.json()["error"]["fields"]["quantity"][0]
    params.set_value("inventory.max_stock_change", 5_000_000)
    assert api.post("/api/v1/inventory/receipts/", body, format="json").status_code == 201
    params.set_value("inventory.max_stock_change", 5)
    r = api.post("/api/v1/inventory/adjustments/", {**body, "quantity": -6, "reason": "count"}, format="json")
    assert r.status_code == 400
    assert Stock.objects.get().on_hand == 10 + 1_000_001


def test_no_balance_beyond_the_integer_column(data):
    params.set_value("inventory.max_stock_change", INT_MAX)
    with pytest.raises(ValidationError) as err:
        actions.receive(product_id=data["p"].pk, warehouse_id=data["a"].pk, quantity=INT_MAX - 5, actor=ACTOR)
    assert "quantity" in err.value.message_dict
    actions.receive(product_id=data["p"].pk, warehouse_id=data["a"].pk, quantity=INT_MAX - 10, actor=ACTOR)
    assert Stock.objects.get().on_hand == INT_MAX


def test_console_forms_use_the_parameter(data, make_user):
    user = make_user("warehouse")
    post = {"r-sku": "SKU-A", "r-warehouse": data["a"].pk, "r-quantity": "2000000"}
    form = ReceiveForm(post, user=user, prefix="r")
    assert not form.is_valid() and "quantity" in form.errors
    assert form.fields["quantity"].widget.attrs["max"] == 1_000_000
    adjust = AdjustForm({"a-sku": "SKU-A", "a-warehouse": data["a"].pk, "a-quantity": "-2000000", "a-reason": "x"},
                        user=user, prefix="a")  # fmt: skip
    assert not adjust.is_valid() and "quantity" in adjust.errors
    params.set_value("inventory.max_stock_change", 3_000_000)
    assert ReceiveForm(post, user=user, prefix="r").is_valid()


def test_console_receipt_beyond_the_maximum_is_a_message_not_a_500(client, make_user, data):
    client.force_login(make_user("warehouse"))
    moves = StockMove.objects.count()
    r = client.post(
        "/inventory/stock/receive/",
        {"r-sku": "SKU-A", "r-warehouse": data["a"].pk, "r-quantity": str(2**31)},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert r.status_code == 200 and StockMove.objects.count() == moves
    assert "1000000" in r.content.decode().replace(",", "")  # the form says the largest allowed


def test_deleting_a_product_with_history_is_409_with_the_reason(make_user, data):
    client = APIClient()
    client.force_authenticate(make_user("administrator"))
    p = data["p"]
    r = client.delete(f"/api/v1/inventory/products/{p.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 409, r.content
    error = r.json()["error"]
    assert error["code"] == "in_use" and "stock" in error["message"]
    assert Product.objects.filter(pk=p.pk).exists()
    fresh = f.product("SKU-NEW")
    assert client.delete(f"/api/v1/inventory/products/{fresh.pk}/").status_code == 204
