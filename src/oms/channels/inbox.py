"""The inbox: every delivery is stored raw first, then processed in the background.

store() records a delivery once per (channel, key); whoever stores it schedules its processing after
commit (tasks.process_delivery_task; the sweep catches anything whose task never ran);
process() claims it (a lease, so two workers never work on it at once), turns it into canonical
orders through the platform's adapter (oms.channels.registry) and hands them to orders.intake; failures
are retried by sweep() with growing pauses, up to a bounded number of attempts, and stay visible in the
console. A worker that dies while holding a delivery leaves only its lease behind: the lease runs out
after LEASE and the sweep, run every SWEEP_EVERY, takes the delivery again, so it is picked up within
LEASE + SWEEP_EVERY (one minute). Processing is idempotent (the order's business key and version), so
a slow worker overtaken by the sweep does no harm.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from oms.channels import registry
from oms.channels.models import Channel, DeliveryKind, DeliveryStatus, InboundDelivery
from oms.core.actor import Actor
from oms.orders.incoming import IncomingOrder
from oms.orders.intake import ingest
from oms.system import params

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=30)
SWEEP_EVERY = timedelta(seconds=30)
SENSITIVE_HEADERS = {
    "authorization",
    "cookie",
    "x-shopify-access-token",
    "x-wc-webhook-signature",
    "x-shopify-hmac-sha256",
}


def sanitise_headers(headers: Any) -> dict[str, str]:
    """The headers worth keeping for the record, without credentials or signatures."""
    kept = {}
    for name, value in headers.items():
        lower = name.lower()
        if lower in SENSITIVE_HEADERS:
            continue
        if lower.startswith(("x-shopify-", "x-wc-", "content-", "user-agent")):
            kept[name] = str(value)[:500]
    return kept


@dataclass
class Stored:
    delivery: InboundDelivery
    created: bool


def store(
    *,
    channel: Channel,
    kind: str,
    key: str,
    body: bytes = b"",
    topic: str = "",
    headers: dict[str, str] | None = None,
) -> Stored:
    """Record a delivery once. A second delivery with the same key returns the first one."""
    try:
        with transaction.atomic():
            delivery = InboundDelivery.objects.create(
                channel=channel, kind=kind, topic=topic[:100], dedupe_key=key[:200], body=body, headers=headers or {}
            )
    except IntegrityError:
        existing = InboundDelivery.objects.get(channel=channel, dedupe_key=key[:200])
        return Stored(existing, False)
    return Stored(delivery, True)


def parse(delivery: InboundDelivery) -> IncomingOrder | None:
    """The canonical order a delivery carries (None: nothing to do, e.g. an ignored topic)."""
    adapter = registry.get(delivery.channel.platform)
    if adapter is None:
        raise ValueError(f"no adapter for {delivery.channel.platform} deliveries")
    payload = json.loads(bytes(delivery.body).decode("utf-8"))
    return adapter.parse(delivery.channel, payload, str(delivery.kind), delivery.topic)


def claim(delivery_id: int) -> bool:
    """Take the delivery for processing unless it is done or another worker holds it."""
    now = timezone.now()
    return bool(
        InboundDelivery.objects.filter(pk=delivery_id)
        .exclude(status=DeliveryStatus.PROCESSED)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(attempts=F("attempts") + 1, next_attempt_at=now + LEASE)
    )


def backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** max(0, attempts - 1), 360))


def process(delivery_id: int) -> str:
    """Process one delivery; returns its outcome ("created", "unchanged", ..., "skipped", "failed")."""
    if not claim(delivery_id):
        return "skipped"
    delivery = InboundDelivery.objects.select_related("channel").get(pk=delivery_id)
    if delivery.kind == DeliveryKind.FILE:
        return "skipped"  # files are processed by their import job
    try:
        incoming = parse(delivery)
        with transaction.atomic():
            result = ingest(
                channel=delivery.channel,
                incoming=incoming,
                actor=Actor.channel(delivery.channel.code),
                source=delivery.kind,
                delivery_id=delivery.pk,
            )
            InboundDelivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.PROCESSED,
                processed_at=timezone.now(),
                next_attempt_at=None,
                error="",
                outcome=result.outcome,
                order=result.order,
            )
        return str(result.outcome)
    except Exception as exc:  # noqa: BLE001 - any failure is recorded on the delivery and retried
        log.warning("delivery %s failed: %s", delivery_id, exc, exc_info=True)
        fresh = InboundDelivery.objects.get(pk=delivery_id)
        InboundDelivery.objects.filter(pk=delivery_id).update(
            status=DeliveryStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            next_attempt_at=timezone.now() + backoff(fresh.attempts),
        )
        return "failed"


def due(now: Any = None) -> Any:
    """Deliveries the sweep should (re)process now."""
    now = now or timezone.now()
    limit = params.get("channels.delivery_max_attempts")
    return (
        InboundDelivery.objects.exclude(kind=DeliveryKind.FILE)
        .filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED], attempts__lt=limit)
        .filter(
            Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True, received_at__lte=now - timedelta(seconds=30))
        )
        .order_by("received_at", "pk")
    )


def sweep(limit: int = 500, now: Any = None) -> int:
    """Re-process what is left pending or failed (bounded attempts); returns how many were tried."""
    ids = list(due(now).values_list("pk", flat=True)[:limit])
    for pk in ids:
        process(pk)
    return len(ids)


def retry_now(delivery_id: int) -> None:
    """An operator asks to try again (also after the attempts ran out); the caller queues the processing."""
    InboundDelivery.objects.filter(pk=delivery_id).exclude(status=DeliveryStatus.PROCESSED).update(
        next_attempt_at=None, attempts=0
    )
