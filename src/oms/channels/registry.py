"""The registry of platform adapters: each platform that sends webhooks or can be pulled registers one
`Adapter` here (in its module under oms.channels.adapters, imported when the app is ready), and the
webhook view, the inbox and the pull look it up by platform instead of branching on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from oms.orders.incoming import IncomingOrder

if TYPE_CHECKING:
    from oms.channels.models import Channel

Headers = Mapping[str, str]
Payload = dict[str, Any]


def _never(headers: Headers, body: bytes) -> bool:
    return False


@dataclass(frozen=True)
class Adapter:
    platform: str
    topics: frozenset[str]  # the webhook topics we process; others are acknowledged and dropped
    # (headers, body, secret) -> the body is signed with the channel's secret
    verify: Callable[[Headers, bytes, str], bool]
    # headers -> the delivery's topic ("" when missing)
    topic: Callable[[Headers], str]
    # (headers, body, topic) -> the key a redelivery of the same event shares
    dedupe_key: Callable[[Headers, bytes, str], str]
    # (channel, payload, kind, topic) -> the canonical order (None: nothing to do)
    parse: Callable[[Channel, Payload, str, str], IncomingOrder | None]
    # (channel, since, pause) -> pages of orders changed since; None: the platform has no pull
    pull: Callable[[Channel, datetime, float], Iterator[list[Payload]]] | None = None
    # payload -> the order's last change on the platform (pull keys and the high-water mark)
    updated_at: Callable[[Payload], datetime | None] | None = None
    # (headers, body) -> an unsigned check the platform sends when a webhook is set up
    is_ping: Callable[[Headers, bytes], bool] = _never


_ADAPTERS: dict[str, Adapter] = {}


def register(adapter: Adapter) -> Adapter:
    _ADAPTERS[adapter.platform] = adapter
    return adapter


def get(platform: str) -> Adapter | None:
    return _ADAPTERS.get(platform)


def with_pull() -> list[str]:
    """Platforms whose orders can be pulled."""
    return sorted(p for p, a in _ADAPTERS.items() if a.pull is not None)
