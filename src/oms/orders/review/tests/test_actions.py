"""Review and confirmation actions on real orders: new state, events, and refusals leaving no trace."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from oms.core.actor import Actor
from oms.inventory.models import Reservation, Stock
from oms.monitoring.selectors import active_about
from oms.orders import actions as order_actions
from oms.orders import events, workflow
from oms.orders.models import Order
from oms.orders.review import actions, tracking
from oms.orders.review.models import BlacklistEntry, OrderHold, ReviewRule
from oms.orders.review.tests import helpers as h

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {r: Actor.for_user(h.person(r)) for r in ("reviewer", "finance_reviewer", "order_clerk", "viewer")}


def test_order_passing_every_rule_is_approved_and_the_timeline_says_which_rules_ran():
    o = actions.auto_review(h.order().pk)
    assert o.status == "approved"
    ev = o.events.get(type="auto_review")
    assert len(ev.payload["findings"]) == ReviewRule.objects.filter(enabled=True).count() == 10
    assert not any(f["fired"] for f in ev.payload["findings"])
    assert ev.reason == ""  # nothing typed by a person; the words are built when shown
    assert events.render(ev).message == "10 rules ran, 0 fired."
    assert h.events(o)[-2:] == ["auto_review", "approved"]


def test_a_note_sends_the_order_to_people_and_a_reviewer_approves(people):
    o = actions.auto_review(h.order(buyer_note="请周末送货").pk)
    assert o.status == "pending_review" and o.review.outcome == "manual"
    shown = events.render(o.events.get(type="auto_review"))
    assert shown.message == "10 rules ran, 1 fired."
    assert any("请周末送货" in value for _label, value in shown.details)
    o = actions.approve_order(order_id=o.pk, actor=people["reviewer"], version=o.version)
    assert o.status == "approved" and h.events(o)[-1] == "approved"


def test_disabled_rule_does_not_run_and_auto_review_off_leaves_everything_to_people():
    ReviewRule.objects.filter(code="notes").update(enabled=False)
    assert actions.auto_review(h.order("N1", buyer_note="x").pk).status == "approved"
    h.set_param("workflow.auto_review_enabled", False)
    o = actions.auto_review(h.order("N2").pk)
    assert o.status == "pending_review" and h.events(o)[-1] == "auto_review_off"


def test_two_stage_approval_for_large_orders(people):
    from oms.orders.incoming import IncomingLine

    o = h.order(lines=[IncomingLine("SKU-0001", "Tea", 120, Decimal("50"))], paid_amount=Decimal("6000"))
    o = actions.auto_review(o.pk)
    assert o.status == "pending_review" and o.review.needs_finance
    with pytest.raises(workflow.TransitionNotAllowed):
        actions.approve_order(order_id=o.pk, actor=people["finance_reviewer"])
    o = actions.approve_order(order_id=o.pk, actor=people["reviewer"])
    assert o.status == "pending_finance"
    before = (o.version, o.events.count())
    with pytest.raises(workflow.TransitionNotAllowed):
        actions.approve_order(order_id=o.pk, actor=people["reviewer"])
    o.refresh_from_db()
    assert (o.version, o.events.count(), o.status) == (*before, "pending_finance")
    o = actions.approve_order(order_id=o.pk, actor=people["finance_reviewer"], note="ok")
    assert o.status == "approved" and h.events(o)[-2:] == ["review_approved", "finance_approved"]


def test_blacklisted_phone_is_held_then_released_by_hand_or_by_time(people):
    actions.add_blacklist(kind="phone", value="+86 138 1234 8000", reason="chargeback", actor=h.SYSTEM)
    assert BlacklistEntry.objects.get().value == "13812348000"
    o = actions.auto_review(h.order(customer_phone="13812348000").pk)
    assert o.status == "on_hold" and OrderHold.objects.get(order=o).held_from == "pending_review"
    o = actions.release_order(order_id=o.pk, actor=people["reviewer"], note="checked with customer")
    assert o.status == "pending_review"
    o = actions.hold_order(
        order_id=o.pk,
        actor=people["order_clerk"],
        reason="customer asked to wait",
        release_at=timezone.now() + timedelta(hours=1),
    )
    assert o.status == "on_hold"
    assert actions.release_due_holds() == 0
    assert actions.release_due_holds(now=timezone.now() + timedelta(hours=2)) == 1
    o.refresh_from_db()
    assert o.status == "pending_review" and o.events.filter(type="released", actor_kind="system").exists()


def test_hold_needs_a_reason_and_a_future_release_time(people):
    o = h.order()
    with pytest.raises(ValidationError):
        actions.hold_order(order_id=o.pk, actor=people["reviewer"], reason=" ")
    with pytest.raises(ValidationError):
        actions.hold_order(order_id=o.pk, actor=people["reviewer"], reason="x", release_at=timezone.now())
    assert Order.objects.get(pk=o.pk).status == "pending_review"


def test_reject_returns_to_correction_and_resubmission_runs_the_rules_again(people, django_capture_on_commit_callbacks):
    o = actions.auto_review(h.order(buyer_note="送到门卫").pk)
    with pytest.raises(ValidationError):
        actions.reject_order(order_id=o.pk, actor=people["reviewer"], reason_code="other")
    with pytest.raises(workflow.TransitionNotAllowed):
        actions.reject_order(order_id=o.pk, actor=people["order_clerk"], reason_code="address")
    o = actions.reject_order(order_id=o.pk, actor=people["reviewer"], reason_code="address", text="门牌号缺失")
    assert o.status == "rejected" and o.review.reject_code == "address"
    assert "门牌号缺失" in o.events.filter(type="rejected").last().reason
    o = order_actions.correct_order(
        order_id=o.pk,
        actor=people["order_clerk"],
        version=o.version,
        changes={"address_detail": "科技园南路1号2栋", "buyer_note": ""},
    )
    with django_capture_on_commit_callbacks(execute=True):
        order_actions.resubmit_order(order_id=o.pk, actor=people["order_clerk"])
    o.refresh_from_db()
    assert o.status == "approved"
    assert h.events(o).count("auto_review") == 2


def test_stale_version_is_refused_without_trace(people):
    o = actions.auto_review(h.order(buyer_note="x").pk)
    with pytest.raises(actions.StaleVersion):
        actions.approve_order(order_id=o.pk, actor=people["reviewer"], version=o.version - 1)
    assert Order.objects.get(pk=o.pk).status == "pending_review"


def test_confirm_reserves_stock_and_gives_a_valid_tracking_number(people):
    w = h.warehouse()
    h.stock(h.product(), w, 5)
    o = actions.auto_review(h.order().pk)
    with pytest.raises(workflow.TransitionNotAllowed):
        actions.confirm_order(order_id=o.pk, actor=people["reviewer"])
    o = actions.confirm_order(order_id=o.pk, actor=people["order_clerk"])
    assert o.status == "confirmed"
    assert tracking.is_valid(o.tracking_number, "OMS", "luhn")
    assert Reservation.objects.filter(order=o, state="active").count() == 1
    assert Stock.objects.get(warehouse=w).reserved == 2
    assert o.events.filter(type="confirmed", public=True).exists()
    other = actions.confirm_order(order_id=actions.auto_review(h.order("E2").pk).pk, actor=people["order_clerk"])
    assert other.tracking_number != o.tracking_number


def test_short_stock_waits_and_is_confirmed_when_stock_arrives(people, django_capture_on_commit_callbacks):
    w = h.warehouse()
    p = h.product()
    h.stock(p, w, 1)
    o = actions.auto_review(h.order().pk)
    o = actions.confirm_order(order_id=o.pk, actor=people["order_clerk"])
    assert o.status == "awaiting_stock" and o.tracking_number is None
    shortage = active_about("stock_shortage", "orders.order", [o.pk]).get()
    assert shortage.cause == f"product:{p.pk}" and shortage.params["quantity"] == 1
    assert shortage.params["sku"] == p.sku and shortage.severity == "critical"
    actions.confirm_order(order_id=o.pk, actor=people["order_clerk"])  # still short: the same alert, no second
    assert active_about("stock_shortage", "orders.order", [o.pk]).get().pk == shortage.pk
    with django_capture_on_commit_callbacks(execute=True):
        h.stock(p, w, 3)
    o.refresh_from_db()
    assert o.status == "confirmed" and o.tracking_number
    assert not active_about("stock_shortage", "orders.order", [o.pk]).exists()
    shortage.refresh_from_db()
    assert shortage.state == "resolved" and shortage.events.filter(type="cleared").exists()
    assert o.events.filter(type="confirmed", actor_kind="system").exists()


def test_delivery_check_refuses_uncovered_province_and_heavy_parcels(people):
    h.warehouse("bj", covered=["北京"])
    o = actions.auto_review(h.order().pk)
    with pytest.raises(actions.ActionRefused, match="No active warehouse"):
        actions.confirm_order(order_id=o.pk, actor=people["order_clerk"])
    h.warehouse("sz")
    h.product(weight="20")
    with pytest.raises(actions.ActionRefused, match="kg"):
        actions.confirm_order(order_id=o.pk, actor=people["order_clerk"])
    o.refresh_from_db()
    assert o.status == "approved" and not o.events.filter(type__in=["confirmed", "awaiting_stock"]).exists()


def test_cancel_releases_the_reservation(people):
    w = h.warehouse()
    h.stock(h.product(), w, 5)
    o = actions.confirm_order(order_id=actions.auto_review(h.order().pk).pk, actor=people["order_clerk"])
    with pytest.raises(ValidationError):
        actions.cancel_order(order_id=o.pk, actor=people["order_clerk"], reason="")
    o = actions.cancel_order(order_id=o.pk, actor=people["order_clerk"], reason="customer changed mind")
    assert o.status == "cancelled"
    assert Stock.objects.get(warehouse=w).reserved == 0
    assert h.events(o)[-2:] == ["stock_released", "cancelled"]


def test_merge_same_customer_and_address_keeps_each_order(people):
    from oms.orders.incoming import IncomingLine

    a = actions.auto_review(h.order("M1", customer_phone="13812348000").pk)
    b = actions.auto_review(
        h.order("M2", customer_phone="13812348000", lines=[IncomingLine("SKU-0001", "Tea", 1, Decimal("100"))]).pk
    )
    c = actions.auto_review(
        h.order(
            "M3",
            customer_phone="13812348000",
            customer_name="李四",
            lines=[IncomingLine("SKU-0001", "Tea", 4, Decimal("25"))],
        ).pk
    )
    assert [x.status for x in (a, b, c)] == ["approved"] * 3
    suggestions = actions.merge_suggestions(Order.objects.all())
    assert [s["ids"] for s in suggestions] == [[a.pk, b.pk]]
    with pytest.raises(actions.ActionRefused):
        actions.merge_orders(order_ids=[a.pk, c.pk], actor=people["reviewer"])
    with pytest.raises(workflow.TransitionNotAllowed):
        actions.merge_orders(order_ids=[a.pk, b.pk], actor=people["finance_reviewer"])
    group = actions.merge_orders(order_ids=[a.pk, b.pk], actor=people["reviewer"])
    assert set(group.orders.values_list("pk", flat=True)) == {a.pk, b.pk}
    assert Order.objects.get(pk=a.pk).status == "approved" and h.events(Order.objects.get(pk=b.pk))[-1] == "merged"
    assert actions.merge_suggestions(Order.objects.all()) == []


def test_split_by_availability_ships_what_is_in_stock_and_the_rest_waits(people):
    from oms.orders.incoming import IncomingLine

    w = h.warehouse()
    p1, p2 = h.product("SKU-0001"), h.product("SKU-0002", price="10")
    h.stock(p1, w, 5)
    h.stock(p2, w, 1)
    o = h.order(
        lines=[IncomingLine("SKU-0001", "Tea", 2, Decimal("50")), IncomingLine("SKU-0002", "Cup", 3, Decimal("10"))],
        paid_amount=Decimal("130"),
    )
    o = actions.auto_review(o.pk)
    parent, child = actions.split_order(order_id=o.pk, actor=people["order_clerk"], mode="availability")
    parent.refresh_from_db()
    assert [(ln.sku, ln.quantity) for ln in parent.lines.all()] == [("SKU-0001", 2), ("SKU-0002", 1)]
    assert [(ln.sku, ln.quantity) for ln in child.lines.all()] == [("SKU-0002", 2)]
    assert parent.total_amount == Decimal("110") and child.total_amount == Decimal("20")
    assert child.number == f"{parent.number}-2" and child.review.split_from_id == parent.pk
    assert actions.confirm_order(order_id=parent.pk, actor=people["order_clerk"]).status == "confirmed"
    assert actions.confirm_order(order_id=child.pk, actor=people["order_clerk"]).status == "awaiting_stock"
    progress = {r["sku"]: r for r in actions.line_progress(child)}
    assert progress["SKU-0002"]["total"] == 3
    assert {p["status"] for p in progress["SKU-0002"]["parts"]} == {"confirmed", "awaiting_stock"}
    with pytest.raises(actions.ActionRefused):
        actions.split_order(order_id=child.pk, actor=people["order_clerk"], mode="availability")


def test_split_by_warehouse_follows_routing(people):
    from oms.orders.incoming import IncomingLine

    a, b = h.warehouse("a"), h.warehouse("b")
    p1, p2 = h.product("SKU-0001"), h.product("SKU-0002", price="10")
    h.stock(p1, a, 5)
    h.stock(p2, b, 5)
    o = h.order(
        lines=[IncomingLine("SKU-0001", "Tea", 2, Decimal("50")), IncomingLine("SKU-0002", "Cup", 1, Decimal("10"))],
        paid_amount=Decimal("110"),
    )
    o = actions.auto_review(o.pk)
    parts = actions.split_order(order_id=o.pk, actor=people["reviewer"], mode="warehouse")
    assert len(parts) == 2
    assert sorted(ln.sku for part in parts for ln in part.lines.all()) == ["SKU-0001", "SKU-0002"]
    for part in parts:
        assert actions.confirm_order(order_id=part.pk, actor=people["order_clerk"]).status == "confirmed"


def test_rule_and_blacklist_changes_are_in_the_operation_log():
    from oms.system.models import OperationLog

    rule = ReviewRule.objects.get(code="amount_manual")
    rule.params = {"threshold": "3000"}
    actions.save_rule(rule=rule, actor=h.SYSTEM)
    entry = actions.add_blacklist(kind="name", value="王五", reason="fraud", actor=h.SYSTEM)
    actions.remove_blacklist(entry_id=entry.pk, actor=h.SYSTEM)
    logged = list(OperationLog.objects.order_by("pk").values_list("action", "target"))
    assert logged[-3:] == [
        ("review_rule.changed", "amount_manual"),
        ("blacklist.added", "name:王五"),
        ("blacklist.removed", "name:王五"),
    ]
    assert OperationLog.objects.get(action="review_rule.changed").details["changes"]["params"][1] == {
        "threshold": "3000"
    }


def test_auto_confirm_and_auto_merge_after_approval_when_the_parameters_say_so(django_capture_on_commit_callbacks):
    from oms.orders.incoming import IncomingLine

    w = h.warehouse()
    h.stock(h.product(), w, 10)
    h.set_param("workflow.auto_confirm", True)
    h.set_param("workflow.auto_merge", True)
    with django_capture_on_commit_callbacks(execute=True):
        a = actions.auto_review(h.order("AC1", customer_phone="13812348000").pk)
    a.refresh_from_db()
    assert a.status == "confirmed" and tracking.is_valid(a.tracking_number, "OMS")
    assert a.events.get(type="confirmed").actor_kind == "system"
    with django_capture_on_commit_callbacks(execute=True):
        b = actions.auto_review(
            h.order("AC2", customer_phone="13812348000", lines=[IncomingLine("SKU-0001", "Tea", 1, Decimal("100"))]).pk
        )
    b.refresh_from_db()
    assert b.status == "confirmed"
    assert b.merge_groups.get().orders.count() == 2


def test_auto_confirm_refused_by_the_delivery_check_is_noted_for_a_person(django_capture_on_commit_callbacks):
    h.set_param("workflow.auto_confirm", True)  # no warehouse at all
    with django_capture_on_commit_callbacks(execute=True):
        o = actions.auto_review(h.order().pk)
    o.refresh_from_db()
    assert o.status == "approved"
    refused = o.events.get(type="auto_confirm_refused")
    assert refused.payload["refusal"] == "no_warehouse"  # a code and its parameters, no sentence
    assert "No active warehouse" in events.render(refused).message
    with translation.override("zh-hant"):
        assert events.render(refused).message.startswith("沒有")


def test_bulk_intake_reviews_every_order_in_chunks_and_a_single_order_at_once(
    django_capture_on_commit_callbacks, monkeypatch
):
    from oms.orders.intake import ingest, ingest_many
    from oms.orders.review import signals, tasks
    from oms.orders.tests import factories as of

    h.ensure_rules()
    of.product("SKU-0001", "50")
    chunks = []
    real = tasks.auto_review_many_task

    def spy(order_ids):
        chunks.append(list(order_ids))
        return real(order_ids)

    monkeypatch.setattr(signals, "REVIEW_CHUNK", 2)
    monkeypatch.setattr(tasks, "auto_review_many_task", spy)
    items = [of.incoming(f"BULK{i}", customer_phone=f"1391235{i:04d}") for i in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        results = ingest_many(channel=of.channel(), incomings=items, actor=h.CHANNEL, source="file")
    ids = [r.order.pk for r in results]
    assert chunks == [ids[0:2], ids[2:4], ids[4:5]]  # one task per chunk, each order once
    assert set(Order.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"approved"}
    assert all(Order.objects.get(pk=pk).events.filter(type="auto_review").count() == 1 for pk in ids)
    with django_capture_on_commit_callbacks(execute=True):
        single = ingest(channel=of.channel(), incoming=of.incoming("ONE"), actor=h.CHANNEL, source="webhook")
    assert chunks[-1] == [single.order.pk]
    single.order.refresh_from_db()
    assert single.order.status == "approved"
