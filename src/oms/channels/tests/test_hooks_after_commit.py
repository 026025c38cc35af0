"""A listener of an extension point that fails after the delivery's transaction committed: the
request still succeeds, the failure is logged, and the worker calls the listener again."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from oms.channels.adapters import shopify
from oms.channels.models import DeliveryStatus, InboundDelivery, Platform
from oms.core import hooks as core_hooks
from oms.inventory import hooks as inventory_hooks
from oms.orders import hooks
from oms.orders.models import Order

from .conftest import payload

SECRET = "hook-secret"
calls: list[Any] = []


def flaky_listener(order_ids: list[int]) -> None:
    """Fails on its first call, as a listener whose queue or service is briefly away would."""
    calls.append(order_ids)
    if len(calls) == 1:
        raise ConnectionError("queue unreachable")


def broken_listener(*args: Any) -> None:
    calls.append(args)
    raise ValueError("always broken")


@pytest.fixture
def listener() -> Any:
    calls.clear()
    hooks.on_pending_review_batch.append(flaky_listener)
    yield
    hooks.on_pending_review_batch.remove(flaky_listener)


def test_a_failing_listener_does_not_fail_the_request_and_is_retried(
    client: Any, make_channel: Any, listener: Any, caplog: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_channel("shop", Platform.SHOPIFY, secret=SECRET)
    body = json.dumps(payload("shopify_order.json")).encode()
    with caplog.at_level(logging.ERROR, logger="oms.core.hooks"), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/webhooks/shopify/shop/",
            data=body,
            content_type="application/json",
            HTTP_X_SHOPIFY_TOPIC="orders/create",
            HTTP_X_SHOPIFY_HMAC_SHA256=shopify.sign(SECRET, body),
        )
    assert response.status_code == 200
    order = Order.objects.get()
    assert InboundDelivery.objects.get().status == DeliveryStatus.PROCESSED
    assert calls == [[order.pk], [order.pk]]  # failed once, then called again by the retry task
    assert "flaky_listener failed; queued for a retry" in caplog.text


def test_fire_reports_failures_and_keeps_calling_the_other_listeners(caplog: Any) -> None:
    calls.clear()
    seen: list[Any] = []
    with caplog.at_level(logging.ERROR, logger="oms.core.hooks"):
        failed = core_hooks.fire("test", [broken_listener, lambda *a: seen.append(a)], 3, [1, 2])
    assert failed == 1 and seen == [(3, [1, 2])]
    assert calls[0] == (3, [1, 2]) and len(calls) > 1  # the retries ran (Huey is immediate in tests)
    assert caplog.text.count("broken_listener failed") == 1


@pytest.mark.django_db
def test_stock_listeners_receive_a_sorted_list() -> None:
    seen: list[Any] = []
    inventory_hooks.on_stock_available.append(lambda w, ps: seen.append((w, ps)))
    try:
        inventory_hooks.stock_available(4, {9, 2, 5})
    finally:
        inventory_hooks.on_stock_available.pop()
    assert seen == [(4, [2, 5, 9])]


def test_a_listener_without_an_importable_name_is_logged_not_queued(caplog: Any) -> None:
    def nested(*args: Any) -> None:
        raise ValueError("broken")

    with caplog.at_level(logging.ERROR, logger="oms.core.hooks"):
        assert core_hooks.fire("test", [nested], 1) == 1
    assert "not retried" in caplog.text and "queued for a retry" not in caplog.text
