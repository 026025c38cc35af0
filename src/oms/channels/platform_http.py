"""Calling a platform's API: one request, retried on rate limits, server errors and network errors."""

from __future__ import annotations

import time
from typing import Any

import httpx

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
