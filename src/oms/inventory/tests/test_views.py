"""Console pages: a role x permission matrix, filters, export, forms and the routing partial."""

from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from oms.inventory.models import Product, Stock, StockMove
from oms.inventory.tests import factories as f

pytestmark = pytest.mark.django_db

PAGES = ["stock", "products", "moves", "alerts", "analysis", "transfers", "counts", "warehouses"]


@pytest.fixture
def data():
    a, b = f.warehouse("sh-main", priority=1), f.warehouse("gz-south", province="广东", priority=2)
    p, q = f.product("SKU-A"), f.product("SKU-B")
    f.stock(p, a, 10)
    f.stock(q, b, 3)
    f.lane(a, b)
    return {"a": a, "b": b, "p": p, "q": q}


@pytest.mark.parametrize(
    "role,expected",
    [("warehouse", 200), ("viewer", 200), ("order_clerk", 200), ("reviewer", 403), ("customer_service", 403)],
)
def test_role_matrix_for_pages(client, make_user, data, role, expected):
    client.force_login(make_user(role))
    for name in PAGES:
        assert client.get(f"/inventory/{name}/").status_code == expected, name


def test_viewer_cannot_receive(client, make_user, data):
    client.force_login(make_user("viewer"))
    r = client.post("/inventory/stock/receive/", {"r-sku": "SKU-A", "r-warehouse": data["a"].pk, "r-quantity": 5})
    assert r.status_code == 403
    assert Stock.objects.get(product=data["p"], warehouse=data["a"]).on_hand == 10


def test_receive_and_adjust_through_the_page(client, make_user, data):
    client.force_login(make_user("warehouse"))
    r = client.post(
        "/inventory/stock/receive/", {"r-sku": "SKU-A", "r-warehouse": data["a"].pk, "r-quantity": 5, "r-reason": "PO1"}
    )
    assert r.status_code == 302
    assert Stock.objects.get(product=data["p"], warehouse=data["a"]).on_hand == 15
    r = client.post(
        "/inventory/stock/adjust/",
        {"a-sku": "SKU-A", "a-warehouse": data["a"].pk, "a-quantity": -99, "a-reason": "lost"},
        follow=True,
    )
    assert "Not enough stock" in r.content.decode()
    assert StockMove.objects.filter(kind="adjust").count() == 0


def test_stock_filter_and_export_respect_warehouse_scope(client, make_user, data):
    user = make_user("warehouse")
    user.profile.warehouses.add(data["b"]) if hasattr(user, "profile") else None
    from oms.accounts.models import UserProfile

    UserProfile.objects.get(user=user).warehouses.set([data["b"]])
    client.force_login(user)
    html = client.get("/inventory/stock/").content.decode()
    assert "SKU-B" in html and "SKU-A" not in html
    html = client.get("/inventory/stock/?q=SKU-A").content.decode()
    assert 'data-sku="SKU-A"' not in html
    r = client.get("/inventory/stock/?export=xlsx")
    ws = load_workbook(BytesIO(r.getvalue())).active
    skus = [row[0] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert skus == ["SKU-B"]


def test_product_import_reports_rows_and_saves_nothing_on_error(client, make_user, data):
    client.force_login(make_user("warehouse"))
    wb = Workbook()
    ws = wb.active
    ws.append(["sku", "name", "unit_cost"])
    ws.append(["NEW-1", "新产品", "5.5"])
    ws.append(["NEW-2", "", "x"])
    buf = BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "p.xlsx"
    r = client.post("/inventory/products/import/", {"file": buf}, follow=True)
    assert "Row 3" in r.content.decode()
    assert not Product.objects.filter(sku="NEW-1").exists()


def test_stock_level_import_posts_count_moves(client, make_user, data):
    client.force_login(make_user("warehouse"))
    wb = Workbook()
    ws = wb.active
    ws.append(["sku", "warehouse", "on_hand"])
    ws.append(["SKU-A", "sh-main", 12])
    buf = BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "s.xlsx"
    client.post("/inventory/stock/import/", {"file": buf})
    assert Stock.objects.get(product=data["p"], warehouse=data["a"]).on_hand == 12
    assert StockMove.objects.filter(kind="count", quantity=2).exists()


def test_analysis_page_renders_svg_after_sales(client, make_user, data):
    from datetime import timedelta

    from django.utils import timezone

    from oms.inventory import actions

    StockMove.objects.update(created_at=timezone.now() - timedelta(days=10))  # stock held for 10 days
    o = f.order([(data["p"], 4)])
    actions.reserve_for_order(o.pk, f.SYSTEM)
    actions.ship_for_order(o.pk, f.SYSTEM)
    client.force_login(make_user("viewer"))
    html = client.get("/inventory/analysis/").content.decode()
    assert "<svg" in html and "SKU-A" in html


def test_routing_partial_and_override(client, make_user, data):
    f.stock(data["p"], data["b"], 5)
    o = f.order([(data["p"], 2)], province="广东")
    client.force_login(make_user("reviewer"))  # no Inventory module
    assert client.get(f"/inventory/routing/{o.pk}/").status_code == 403
    client.force_login(make_user("warehouse"))
    html = client.get(f"/inventory/routing/{o.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="routing-decision"' in html and "<html" not in html
    line = o.lines.get()
    r = client.post(f"/inventory/routing/{o.pk}/", {f"wh-{line.pk}": data["b"].pk, "reason": "closer"})
    assert r.status_code == 302
    assert o.reservations.get(state="active").warehouse_id == data["b"].pk
    client.force_login(make_user("customer_service"))
    assert client.get(f"/inventory/routing/{o.pk}/").status_code == 403


def test_dashboard_panels(client, make_user, data):
    client.force_login(make_user("warehouse"))
    html = client.get("/").content.decode()
    assert "Low-stock alerts open" in html and "Stock value" in html


def test_receive_into_a_bin_and_filter_by_location(client, make_user, data):
    from oms.inventory.models import Location

    Location.objects.create(warehouse=data["a"], code="A-07")
    client.force_login(make_user("warehouse"))
    r = client.post(
        "/inventory/stock/receive/",
        {"r-sku": "SKU-B", "r-warehouse": data["a"].pk, "r-quantity": 2, "r-location": "Z-99"},
        follow=True,
    )
    assert "No location Z-99" in r.content.decode()
    form = {"r-sku": "SKU-B", "r-warehouse": data["a"].pk, "r-quantity": 2, "r-location": "A-07"}
    client.post("/inventory/stock/receive/", form)
    html = client.get("/inventory/stock/?location=A-07").content.decode()
    assert 'data-sku="SKU-B" data-warehouse="sh-main"' in html and 'data-sku="SKU-A"' not in html
