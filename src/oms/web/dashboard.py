"""Dashboard panels: each area may offer `dashboard_panels(user) -> list[dict]` in its console.py."""

from __future__ import annotations

import importlib
import logging
from typing import Any

log = logging.getLogger(__name__)


def dashboard_panels(user: Any) -> list[dict[str, Any]]:
    from oms.core.roles import AREAS

    panels: list[dict[str, Any]] = []
    for area in AREAS:
        try:
            module = importlib.import_module(f"oms.{area}.console")
        except ModuleNotFoundError as exc:
            if exc.name != f"oms.{area}.console":
                raise
            continue
        provider = getattr(module, "dashboard_panels", None)
        if provider is not None:
            try:
                panels.extend(provider(user))
            except Exception:  # one area's broken tile must not take the home page down with it
                log.exception("dashboard panels of %s failed", area)
    return panels
