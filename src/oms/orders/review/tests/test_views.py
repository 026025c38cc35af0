"""Review console: queue, review page, actions and bulk actions, merge, rules and blacklist pages,
with who may open and do what."""

import pytest

from oms.orders.models import Order
from oms.orders.review import actions
from oms.orders.review.models import BlacklistEntry, ReviewRule
from oms.orders.review.tests import helpers as h
from oms.system.models import OperationLog

pytestmark = pytest.mark.django_db


def login(client, role):
    user = h.person(role)
    client.force_login(user)
    return user


def test_queue_per_stage_with_findings_and_filters(client):
    a = actions.auto_review(h.order("Q1", buyer_note="请尽快").pk)
    b = actions.auto_review(h.order("Q2", buyer_note="x", customer_name="李四").pk)
    login(client, "reviewer")
    page = client.get("/orders/review/").content.decode()
    assert a.number in page and b.number in page and "notes" in page
    page = client.get("/orders/review/", {"q": "李四"}).content.decode()
    assert b.number in page and a.number not in page
    assert a.number not in client.get("/orders/review/", {"stage": "on_hold"}).content.decode()
    assert client.get("/orders/review/", {"export": "xlsx"}).status_code == 200


def test_review_page_shows_checks_side_by_side_and_the_allowed_actions(client):
    o = actions.auto_review(h.order(buyer_note="门卫代收").pk)
    login(client, "reviewer")
    page = client.get(f"/orders/review/{o.pk}/").content.decode()
    for part in (
        'data-testid="checks-side-by-side"',
        'data-rule="notes" data-fired="yes"',
        'data-testid="approve"',
        'data-testid="reject"',
        "门卫代收",
        "139",
        "SKU-0001",
    ):
        assert part in page, part
    assert 'data-testid="confirm"' not in page
    client.force_login(h.person("viewer"))
    page = client.get(f"/orders/review/{o.pk}/").content.decode()
    assert 'data-testid="actions"' not in page
    assert client.post(f"/orders/review/{o.pk}/act/", {"action": "approve"}).status_code == 403
    assert Order.objects.get(pk=o.pk).status == "pending_review"


def test_approve_reject_and_stale_form_from_the_page(client):
    o = actions.auto_review(h.order(buyer_note="x").pk)
    login(client, "reviewer")
    response = client.post(f"/orders/review/{o.pk}/act/", {"action": "approve", "version": o.version - 1}, follow=True)
    assert "changed by someone else" in response.content.decode()
    assert Order.objects.get(pk=o.pk).status == "pending_review"
    client.post(f"/orders/review/{o.pk}/act/", {"action": "reject", "reason_code": "customer", "text": "姓名错误"})
    o.refresh_from_db()
    assert o.status == "rejected"
    assert "姓名错误" in client.get(f"/orders/{o.pk}/").content.decode()  # the detail page's review panel


def test_bulk_approve_and_reject_report_what_was_done(client):
    orders = [actions.auto_review(h.order(f"B{i}", buyer_note="x").pk) for i in range(3)]
    approved = actions.auto_review(h.order("B9").pk)
    login(client, "reviewer")
    ids = [o.pk for o in orders[:2]] + [approved.pk]
    response = client.post("/orders/review/bulk/", {"action": "approve", "ids": ids}, follow=True)
    text = response.content.decode()
    assert "2 of 3 orders done" in text and "1 orders were not changed" in text
    client.post("/orders/review/bulk/", {"action": "reject", "reason_code": "fraud", "ids": [orders[2].pk]})
    assert [Order.objects.get(pk=o.pk).status for o in orders] == ["approved", "approved", "rejected"]
    client.force_login(h.person("customer_service"))
    assert client.post("/orders/review/bulk/", {"action": "approve", "ids": [orders[2].pk]}).status_code == 403


def test_merge_suggestion_and_merge_from_the_queue(client):
    from decimal import Decimal

    from oms.orders.incoming import IncomingLine

    a = actions.auto_review(h.order("M1", customer_phone="13812348000").pk)
    b = actions.auto_review(
        h.order("M2", customer_phone="13812348000", lines=[IncomingLine("SKU-0001", "Tea", 1, Decimal("100"))]).pk
    )
    login(client, "order_clerk")
    page = client.get("/orders/review/", {"stage": "approved"}).content.decode()
    assert 'data-testid="merge-suggestions"' in page
    client.post("/orders/review/merge/", {"ids": [a.pk, b.pk]})
    assert Order.objects.get(pk=a.pk).merge_groups.get() == Order.objects.get(pk=b.pk).merge_groups.get()


