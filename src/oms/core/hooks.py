"""Calling the listeners of an extension point after a commit (orders.hooks, inventory.hooks, ...).

A listener that raises must not turn into an error for a request whose work has already committed:
the failure is logged and the call is queued for the worker (`oms.core.tasks.retry_hook`, with retries
and a growing pause), so what the listener had to do (enqueue a review, re-try waiting orders) still
happens. Listeners are module-level functions with JSON-friendly arguments, so the worker can find and
call them again by their dotted path.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from oms.core import tasks

log = logging.getLogger(__name__)


def dotted(hook: Callable[..., Any]) -> str:
    return f"{hook.__module__}.{hook.__qualname__}"


def fire(name: str, listeners: Iterable[Callable[..., Any]], *args: Any) -> int:
    """Call every listener with `args`; returns how many failed (and were queued for a retry)."""
    failed = 0
    for hook in list(listeners):
        try:
            hook(*args)
        except Exception:  # noqa: BLE001 - the caller has committed; the retry carries the work on
            failed += 1
            if "<" in hook.__qualname__:  # a lambda or a nested function: the worker could not find it
                log.exception("%s listener %s failed (not retried: it has no importable name)", name, dotted(hook))
                continue
            log.exception("%s listener %s failed; queued for a retry", name, dotted(hook))
            try:
                tasks.retry_hook(dotted(hook), list(args))
            except Exception:  # noqa: BLE001 - the queue itself is down: the log line above is what is left
                log.exception("could not queue a retry of %s", dotted(hook))
    return failed
