"""The modules areas plug in by convention (console.py, roles.py, params.py, demo.py ...), found with
Django's `autodiscover_modules` in every installed oms app, in INSTALLED_APPS order."""

from __future__ import annotations

import sys
from types import ModuleType

from django.apps import apps
from django.utils.module_loading import autodiscover_modules


def area_modules(name: str) -> list[ModuleType]:
    """Every installed oms app's `<app>.<name>` module (imported if need be), in INSTALLED_APPS order.

    An app without one is skipped; an error inside a module that exists is raised, not hidden."""
    autodiscover_modules(name)
    found = []
    for config in apps.get_app_configs():
        if config.name.startswith("oms."):
            module = sys.modules.get(f"{config.name}.{name}")
            if module is not None:
                found.append(module)
    return found
