"""Runtime parameters: typed, validated settings an administrator changes in the console.

Each area declares its parameters in its own `params.py` with `register(Param(...))`; code reads
them with `params.get("group.name")` at run time, so a change takes effect without a restart.
Values are cached per process for CACHE_SECONDS (2 s) and the local cache is dropped on every save
in the saving process. Other processes (web workers, the Huey worker, other machines) see a change
when their 2 s cache expires: a bounded delay and no shared cache to keep consistent, chosen over a
version counter in the Django cache because the file-based default cache is per machine.
Secret parameters are stored encrypted (oms.core.crypto); `get` returns the stored (encrypted) text.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

GROUPS: dict[str, Any] = {
    "security": gettext_lazy("Security"),
    "workflow": gettext_lazy("Order workflow"),
    "inventory": gettext_lazy("Inventory"),
    "logistics": gettext_lazy("Logistics"),
    "notifications": gettext_lazy("Notifications"),
    "backup": gettext_lazy("Backup"),
    "support": gettext_lazy("Customer service"),
    "monitoring": gettext_lazy("Monitoring"),
    "channels": gettext_lazy("Sales channels"),
}

TYPES = ("int", "decimal", "bool", "str", "text", "choice", "secret", "list", "json")


@dataclass(frozen=True)
class Param:
    key: str  # "<group>.<name>"
    type: str
    default: Any
    label: Any
    help: Any = ""
    min: Any = None
    max: Any = None
    choices: Sequence[tuple[str, Any]] = field(default_factory=tuple)
    validator: Callable[[Any], None] | None = None
    # For a JSON parameter: the codes its value may use, with their words (shown beside the field).
    legend: Callable[[], Sequence[tuple[str, Any]]] | None = None

    @property
    def group(self) -> str:
        return self.key.split(".", 1)[0]

    def clean(self, raw: Any) -> Any:
        """Turn a submitted value into the stored one, or raise ValidationError with a clear message."""
        value = raw
        try:
            if self.type == "int":
                value = int(str(raw).strip())
            elif self.type == "decimal":
                value = str(Decimal(str(raw).strip()))
            elif self.type == "bool":
                value = raw if isinstance(raw, bool) else str(raw).strip().lower() in {"1", "true", "on", "yes"}
            elif self.type in ("str", "text", "secret"):
                value = "" if raw is None else str(raw).strip()
            elif self.type == "choice":
                value = str(raw)
                if value not in {c for c, _label in self.choices}:
                    raise ValidationError(_("Choose one of the offered values."))
            elif self.type == "json":
                value = json.loads(raw) if isinstance(raw, str) else raw
            elif self.type == "list":
                if isinstance(raw, str):
                    value = [v.strip() for v in raw.replace("\n", ",").split(",") if v.strip()]
                else:
                    value = [str(v) for v in raw]
        except (ValueError, TypeError, InvalidOperation) as exc:
            raise ValidationError(_("Enter a valid value of type %(type)s.") % {"type": self.type}) from exc
        number = Decimal(value) if self.type in ("int", "decimal") else None
        if number is not None and self.min is not None and number < Decimal(str(self.min)):
            raise ValidationError(_("Must be at least %(min)s.") % {"min": self.min})
        if number is not None and self.max is not None and number > Decimal(str(self.max)):
            raise ValidationError(_("Must be at most %(max)s.") % {"max": self.max})
        if self.validator:
            self.validator(value)
        return value

    def to_python(self, stored: Any) -> Any:
        if self.type == "decimal":
            return Decimal(str(stored))
        return stored


REGISTRY: dict[str, Param] = {}
_lock = threading.Lock()
_cache: dict[str, Any] = {}
_cache_at = 0.0
CACHE_SECONDS = 2.0
_loaded = False


def register(*params: Param) -> None:
    for p in params:
        if p.group not in GROUPS:
            raise ValueError(f"unknown parameter group {p.group!r} for {p.key}")
        if p.type not in TYPES:
            raise ValueError(f"unknown parameter type {p.type!r} for {p.key}")
        REGISTRY[p.key] = p


def load_declarations() -> None:
    """Import every area's params.py once, so that the registry is complete (the system area's own
    parameters are in oms.system.declarations, imported by SystemConfig.ready)."""
    global _loaded
    if _loaded:
        return
    autodiscover_modules("params")
    _loaded = True


def _stored() -> dict[str, Any]:
    global _cache, _cache_at
    now = time.monotonic()
    with _lock:
        if now - _cache_at < CACHE_SECONDS:
            return _cache
    from oms.system.models import Parameter

    values = dict(Parameter.objects.values_list("key", "value"))
    with _lock:
        _cache, _cache_at = values, time.monotonic()
    return values


def invalidate() -> None:
    global _cache_at
    with _lock:
        _cache_at = 0.0


def get(key: str) -> Any:
    load_declarations()
    param = REGISTRY[key]
    stored = _stored()
    if key in stored and stored[key] is not None:
        return param.to_python(stored[key])
    return param.to_python(param.default) if param.type == "decimal" else param.default


def set_value(key: str, raw: Any) -> Any:
    """Validate and store one value (no revision). The settings console uses actions.save_parameters."""
    from oms.system.models import Parameter

    load_declarations()
    param = REGISTRY[key]
    value = param.clean(raw)
    if param.type == "secret":
        from oms.core import crypto

        value = crypto.encrypt(value)
    Parameter.objects.update_or_create(key=key, defaults={"value": value})
    invalidate()
    return value
