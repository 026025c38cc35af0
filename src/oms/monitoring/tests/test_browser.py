"""The alerts list in a real browser: stock falls below its threshold, the warehouse keeper finds the
alert in the Monitoring module, acknowledges it, then stock arrives and it clears by itself."""

import pytest

from oms.inventory.models import StockThreshold
from oms.inventory.tests import factories as f
from oms.monitoring.models import Alert
from oms.testing.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_low_stock_alert_acknowledged_then_cleared_by_a_receipt(page, make_user, artifacts_dir):
    keeper = make_user("warehouse", username="keeper")
    cup, w = f.product("SKU-CUP"), f.warehouse("sh-main")
    StockThreshold.objects.create(product=cup, warehouse=w, minimum=10)
    f.stock(cup, w, 3)
    alert = Alert.objects.get(kind="low_stock")

    page.goto("/accounts/login/")
    page.fill("input[name=username]", keeper.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/")
    page.goto("/monitoring/alerts/")
    row = page.locator(f"[data-testid=alert-list] tr[data-alert='{alert.pk}']")
    assert "SKU-CUP in sh-main: 3 available when raised, below the threshold of 10" in row.inner_text()
    page.screenshot(path=str(artifacts_dir / "monitoring-alerts.png"), full_page=True)
    row.locator("[data-testid=acknowledge]").click()
    page.wait_for_load_state()
    assert "Acknowledged" in page.locator(f"tr[data-alert='{alert.pk}']").inner_text()

    f.stock(cup, w, 20)  # back above the threshold: resolved automatically
    page.goto(f"/monitoring/alerts/{alert.pk}/")
    assert page.locator("[data-testid=alert-state]").inner_text() == "Resolved"
    events = page.locator("[data-testid=alert-events] tbody tr")
    assert events.count() == 3 and "Cleared automatically" in events.nth(2).inner_text()
