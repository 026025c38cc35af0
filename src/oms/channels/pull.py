"""Pull sync: ask Shopify (Admin GraphQL) and WooCommerce (REST v3) for orders changed since the
last pull, page by page. Each order fetched is stored in the inbox (so it is kept raw like a
webhook) and processed; the high-water mark only advances after a complete, successful run."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from django.utils import timezone
from django.utils.translation import gettext as _

from oms.channels import inbox
from oms.channels.models import Channel, DeliveryKind, Platform, PullState
from oms.channels.parsing import parse_datetime

log = logging.getLogger(__name__)

SHOPIFY_API_VERSION = "2025-01"
TIMEOUT = httpx.Timeout(30.0, connect=10.0)
RETRY_STATUSES = {429, 500, 502, 503, 504}


class PullError(RuntimeError):
    pass


def request_with_retry(
    client: httpx.Client, method: str, url: str, *, attempts: int = 5, pause: float = 1.0, **kwargs: Any
) -> httpx.Response:
    """One HTTP call, retried on 429 and 5xx (honouring Retry-After) and on network errors."""
    last: Exception | None = None
    for attempt in range(attempts):
        try:
            response = client.request(method, url, **kwargs)
        except httpx.TransportError as exc:
            last = exc
            time.sleep(min(pause * 2**attempt, 30))
            continue
        if response.status_code not in RETRY_STATUSES:
            return response
        retry_after = response.headers.get("Retry-After")
        try:
            wait = float(retry_after) if retry_after else pause * 2**attempt
        except ValueError:
            wait = pause * 2**attempt
        last = PullError(f"HTTP {response.status_code} from {url}")
        time.sleep(min(wait, 30))
    raise PullError(str(last))


# --- Shopify ---------------------------------------------------------------------------------


def shopify_pages(
    base_url: str, token: str, since: datetime, *, page_size: int = 50, pause: float = 1.0
) -> Iterator[list[dict[str, Any]]]:
    from oms.channels.adapters.shopify import ORDERS_QUERY

    url = f"{base_url.rstrip('/')}/admin/api/{SHOPIFY_API_VERSION}/graphql.json"
    headers = {"X-Shopify-Access-Token": token, "Content-Type": "application/json"}
    search = f"updated_at:>='{since.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}'"
    after = None
    with httpx.Client(timeout=TIMEOUT, headers=headers) as client:
        while True:
            variables = {"first": page_size, "after": after, "query": search}
            for attempt in range(5):
                response = request_with_retry(
                    client, "POST", url, json={"query": ORDERS_QUERY, "variables": variables}, pause=pause
                )
                if response.status_code != 200:
                    raise PullError(f"Shopify answered HTTP {response.status_code}: {response.text[:300]}")
                doc = response.json()
                errors = doc.get("errors") or []
                if any((e.get("extensions") or {}).get("code") == "THROTTLED" for e in errors):
                    time.sleep(min(pause * 2**attempt, 30))  # cost-based rate limit: wait for the bucket
                    continue
                if errors:
                    raise PullError("Shopify: " + "; ".join(str(e.get("message")) for e in errors)[:500])
                break
            else:
                raise PullError("Shopify kept throttling the query")
            orders = doc["data"]["orders"]
            yield orders.get("nodes") or [e["node"] for e in orders.get("edges") or []]
            info = orders.get("pageInfo") or {}
            if not info.get("hasNextPage"):
                return
            after = info.get("endCursor")


# --- WooCommerce -----------------------------------------------------------------------------


def woocommerce_pages(
    base_url: str, key: str, secret: str, since: datetime, *, per_page: int = 100, pause: float = 1.0
) -> Iterator[list[dict[str, Any]]]:
    url = f"{base_url.rstrip('/')}/wp-json/wc/v3/orders"
    page = 1
    with httpx.Client(timeout=TIMEOUT, auth=(key, secret)) as client:
        while True:
            params = {
                "modified_after": since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
                "dates_are_gmt": "true",
                "per_page": per_page,
                "page": page,
                "orderby": "modified",
                "order": "asc",
                "status": "any",
            }
            response = request_with_retry(client, "GET", url, params=params, pause=pause)
            if response.status_code != 200:
                raise PullError(f"WooCommerce answered HTTP {response.status_code}: {response.text[:300]}")
            batch = response.json()
            if not isinstance(batch, list):
                raise PullError("WooCommerce did not answer with a list of orders")
            yield batch
            total_pages = int(response.headers.get("X-WP-TotalPages") or 1)
            if page >= total_pages or not batch:
                return
            page += 1


# --- running a pull --------------------------------------------------------------------------


def _updated(platform: str, payload: dict[str, Any]) -> datetime | None:
    if platform == Platform.SHOPIFY:
        return parse_datetime(payload.get("updatedAt"))
    value = payload.get("date_modified_gmt")
    return parse_datetime(value, tz="UTC") if value else parse_datetime(payload.get("date_modified"))


def pull_channel(channel: Channel, *, pause: float = 1.0) -> PullState:
    """Fetch everything changed since the high-water mark; store and process each order."""
    from oms.system import params

    state, _c = PullState.objects.get_or_create(channel=channel)
    started = timezone.now()
    since = state.high_water or started - timedelta(days=params.get("channels.pull_first_days"))
    # Overlap a little: platforms commit updated_at slightly out of order; the inbox dedupes.
    since = since - timedelta(minutes=2)
    count, newest = 0, state.high_water
    try:
        if channel.platform == Platform.SHOPIFY:
            if not channel.base_url or not channel.api_token:
                raise PullError(_("Set the shop URL and the Admin API access token first."))
            pages = shopify_pages(channel.base_url, channel.api_token, since, pause=pause)
        elif channel.platform == Platform.WOOCOMMERCE:
            key, _sep, secret = channel.api_token.partition(":")
            if not channel.base_url or not key or not secret:
                raise PullError(_("Set the site URL and the REST API key as consumer_key:consumer_secret first."))
            pages = woocommerce_pages(channel.base_url, key, secret, since, pause=pause)
        else:
            raise PullError(_("This platform has no pull; import its export files instead."))
        for page in pages:
            stored = []
            for payload in page:
                ident = payload.get("id")
                updated = _updated(channel.platform, payload)
                if ident is None:
                    continue
                key = f"pull:{ident}:{updated.isoformat() if updated else json.dumps(payload, sort_keys=True)[:60]}"
                body = json.dumps(payload, ensure_ascii=False).encode()
                result = inbox.store(channel=channel, kind=DeliveryKind.PULL, key=key, body=body, schedule=False)
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
    """Pull every active Shopify/WooCommerce channel whose interval has passed."""
    from oms.system import params

    now = now or timezone.now()
    interval = timedelta(minutes=params.get("channels.pull_interval_minutes"))
    n = 0
    for channel in Channel.objects.filter(active=True, platform__in=[Platform.SHOPIFY, Platform.WOOCOMMERCE]).exclude(
        base_url=""
    ):
        state = PullState.objects.filter(channel=channel).first()
        if state and state.last_run_at and now - state.last_run_at < interval:
            continue
        pull_channel(channel)
        n += 1
    return n
