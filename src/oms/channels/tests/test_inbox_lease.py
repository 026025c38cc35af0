"""A delivery whose worker died while holding it is picked up again within a minute: the lease runs
out after inbox.LEASE and the sweep runs every inbox.SWEEP_EVERY."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.utils import timezone
from huey.contrib.djhuey import HUEY

from oms.channels import inbox, tasks
from oms.channels.models import DeliveryStatus, InboundDelivery, Platform
from oms.orders.models import Order

from .conftest import payload


def test_lease_plus_sweep_period_is_at_most_a_minute() -> None:
    assert timedelta(minutes=1) >= inbox.LEASE + inbox.SWEEP_EVERY


def test_a_delivery_held_by_a_dead_worker_is_processed_by_the_next_sweep(make_channel: Any) -> None:
    shop = make_channel("shop", Platform.SHOPIFY, secret="s")
    body = json.dumps(payload("shopify_order.json")).encode()
    delivery = inbox.store(channel=shop, kind="webhook", key="k1", body=body, topic="orders/create").delivery
    assert inbox.claim(delivery.pk)  # a worker takes it ... and dies before finishing
    now = timezone.now()
    assert delivery.pk not in inbox.due(now).values_list("pk", flat=True)  # held: nobody else takes it
    assert inbox.sweep() == 0 and not Order.objects.exists()
    claimed_at = now - inbox.LEASE - timedelta(seconds=1)  # the lease has run out
    InboundDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=claimed_at + inbox.LEASE)
    assert inbox.sweep() == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PROCESSED and delivery.attempts == 2
    assert Order.objects.filter(channel=shop).count() == 1


def test_the_minute_sweep_queues_the_half_minute_one(db: Any) -> None:
    HUEY.flush()
    try:
        tasks.sweep_deliveries.call_local()
        queued = [t.name for t in HUEY.scheduled()]
        assert queued == ["sweep_deliveries_task"] * (60 // int(inbox.SWEEP_EVERY.total_seconds()) - 1)
    finally:
        HUEY.flush()