def test_rules_are_edited_by_administrators_and_logged(client):
    login(client, "reviewer")
    assert client.get("/orders/review/rules/").status_code == 200
    rule = ReviewRule.objects.get(code="amount_manual")
    assert client.get(f"/orders/review/rules/{rule.pk}/").status_code == 403
    login(client, "administrator")
    response = client.post(
        f"/orders/review/rules/{rule.pk}/",
        {
            "kind": "amount_above",
            "outcome": "finance",
            "params": '{"threshold": "3000"}',
            "position": 5,
            "description": rule.description,
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.outcome == "finance" and rule.params == {"threshold": "3000"} and not rule.enabled
    bad = client.post(
        f"/orders/review/rules/{rule.pk}/",
        {"kind": "amount_above", "outcome": "finance", "params": '{"percent": "1"}', "position": 5},
    )
    assert bad.status_code == 200 and "takes only" in bad.content.decode()
    assert OperationLog.objects.filter(action="review_rule.changed", target="amount_manual").count() == 1
    client.post(
        "/orders/review/rules/new/",
        {"code": "big", "kind": "amount_above", "outcome": "hold", "params": "", "enabled": "on", "position": 1},
    )
    assert ReviewRule.objects.filter(code="big", outcome="hold").exists()


def test_blacklist_add_and_remove(client):
    login(client, "reviewer")
    client.post("/orders/review/blacklist/", {"kind": "phone", "value": "138 1234 8000", "reason": "拒收"})
    entry = BlacklistEntry.objects.get()
    assert entry.value == "13812348000"
    assert "13812348000" in client.get("/orders/review/blacklist/").content.decode()
    client.post(f"/orders/review/blacklist/{entry.pk}/delete/")
    assert not BlacklistEntry.objects.exists()
    client.force_login(h.person("order_clerk"))
    assert client.get("/orders/review/blacklist/").status_code == 403


def test_shortages_page_and_dashboard_tiles(client):
    h.warehouse()
    o = actions.auto_review(h.order().pk)
    actions.confirm_order(order_id=o.pk, actor=h.SYSTEM)
    login(client, "order_clerk")
    assert o.number in client.get("/orders/review/shortages/").content.decode()
    from oms.orders.console import dashboard_panels

    tiles = {str(t["label"]): t for t in dashboard_panels(h.person("order_clerk"))}
    assert tiles["Awaiting stock"]["value"] == 1


def test_shortages_list_filters_and_exports(client):
    w = h.warehouse()
    h.stock(h.product(), w, 1)
    clerk = h.person("order_clerk")
    short = actions.confirm_order(order_id=actions.auto_review(h.order("S1").pk).pk, actor=h.Actor.for_user(clerk))
    assert short.status == "awaiting_stock"
    login(client, "order_clerk")
    page = client.get("/orders/review/shortages/").content.decode()
    assert short.number in page and 'data-testid="shortage-filters"' in page
    assert short.number not in client.get("/orders/review/shortages/", {"q": "NO-SUCH"}).content.decode()
    assert short.number in client.get("/orders/review/shortages/", {"q": "SKU-0001"}).content.decode()
    response = client.get("/orders/review/shortages/", {"export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    body = response.getvalue().decode("utf-8-sig")
    assert short.number in body and "SKU-0001" in body
    assert client.get("/orders/review/shortages/", {"export": "xlsx"}).status_code == 200


def test_blacklist_exports_what_the_filter_shows(client):
    user = login(client, "administrator")
    actions.add_blacklist(actor=h.Actor.for_user(user), user=user, kind="phone", value="13800000000", reason="fraud")
    actions.add_blacklist(actor=h.Actor.for_user(user), user=user, kind="name", value="张三", reason="")
    body = client.get("/orders/review/blacklist/", {"kind": "phone", "export": "csv"}).getvalue().decode("utf-8-sig")
    assert "13800000000" in body and "张三" not in body
    assert client.get("/orders/review/blacklist/", {"export": "xlsx"}).status_code == 200
