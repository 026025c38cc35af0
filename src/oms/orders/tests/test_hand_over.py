"""The edge to ALLOCATED is real: the warehouse takes a confirmed order for picking and may hand it back."""

from __future__ import annotations

import pytest

from oms.core.actor import Actor
from oms.orders import actions
from oms.orders.choices import OrderStatus as S
from oms.orders.models import Order
from oms.orders.review.tests import helpers as h
from oms.orders.workflow import TransitionNotAllowed

pytestmark = pytest.mark.django_db


def confirmed(external_id: str) -> Order:
    order = h.order(external_id)
    Order.objects.filter(pk=order.pk).update(status=S.CONFIRMED)  # set up only: confirmation has its own tests
    return Order.objects.get(pk=order.pk)


def test_the_warehouse_allocates_and_releases_a_confirmed_order():
    order = confirmed("AL1")
    warehouse = Actor.for_user(h.person("warehouse"))
    done = actions.allocate_order(order_id=order.pk, actor=warehouse, version=order.version)
    assert done.status == S.ALLOCATED and done.version == order.version + 1
    assert done.events.filter(type="allocated", status_from=S.CONFIRMED, status_to=S.ALLOCATED).exists()
    back = actions.release_allocation(order_id=order.pk, actor=warehouse)
    assert back.status == S.CONFIRMED and back.status_changed_at >= done.status_changed_at
    assert actions.allocate_order(order_id=order.pk, actor=Actor.system("wms")).status == S.ALLOCATED


def test_others_are_refused_and_nothing_changes():
    order = confirmed("AL2")
    with pytest.raises(TransitionNotAllowed):
        actions.allocate_order(order_id=order.pk, actor=Actor.for_user(h.person("reviewer")))
    with pytest.raises(TransitionNotAllowed):
        actions.release_allocation(order_id=order.pk, actor=Actor.for_user(h.person("warehouse")))
    with pytest.raises(actions.StaleVersion):
        actions.allocate_order(order_id=order.pk, actor=Actor.for_user(h.person("warehouse")), version=99)
    fresh = Order.objects.get(pk=order.pk)
    assert (fresh.status, fresh.version, fresh.events.count()) == (S.CONFIRMED, order.version, order.events.count())
    pending = h.order("AL3")
    with pytest.raises(TransitionNotAllowed):
        actions.allocate_order(order_id=pending.pk, actor=Actor.system("wms"))
