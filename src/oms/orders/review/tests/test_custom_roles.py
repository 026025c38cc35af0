"""Custom roles made in the console work exactly like built-in ones: a person may take an order
action iff their roles hold that action's one permission (oms.orders.workflow.PERMISSIONS), in the
console and in the API alike, and nothing else."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from oms.orders.models import Order
from oms.orders.review.tests import helpers as h
from oms.orders.workflow import permission_for

pytestmark = pytest.mark.django_db

ACCESS = ["core.access_orders", "orders.view_order"]


def console_role(name: str, perms: list[str]) -> Group:
    """A role made the way an administrator makes one: the role form, then its permission column."""
    admin = get_user_model().objects.create(username=f"admin-{name}", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin)
    assert client.post(reverse("system:role_create"), {"name": name}).status_code == 302
    group = Group.objects.get(name=name)
    ids = [Permission.objects.get(content_type__app_label=p.split(".")[0], codename=p.split(".")[1]).pk for p in perms]
    response = client.post(reverse("system:role_update", args=[group.pk]), {"op": "permissions", "perm": ids})
    assert response.status_code == 302
    assert {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()} == set(perms)
    return group


def member(group: Group) -> tuple[Client, APIClient]:
    user = get_user_model().objects.create(username=f"m-{group.name}")
    user.groups.add(group)
    console, api = Client(), APIClient()
    console.force_login(user)
    api.force_authenticate(user)
    return console, api


def act(console: Client, order: Order, action: str, **data: str) -> int:
    url = reverse("orders:review:act", args=[order.pk])
    return console.post(url, {"action": action, **data}).status_code


def state(order: Order) -> tuple[str, int, int]:
    fresh = Order.objects.get(pk=order.pk)
    return fresh.status, fresh.version, fresh.events.count()


def test_a_custom_role_with_cancel_cancels_in_console_and_api_and_is_refused_approve():
    group = console_role("Cancel desk", [*ACCESS, str(permission_for("cancel_order"))])
    console, api = member(group)
    by_console, by_api, untouched = h.order("C1"), h.order("C2"), h.order("C3")

    assert act(console, by_console, "cancel", reason="customer asked") == 302
    assert Order.objects.get(pk=by_console.pk).status == "cancelled"
    response = api.post(f"/api/v1/orders/{by_api.pk}/cancel/", {"reason": "customer asked"}, format="json")
    assert response.status_code == 200, response.content
    assert Order.objects.get(pk=by_api.pk).status == "cancelled"

    before = state(untouched)
    assert act(console, untouched, "approve") == 403
    assert api.post(f"/api/v1/orders/{untouched.pk}/approve/", {}, format="json").status_code == 403
    assert api.post(f"/api/v1/orders/{untouched.pk}/hold/", {"reason": "x"}, format="json").status_code == 403
    assert state(untouched) == before


def test_a_custom_role_without_cancel_is_refused_cancel_in_console_and_api():
    group = console_role("Look only", list(ACCESS))
    console, api = member(group)
    order = h.order("C4")
    before = state(order)
    assert act(console, order, "cancel", reason="customer asked") == 403
    assert api.post(f"/api/v1/orders/{order.pk}/cancel/", {"reason": "x"}, format="json").status_code == 403
    assert state(order) == before


def test_the_guard_itself_asks_the_permission_not_the_role_name():
    """Below the views: the action refuses a custom role without the permission and lets one with it."""
    from oms.core.actor import Actor
    from oms.orders.review import actions
    from oms.orders.workflow import TransitionNotAllowed

    approver = get_user_model().objects.create(username="custom-approver")
    approver.groups.add(console_role("Approvers", [*ACCESS, str(permission_for("approve_order"))]))
    outsider = get_user_model().objects.create(username="custom-outsider")
    outsider.groups.add(console_role("Outsiders", list(ACCESS)))
    order = h.order("C5")
    with pytest.raises(TransitionNotAllowed):
        actions.approve_order(order_id=order.pk, actor=Actor.for_user(outsider))
    assert actions.approve_order(order_id=order.pk, actor=Actor.for_user(approver)).status == "approved"
