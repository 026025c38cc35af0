"""The inventory console in a real browser: filter the stock query, receive stock, and run a transfer
plan through propose -> edit -> approve -> dispatch -> receive."""

import pytest

from oms.inventory import ledger
from oms.inventory.models import Stock, StockThreshold, TransferPlan
from oms.inventory.tests import factories as f
from oms.testing.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_stock_query_receive_and_transfer_plan(page, make_user, artifacts_dir):
    keeper = make_user("warehouse", username="keeper")
    sh, gz = f.warehouse("sh-main", priority=1), f.warehouse("gz-south", province="广东", priority=2)
    cup, mug = f.product("SKU-CUP"), f.product("SKU-MUG")
    f.stock(cup, sh, 30)
    f.stock(mug, gz, 4)
    f.lane(sh, gz, "2.50", 3)
    StockThreshold.objects.create(product=cup, warehouse=gz, minimum=2, target=10)

    page.goto("/accounts/login/")
    page.fill("input[name=username]", keeper.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/")

    # stock query with a filter
    page.goto("/inventory/stock/")
    page.fill("[data-testid=filters] input[name=q]", "SKU-MUG")
    page.locator("[data-testid=filters] button[type=submit]").click()
    page.wait_for_url("**q=SKU-MUG**")
    rows = page.locator("[data-testid=stock-table] tbody tr")
    assert rows.count() == 1 and rows.first.get_attribute("data-sku") == "SKU-MUG"

    # receive stock
    page.click("[data-testid=open-receive]")
    form = page.locator("[data-testid=receive-form]")
    form.locator("input[name=r-sku]").fill("SKU-MUG")
    form.locator("select[name=r-warehouse]").select_option(value=str(gz.pk))
    form.locator("input[name=r-quantity]").fill("6")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".alert-success")
    assert page.locator("tr[data-sku=SKU-MUG] [data-col=on_hand]").inner_text() == "10"
    page.screenshot(path=str(artifacts_dir / "inventory-stock.png"), full_page=True)

    # transfer plan: propose -> edit -> approve -> dispatch -> receive
    page.goto("/inventory/transfers/")
    page.click("[data-testid=propose]")
    page.wait_for_selector("[data-testid=plan-lines]")
    plan = TransferPlan.objects.get()
    line = plan.lines.get()
    assert (line.product_id, line.source_id, line.destination_id, line.quantity) == (cup.pk, sh.pk, gz.pk, 10)
    page.fill(f"input[name=qty-{line.pk}]", "31")  # more than the source can spare
    page.click("[data-testid=save-lines]")
    page.wait_for_selector(".alert-danger")
    assert "can spare only 30" in page.locator(".alert-danger").first.inner_text()
    page.fill(f"input[name=qty-{line.pk}]", "8")
    page.click("[data-testid=save-lines]")
    page.wait_for_selector(".alert-success")
    assert page.locator("[data-testid=plan-cost]").inner_text() == "20.00"
    page.click("[data-testid=approve]")
    page.wait_for_selector("[data-testid=dispatch]")
    page.click("[data-testid=dispatch]")
    page.wait_for_selector(f"input[name=rcv-{line.pk}]")
    assert Stock.objects.get(product=cup, warehouse=gz).in_transit == 8
    page.fill(f"input[name=rcv-{line.pk}]", "5")
    page.click("[data-testid=receive]")
    page.wait_for_selector(".alert-success")
    assert page.locator("[data-testid=plan-status]").inner_text() == "Partly received"
    page.fill(f"input[name=rcv-{line.pk}]", "3")
    page.click("[data-testid=receive]")
    page.wait_for_selector(".alert-success")
    assert page.locator("[data-testid=plan-status]").inner_text() == "Done"
    page.screenshot(path=str(artifacts_dir / "inventory-transfer-plan.png"), full_page=True)
    s = Stock.objects.get(product=cup, warehouse=gz)
    assert (s.on_hand, s.in_transit) == (8, 0)
    assert ledger.recompute() == []
