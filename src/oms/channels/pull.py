"""Pull sync: ask each platform that has a pull (its adapter in oms.channels.registry) for the orders
changed since the last pull, page by page. Each order fetched is stored in the inbox (so it is kept raw
like a webhook) and processed; the high-water mark only advances after a complete, successful run."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from oms.channels import inbox, registry
from oms.channels.models import Channel, DeliveryKind, PullState
from oms.channels.payloads import BodyError, order_id
from oms.channels.platform_http import PullError
from oms.system import params

log = logging.getLogger(__name__)

__all__ = ["PullError", "pull_channel", "pull_due"]


def pull_channel(channel: Channel, *, pause: float = 1.0) -> PullState:
    """Fetch everything changed since the high-water mark; store and process each order."""
    state, _c = PullState.objects.get_or_create(channel=channel)
    started = timezone.now()
    since = state.high_water or started - timedelta(days=params.get("channels.pull_first_days"))
    # Overlap a little: platforms commit updated_at slightly out of order; the inbox dedupes.
    since = since - timedelta(minutes=2)
    count, newest = 0, state.high_water
    try:
        adapter = registry.get(channel.platform)
        if adapter is None or adapter.pull is None:
            raise PullError(_("This platform has no pull; import its export files instead."))
        pages = adapter.pull(channel, since, pause)
        for page in pages:
            stored = []
            for payload in page:
                try:
                    ident = order_id(payload.get("id")) if isinstance(payload, dict) else order_id(None)
                except BodyError as exc:  # kept out of the inbox (it could never be processed), but said
                    log.warning("pull of %s: an order without a usable id skipped: %s", channel.code, exc)
                    continue
                updated = adapter.updated_at(payload) if adapter.updated_at else None
                key = f"pull:{ident}:{updated.isoformat() if updated else json.dumps(payload, sort_keys=True)[:60]}"
                body = json.dumps(payload, ensure_ascii=False).encode()
                result = inbox.store(channel=channel, kind=DeliveryKind.PULL, key=key, body=body)
                if result.created:
                    stored.append(result.delivery.pk)
                if updated and (newest is None or updated > newest):
                    newest = updated
                count += 1
            for pk in stored:
                inbox.process(pk)
    except Exception as exc:  # noqa: BLE001 - recorded for the operator; the next pull retries
        log.warning("pull of %s failed: %s", channel.code, exc)
        PullState.objects.filter(pk=state.pk).update(
            last_run_at=started, last_ok=False, last_message=str(exc)[:1000], last_count=count
        )
        state.refresh_from_db()
        return state
    PullState.objects.filter(pk=state.pk).update(
        last_run_at=started,
        last_ok=True,
        last_message=_("%(count)s orders fetched.") % {"count": count},
        last_count=count,
        high_water=newest,
    )
    state.refresh_from_db()
    return state


def pull_due(now: datetime | None = None) -> int:
    """Pull every active channel of a platform with a pull whose interval has passed."""
    now = now or timezone.now()
    interval = timedelta(minutes=params.get("channels.pull_interval_minutes"))
    n = 0
    for channel in Channel.objects.filter(active=True, platform__in=registry.with_pull()).exclude(base_url=""):
        state = PullState.objects.filter(channel=channel).first()
        if state and state.last_run_at and now - state.last_run_at < interval:
            continue
        pull_channel(channel)
        n += 1
    return n
