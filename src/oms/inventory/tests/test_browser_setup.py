"""An administrator sets up a warehouse in a real browser: creates it (seeing a field error first), adds a bin
and a transfer lane to an existing warehouse, then deactivates it."""

import pytest

from oms.inventory.models import Lane, Location, Warehouse
from oms.inventory.tests import factories as f
from oms.system.models import OperationLog
from oms.testing.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_warehouse_with_bin_and_lane(page, admin_user, artifacts_dir):
    sh = f.warehouse("sh-main", priority=1)

    page.goto("/accounts/login/")
    page.fill("input[name=username]", admin_user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/")

    page.goto("/inventory/warehouses/")
    page.click("[data-testid=new-warehouse]")
    form = page.locator("[data-testid=warehouse-form]")
    form.locator("input[name=code]").fill("hz-east")
    form.locator("input[name=name]").fill("杭州仓")
    form.locator("input[name=province]").fill("浙江省")
    form.locator("input[name=city]").fill("杭州")
    form.locator("input[name=priority]").fill("5")
    form.locator("textarea[name=covered_provinces]").fill("浙江, 上海, Atlantis")
    form.locator("button[type=submit]").click()
    error = page.locator("[data-testid=warehouse-form] .invalid-feedback")
    assert "Unknown provinces: Atlantis" in error.first.inner_text()
    page.locator("[data-testid=warehouse-form] textarea[name=covered_provinces]").fill("浙江, 上海")
    page.locator("[data-testid=warehouse-form] button[type=submit]").click()
    page.wait_for_selector(".alert-success")
    w = Warehouse.objects.get(code="hz-east")
    assert w.covered_provinces == ["浙江", "上海"] and w.priority == 5

    bin_form = page.locator("[data-testid=bin-form]")
    bin_form.locator("input[name=bin-code]").fill("A-01")
    bin_form.locator("input[name=bin-name]").fill("Aisle A")
    bin_form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=bin-table] tr[data-bin=A-01]")
    assert Location.objects.get(warehouse=w).code == "A-01"
    page.screenshot(path=str(artifacts_dir / "inventory-warehouse.png"), full_page=True)

    page.goto("/inventory/lanes/")
    lane_form = page.locator("[data-testid=lane-form]")
    lane_form.locator("select[name=new-source]").select_option(value=str(sh.pk))
    lane_form.locator("select[name=new-destination]").select_option(value=str(w.pk))
    lane_form.locator("input[name=new-unit_cost]").fill("1.80")
    lane_form.locator("input[name=new-lead_time_days]").fill("2")
    lane_form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=lane-table] tr[data-lane='sh-main>hz-east']")
    lane = Lane.objects.get()
    assert (lane.source_id, lane.destination_id, str(lane.unit_cost), lane.lead_time_days) == (sh.pk, w.pk, "1.80", 2)
    page.screenshot(path=str(artifacts_dir / "inventory-lanes.png"), full_page=True)

    page.goto(f"/inventory/warehouses/{w.pk}/")
    page.click("[data-testid=deactivate]")
    page.wait_for_selector("[data-testid=activate]")
    assert page.locator("[data-testid=warehouse-status]").inner_text() == "Inactive"
    assert not Warehouse.objects.get(pk=w.pk).active
    actions = set(OperationLog.objects.filter(action__startswith="inventory.").values_list("action", flat=True))
    assert actions == {
        "inventory.warehouse_created",
        "inventory.location_created",
        "inventory.lane_created",
        "inventory.warehouse_deactivated",
    }
