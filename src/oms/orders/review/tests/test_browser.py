"""In a real browser: an order arrives, the rules send it to people (and to finance), a reviewer
rejects it, a clerk corrects and resubmits it, the rules run again, the reviewer and then the finance
reviewer approve it, and a clerk confirms it: stock reserved and a tracking number shown."""

from decimal import Decimal

import pytest

from oms.inventory.models import Reservation, Stock
from oms.orders.incoming import IncomingLine
from oms.orders.models import Order
from oms.orders.review import tracking
from oms.orders.review.tests import helpers as h
from oms.testing.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, user):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/")


def test_intake_rules_reject_correct_two_stage_approval_and_confirmation(page, make_user, artifacts_dir):
    w = h.warehouse()
    h.stock(h.product(weight="0.1"), w, 500)
    order = h.order(  # 120 x 50 = 6000: above the finance threshold; a note; first order of this customer
        "WEB-1",
        lines=[IncomingLine("SKU-0001", "Green tea", 120, Decimal("50"))],
        paid_amount=Decimal("6000"),
        buyer_note="送到前台",
    )
    order.refresh_from_db()
    assert order.status == "pending_review" and order.review.needs_finance  # the hook ran the rules on commit
    reviewer, finance, clerk = make_user("reviewer"), make_user("finance_reviewer"), make_user("order_clerk")

    sign_in(page, reviewer)
    page.goto("/orders/review/")
    page.click(f"[data-testid=queue] tr[data-order='{order.number}'] a")
    page.wait_for_selector("[data-testid=findings]")
    assert page.locator("[data-rule=amount_finance][data-fired=yes]").count() == 1
    assert page.locator("[data-rule=blacklist][data-fired=no]").count() == 1
    page.screenshot(path=str(artifacts_dir / "review-order.png"), full_page=True)
    page.select_option("#id_reason_code", "address")
    page.fill("#reject-text", "门牌号缺失")
    page.click("[data-testid=reject]")
    page.wait_for_selector("[data-testid=rejection]")
    assert "门牌号缺失" in page.locator("[data-testid=rejection]").inner_text()

    sign_in(page, clerk)
    page.goto("/orders/rejected/")
    page.click(f"text={order.number}")
    assert "门牌号缺失" in page.locator("[data-testid=reject-reason]").inner_text()
    page.click("[data-testid=correct]")
    page.fill("#id_address_detail", "科技园南路1号A座1201")
    page.click("[data-testid=save-resubmit]")
    page.wait_for_selector("[data-testid=review-panel]")
    order.refresh_from_db()
    assert order.status == "pending_review"
    assert list(order.events.values_list("type", flat=True)).count("auto_review") == 2

    sign_in(page, reviewer)
    page.goto(f"/orders/review/{order.pk}/")
    page.click("[data-testid=approve]")
    page.wait_for_selector("[data-testid=review-status]")
    assert "Pending finance review" in page.locator("[data-testid=review-status]").inner_text()

    sign_in(page, finance)
    page.goto("/orders/review/")  # a finance reviewer's queue opens on finance review
    page.click(f"[data-testid=queue] tr[data-order='{order.number}'] a")
    page.click("[data-testid=approve]")
    page.wait_for_selector("[data-testid=review-status]")
    assert "Approved" in page.locator("[data-testid=review-status]").inner_text()

    sign_in(page, clerk)
    page.goto("/orders/review/?stage=approved")
    page.click(f"[data-testid=queue] tr[data-order='{order.number}'] a")
    page.click("[data-testid=confirm]")
    page.wait_for_selector("[data-testid=review-status]")
    assert page.locator("[data-testid=tracking-number]").count() == 1, page.locator(".alert").all_inner_texts()
    shown = page.locator("[data-testid=tracking-number]").inner_text().strip()
    page.screenshot(path=str(artifacts_dir / "review-confirmed.png"), full_page=True)
    order.refresh_from_db()
    assert order.status == "confirmed" and shown == order.tracking_number
    assert tracking.is_valid(shown, "OMS", "luhn")
    assert Reservation.objects.filter(order=order, state="active").count() == 1
    assert Stock.objects.get(warehouse=w).reserved == 120
    page.goto(f"/orders/{order.pk}/")
    assert shown in page.content()
    assert Order.objects.get(pk=order.pk).events.filter(type="finance_approved").count() == 1
