"""Dashboard panels: each area may offer `dashboard_panels(user) -> list[dict]` in its console.py."""

from __future__ import annotations

import importlib
from typing import Any


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
            panels.extend(provider(user))
    return panels
