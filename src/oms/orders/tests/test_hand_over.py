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


def test_the_api_lets_the_warehouse_allocate_and_refuses_others():
    from rest_framework.test import APIClient

    def client(role: str) -> APIClient:
        c = APIClient()
        c.force_authenticate(h.person(role))
        return c

    order = confirmed("AL4")
    url = f"/api/v1/inventory/orders/{order.pk}/allocate/"
    assert client("reviewer").post(url, {}, format="json").status_code == 403  # not in the inventory module
    assert client("viewer").post(url, {}, format="json").status_code == 403  # in it, without the permission
    assert Order.objects.get(pk=order.pk).status == S.CONFIRMED
    response = client("warehouse").post(url, {"version": order.version}, format="json")
    assert response.status_code == 200 and response.json()["status"] == S.ALLOCATED
    back = client("warehouse").post(f"/api/v1/inventory/orders/{order.pk}/release-allocation/", {}, format="json")
    assert back.status_code == 200 and back.json()["status"] == S.CONFIRMED
    again = client("warehouse").post(f"/api/v1/inventory/orders/{order.pk}/release-allocation/", {}, format="json")
    assert again.status_code == 409  # nothing to hand back: a conflict, not a refusal
