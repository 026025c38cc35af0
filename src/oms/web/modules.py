"""The console modules of chapter 1.2 and the sections each area adds to them.

An area lists its pages in `console.py` as `SECTIONS = [Section(...)]`; the navigation shows a
module to users holding `core.access_<module>`, and a section to those holding its permissions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import pgettext_lazy

from oms.core.areas import area_modules


@dataclass(frozen=True)
class Module:
    code: str
    label: Any
    icon: str


@dataclass(frozen=True)
class Section:
    module: str
    label: Any
    url_name: str
    perms: tuple[str, ...] = field(default_factory=tuple)
    order: int = 100
    description: Any = ""

    @property
    def url(self) -> str:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return ""


# "module" context: the same English words also name roles ("Logistics" staff), which Chinese says differently.
MODULES = [
    Module("dashboard", pgettext_lazy("module", "Dashboard"), "speedometer"),
    Module("orders", pgettext_lazy("module", "Orders"), "receipt"),
    Module("inventory", pgettext_lazy("module", "Inventory"), "box-seam"),
    Module("logistics", pgettext_lazy("module", "Logistics"), "truck"),
    Module("support", pgettext_lazy("module", "Customer service"), "headset"),
    Module("monitoring", pgettext_lazy("module", "Monitoring"), "bell"),
    Module("settings", pgettext_lazy("module", "Settings"), "gear"),
]
MODULE_CODES = {m.code for m in MODULES}


@cache
def all_sections() -> tuple[Section, ...]:
    found: list[Section] = []
    for module in area_modules("console"):
        found.extend(getattr(module, "SECTIONS", []))
    for s in found:
        if s.module not in MODULE_CODES:
            raise ValueError(f"section {s.url_name} names unknown module {s.module}")
    return tuple(sorted(found, key=lambda s: (s.order, str(s.label))))


def visible_modules(user: Any) -> list[Module]:
    if not user.is_authenticated:
        return []
    return [m for m in MODULES if user.has_perm(f"core.access_{m.code}")]


def visible_sections(user: Any, module: str) -> list[Section]:
    if not user.is_authenticated or not user.has_perm(f"core.access_{module}"):
        return []
    return [s for s in all_sections() if s.module == module and user.has_perms(s.perms) and s.url]
