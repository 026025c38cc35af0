"""Two people act on the same order at the same moment: exactly one wins, the other gets a clear
refusal and nothing half-done. Real threads with their own connections, on the run's database
(SQLite file with IMMEDIATE transactions, or PostgreSQL with row locks via OMS_TEST_DATABASE_URL)."""

import threading

import pytest
from django.db import connections

from oms.core.actor import Actor
from oms.orders import workflow
from oms.orders.models import Order
from oms.orders.review import actions
from oms.orders.review.tests import helpers as h

pytestmark = pytest.mark.django_db(transaction=True)


def _race(calls):
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except (workflow.TransitionNotAllowed, actions.StaleVersion) as exc:
            results[i] = exc
        except BaseException as exc:  # noqa: BLE001 - surfaced by the assertions
            results[i] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return results


@pytest.mark.parametrize("rounds", [3])
def test_approve_and_reject_at_once_exactly_one_wins(rounds):
    a = Actor.for_user(h.person("reviewer"))
    b = Actor.for_user(h.person("reviewer"))
    for n in range(rounds):
        order = actions.auto_review(h.order(f"C{n}", buyer_note="check").pk)
        assert order.status == "pending_review"
        results = _race(
            [
                lambda o=order: actions.approve_order(order_id=o.pk, actor=a, version=o.version),
                lambda o=order: actions.reject_order(order_id=o.pk, actor=b, reason_code="fraud", version=o.version),
            ]
        )
        assert not [r for r in results if isinstance(r, tuple)], results
        winners = [r for r in results if isinstance(r, Order)]
        losers = [r for r in results if isinstance(r, Exception)]
        assert len(winners) == 1 and len(losers) == 1, results
        final = Order.objects.get(pk=order.pk)
        assert final.status == winners[0].status
        decided = final.events.filter(type__in=["approved", "rejected"])
        assert decided.count() == 1 and final.version == order.version + 1


def test_two_reviewers_approving_at_once_write_one_approval():
    order = actions.auto_review(h.order("D1", buyer_note="check").pk)
    people = [Actor.for_user(h.person("reviewer")) for _ in range(4)]
    results = _race([lambda p=p: actions.approve_order(order_id=order.pk, actor=p) for p in people])
    assert sum(isinstance(r, Order) for r in results) == 1, [
        repr(r)[:300] for r in results if not isinstance(r, Exception)
    ]
    assert all(isinstance(r, (Order, workflow.TransitionNotAllowed)) for r in results), results
    assert Order.objects.get(pk=order.pk).events.filter(type="approved").count() == 1


def test_confirmations_at_once_get_distinct_valid_tracking_numbers():
    from oms.orders.review import tracking

    w = h.warehouse()
    h.stock(h.product(), w, 100)
    clerk = Actor.for_user(h.person("order_clerk"))
    orders = [actions.auto_review(h.order(f"T{i}").pk) for i in range(4)]
    assert {o.status for o in orders} == {"approved"}
    results = _race([lambda o=o: actions.confirm_order(order_id=o.pk, actor=clerk) for o in orders])
    assert all(isinstance(r, Order) for r in results), results
    numbers = [r.tracking_number for r in results]
    assert len(set(numbers)) == 4 and all(tracking.is_valid(n, "OMS") for n in numbers)
    assert set(Order.objects.filter(pk__in=[o.pk for o in orders]).values_list("status", flat=True)) == {"confirmed"}
