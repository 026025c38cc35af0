"""Console pages for warehouses, bins, lanes, shipping costs and kits: each change is an action recorded in the
operation log, validation errors sit next to their fields, and a role without the permission changes nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from oms.inventory import routing, setup
from oms.inventory.models import KitComponent, Lane, Location, Product, ShippingCost, Warehouse
from oms.inventory.tests import factories as f
from oms.system.models import OperationLog

pytestmark = pytest.mark.django_db

NEW = {
    "code": "hz-east",
    "name": "杭州仓",
    "province": "浙江省",
    "city": "杭州",
    "district": "",
    "address": "1 Road",
    "priority": "5",
    "covered_provinces": "浙江, 上海，江苏",
    "active": "on",
}


def test_admin_creates_edits_and_deactivates_a_warehouse(client, admin_user):
    client.force_login(admin_user)
    r = client.post("/inventory/warehouses/new/", NEW)
    w = Warehouse.objects.get(code="hz-east")
    assert r.status_code == 302 and r["Location"] == f"/inventory/warehouses/{w.pk}/"
    assert w.covered_provinces == ["浙江", "上海", "江苏"] and w.priority == 5 and w.active
    assert OperationLog.objects.filter(action="inventory.warehouse_created", target="warehouse:hz-east").exists()

    r = client.post(f"/inventory/warehouses/{w.pk}/edit/", {**NEW, "priority": "7", "covered_provinces": ""})
    w.refresh_from_db()
    assert w.priority == 7 and w.covered_provinces == []
    log = OperationLog.objects.get(action="inventory.warehouse_changed")
    assert log.details["changes"]["priority"] == [5, 7]

    client.post(f"/inventory/warehouses/{w.pk}/active/", {"active": "0"})
    w.refresh_from_db()
    assert not w.active and OperationLog.objects.filter(action="inventory.warehouse_deactivated").exists()
    assert w.pk not in [o.id for o in routing.warehouse_options("浙江")]  # routing leaves it out


def test_warehouse_form_shows_errors_next_to_fields(client, admin_user):
    f.warehouse("hz-east")
    client.force_login(admin_user)
    r = client.post("/inventory/warehouses/new/", {**NEW, "covered_provinces": "浙江, Atlantis", "priority": "x"})
    html = r.content.decode()
    assert r.status_code == 200 and html.count("invalid-feedback") >= 2
    assert "Warehouse with this Code already exists" in html or "already exists" in html
    r = client.post("/inventory/warehouses/new/", {**NEW, "code": "ok-code", "covered_provinces": "浙江, Atlantis"})
    assert "Unknown provinces: Atlantis" in r.content.decode()
    assert Warehouse.objects.count() == 1 and not OperationLog.objects.filter(action__startswith="inventory.").exists()


def test_warehouse_list_filters_export_and_bulk(client, admin_user):
    a, b = f.warehouse("sh-a", province="上海"), f.warehouse("gz-b", province="广东")
    client.force_login(admin_user)
    html = client.get("/inventory/warehouses/?province=广东").content.decode()
    assert 'data-code="gz-b"' in html and 'data-code="sh-a"' not in html
    r = client.get("/inventory/warehouses/?export=xlsx")
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    client.post("/inventory/warehouses/bulk/", {"ids": [a.pk, b.pk], "op": "deactivate"})
    assert not Warehouse.objects.filter(active=True).exists()
    html = client.get("/inventory/warehouses/?active=yes").content.decode()
    assert "No warehouses match" in html


@pytest.mark.parametrize("role", ["warehouse", "viewer", "order_clerk"])
def test_non_admins_cannot_change_warehouses_lanes_or_costs(client, make_user, role):
    a, b = f.warehouse("sh-a"), f.warehouse("gz-b", province="广东")
    lane = f.lane(a, b)
    cost = ShippingCost.objects.create(warehouse=a, province="广东", base=Decimal("8"))
    client.force_login(make_user(role))
    posts = [
        ("/inventory/warehouses/new/", NEW),
        (f"/inventory/warehouses/{a.pk}/edit/", {**NEW, "code": "sh-a"}),
        (f"/inventory/warehouses/{a.pk}/active/", {"active": "0"}),
        ("/inventory/warehouses/bulk/", {"ids": [a.pk], "op": "deactivate"}),
        ("/inventory/lanes/new/", {"new-source": b.pk, "new-destination": a.pk, "new-unit_cost": "1",
                                   "new-lead_time_days": "1"}),
        (f"/inventory/lanes/{lane.pk}/", {f"lane{lane.pk}-source": a.pk, f"lane{lane.pk}-destination": b.pk,
                                          f"lane{lane.pk}-unit_cost": "9", f"lane{lane.pk}-lead_time_days": "9"}),
        ("/inventory/shipping-costs/save/", {"cost-warehouse": b.pk, "cost-province": "上海", "cost-base": "1",
                                             "cost-per_kg": "0"}),
        (f"/inventory/shipping-costs/{cost.pk}/delete/", {}),
    ]  # fmt: skip
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert Warehouse.objects.count() == 2 and Warehouse.objects.filter(active=True).count() == 2
    assert Lane.objects.get().unit_cost == Decimal("1") and Lane.objects.count() == 1
    assert (
        ShippingCost.objects.count() == 1 and not OperationLog.objects.filter(action__startswith="inventory.").exists()
    )
    assert client.get("/inventory/lanes/").status_code == 200  # they may still look
    assert client.get("/inventory/shipping-costs/").status_code == 200


def test_warehouse_role_manages_bins_viewer_does_not(client, make_user):
    w = f.warehouse("sh-a")
    client.force_login(make_user("viewer"))
    assert (
        client.post(f"/inventory/warehouses/{w.pk}/bins/", {"bin-code": "A-01", "bin-active": "on"}).status_code == 403
    )
    assert not Location.objects.exists()
    client.force_login(make_user("warehouse"))
    r = client.post(
        f"/inventory/warehouses/{w.pk}/bins/", {"bin-code": "A-01", "bin-name": "Aisle A", "bin-active": "on"}
    )
    assert r.status_code == 302
    loc = Location.objects.get()
    r = client.post(f"/inventory/warehouses/{w.pk}/bins/", {"bin-code": "A-01", "bin-active": "on"})
    assert r.status_code == 400 and "already has a bin A-01" in r.content.decode()
    client.post(f"/inventory/bins/{loc.pk}/", {f"bin{loc.pk}-code": "A-02", f"bin{loc.pk}-name": "Aisle A"})
    loc.refresh_from_db()
    assert (loc.code, loc.active) == ("A-02", False)
    assert OperationLog.objects.filter(action="inventory.location_changed").count() == 1
    html = client.get(f"/inventory/warehouses/{w.pk}/?bactive=no").content.decode()
    assert 'data-bin="A-02"' in html


def test_lanes_page_add_edit_filter_and_validation(client, admin_user):
    a, b, c = f.warehouse("sh-a"), f.warehouse("gz-b", province="广东"), f.warehouse("bj-c", province="北京")
    client.force_login(admin_user)
    r = client.post("/inventory/lanes/new/", {"new-source": a.pk, "new-destination": a.pk, "new-unit_cost": "1",
                                              "new-lead_time_days": "2", "new-active": "on"})  # fmt: skip
    assert r.status_code == 400 and "must be different" in r.content.decode()
    client.post("/inventory/lanes/new/", {"new-source": a.pk, "new-destination": b.pk, "new-unit_cost": "2.5",
                                          "new-lead_time_days": "3", "new-active": "on"})  # fmt: skip
    client.post("/inventory/lanes/new/", {"new-source": c.pk, "new-destination": b.pk, "new-unit_cost": "4",
                                          "new-lead_time_days": "5", "new-active": "on"})  # fmt: skip
    r = client.post("/inventory/lanes/new/", {"new-source": a.pk, "new-destination": b.pk, "new-unit_cost": "1",
                                              "new-lead_time_days": "1", "new-active": "on"})  # fmt: skip
    assert r.status_code == 400 and "exists already" in r.content.decode()
    lane = Lane.objects.get(source=a, destination=b)
    assert lane.unit_cost == Decimal("2.50") and lane.lead_time_days == 3
    edit = {"source": a.pk, "destination": b.pk, "unit_cost": "3", "lead_time_days": "4"}  # "active" unticked
    client.post(f"/inventory/lanes/{lane.pk}/", {f"lane{lane.pk}-{k}": v for k, v in edit.items()})
    lane.refresh_from_db()
    assert (lane.unit_cost, lane.lead_time_days, lane.active) == (Decimal("3"), 4, False)
    html = client.get("/inventory/lanes/?source=bj-c").content.decode()
    assert 'data-lane="bj-c>gz-b"' in html and 'data-lane="sh-a>gz-b"' not in html
    assert OperationLog.objects.filter(action__startswith="inventory.lane_").count() == 3


def test_shipping_costs_set_replace_delete_and_routing_uses_them(client, admin_user):
    a = f.warehouse("sh-a")
    client.force_login(admin_user)
    r = client.post("/inventory/shipping-costs/save/", {"cost-warehouse": a.pk, "cost-province": "Narnia",
                                                        "cost-base": "5", "cost-per_kg": "1"})  # fmt: skip
    assert r.status_code == 400 and "Unknown province Narnia" in r.content.decode()
    client.post("/inventory/shipping-costs/save/", {"cost-warehouse": a.pk, "cost-province": "广东",
                                                    "cost-base": "5", "cost-per_kg": "1"})  # fmt: skip
    client.post("/inventory/shipping-costs/save/", {"cost-warehouse": a.pk, "cost-province": "广东",
                                                    "cost-base": "7.5", "cost-per_kg": "1"})  # fmt: skip
    row = ShippingCost.objects.get()
    assert row.base == Decimal("7.50")
    (option,) = routing.warehouse_options("广东")
    assert option.base_cost == Decimal("7.50") and option.per_kg == Decimal("1")
    html = client.get("/inventory/shipping-costs/?province=广东").content.decode()
    assert 'data-cost="sh-a>广东"' in html
    client.post(f"/inventory/shipping-costs/{row.pk}/delete/")
    assert not ShippingCost.objects.exists()
    assert [log.action for log in OperationLog.objects.filter(action__startswith="inventory.").order_by("pk")] == [
        "inventory.shipping_cost_created",
        "inventory.shipping_cost_changed",
        "inventory.shipping_cost_deleted",
    ]


def test_kit_components_on_the_product_page(client, make_user):
    cup, gift = f.product("CUP"), f.product("GIFT")
    f.product("SAUCER")
    client.force_login(make_user("viewer"))
    assert client.get(f"/inventory/products/{gift.pk}/").status_code == 200
    assert (
        client.post(f"/inventory/products/{gift.pk}/kit/", {"kit-component": "CUP", "kit-quantity": 2}).status_code
        == 403
    )
    assert not KitComponent.objects.exists()
    client.force_login(make_user("warehouse"))
    client.post(f"/inventory/products/{gift.pk}/kit/", {"kit-component": "CUP", "kit-quantity": 2})
    client.post(f"/inventory/products/{gift.pk}/kit/", {"kit-component": "SAUCER", "kit-quantity": 1})
    gift.refresh_from_db()
    assert gift.is_kit and {(c.component.sku, c.quantity) for c in gift.components.all()} == {("CUP", 2), ("SAUCER", 1)}
    r = client.post(f"/inventory/products/{cup.pk}/kit/", {"kit-component": "GIFT", "kit-quantity": 1})
    assert r.status_code == 400 and "kits cannot be nested" in r.content.decode()
    r = client.post(f"/inventory/products/{gift.pk}/kit/", {"kit-component": "NOPE", "kit-quantity": 1})
    assert "No product with SKU or barcode NOPE" in r.content.decode()
    client.post(f"/inventory/products/{gift.pk}/kit/", {"kit-component": "CUP", "kit-quantity": 0})
    client.post(f"/inventory/products/{gift.pk}/kit/", {"kit-component": "SAUCER", "kit-quantity": 0})
    gift.refresh_from_db()
    assert not gift.is_kit and OperationLog.objects.filter(action="inventory.kit_changed").count() == 4
    assert Product.objects.get(sku="CUP").is_kit is False


def test_actions_validate_without_the_console():
    a = f.warehouse("sh-a")
    with pytest.raises(ValidationError):
        setup.save_lane(actor=f.SYSTEM, source_id=a.pk, destination_id=a.pk, unit_cost=Decimal("1"), lead_time_days=1)
    with pytest.raises(ValidationError):
        setup.set_kit_component(actor=f.SYSTEM, kit_id=f.product().pk, component_id=f.product().pk, quantity=-1)
    with pytest.raises(ValidationError):
        setup.save_warehouse(actor=f.SYSTEM, data={**NEW, "province": "Mars", "priority": 1, "covered_provinces": []})
    assert not OperationLog.objects.filter(action__startswith="inventory.").exists()
