"""The role x module permission matrix, over EVERY URL of the project, found by walking the URL conf.

Each view declares what it needs: a console module through `module_required` / `ModuleRequiredMixin`
(console) or `ModulePermission` with `module = ...` (API), optionally with permissions, or one of
`declare_access(PUBLIC)` / `declare_access(SIGNED_IN)` (oms.core.permissions). For every built-in role
and for an anonymous visitor this test GETs every URL (patterns with arguments get placeholder values:
a refusal must come before any lookup) and checks that the view answers exactly when the role's
declared grants (oms.<area>.roles GRANTS) include the module and the permissions. A view that declares
nothing fails the test unless it is a framework view listed in EXEMPT below. For every refused URL a
POST is refused too, and the row counts of all tables are unchanged afterwards.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern
from rest_framework.test import APIClient

from oms.core.permissions import PUBLIC, SIGNED_IN, view_access
from oms.core.roles import ADMINISTRATOR, ROLES, declared_grants
from oms.web.context_processors import NAMESPACE_MODULES
from oms.web.modules import MODULE_CODES

pytestmark = pytest.mark.django_db

# Views of frameworks we mount, which cannot carry our declaration. Project views never go here:
# they declare PUBLIC or SIGNED_IN with oms.core.permissions.declare_access instead.
EXEMPT = {
    "set_language": "Django's own language switch (django.conf.urls.i18n): anyone",
    "api:schema": "OpenAPI schema (drf-spectacular): public documentation",
    "api:docs": "Swagger UI (drf-spectacular): public documentation",
}

# Placeholder values for path converters; a view must refuse before it looks anything up.
PLACEHOLDERS = {"int": "999999", "slug": "zz-placeholder", "str": "zz-placeholder", "path": "zz/placeholder"}


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name" or the pattern when unnamed
    path: str
    view: Any
    module: str  # a module code, PUBLIC or SIGNED_IN; "" when undeclared
    perms: tuple[str, ...]
    area: str  # oms area the view's code lives in ("" for frameworks)
    api: bool


def _fill(pattern: Any) -> str | None:
    text = str(pattern)
    if isinstance(pattern, RoutePattern):

        def sub(m: re.Match[str]) -> str:
            kind = m.group(1) or "str"
            if kind == "uuid":
                return str(uuid.UUID(int=1))
            return PLACEHOLDERS.get(kind, "zz-placeholder")

        return re.sub(r"<(?:(\w+):)?\w+>", sub, text)
    if isinstance(pattern, RegexPattern):
        if "format" in text:
            return None  # DRF's ".json" suffix variants duplicate the plain route
        text = re.sub(r"\(\?P<\w+>[^)]*\)", "1", text)
        return text.lstrip("^").rstrip("$").replace("\\.", ".").replace("\\", "")
    return None


def _area(view: Any) -> str:
    target = getattr(view, "view_class", None) or getattr(view, "cls", None) or view
    module = getattr(target, "__module__", "") or ""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "oms" else ""


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, Any]]:
    for p in patterns:
        part = _fill(p.pattern)
        if part is None:
            continue
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p.url_patterns, prefix + part, ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or prefix + part)
            yield name, "/" + prefix + part, p.callback


@cache
def routes() -> tuple[Route, ...]:
    found: list[Route] = []
    seen: set[str] = set()
    for name, path, view in _walk(get_resolver().url_patterns):
        if path in seen:
            continue
        seen.add(path)
        try:
            match = resolve(path)
        except Resolver404:
            continue  # a placeholder the pattern does not accept; nothing to request
        if match.func is not view:
            continue  # an earlier pattern answers this path
        declared = view_access(view)
        api = path.startswith("/api/")
        kwarg = getattr(view, "oms_module_kwarg", None)
        if kwarg:  # the module is in the URL itself, e.g. /m/<code>/: one route per module
            for code in sorted(MODULE_CODES - {"dashboard"}):
                found.append(Route(f"{name}[{code}]", path.replace(PLACEHOLDERS["str"], code), view, code, (), "", api))
            continue
        module, perms = declared if declared else ("", ())
        found.append(Route(name, path, view, module, perms, _area(view), api))
    return tuple(found)


def test_every_project_view_declares_its_module_or_access():
    undeclared = [f"{r.name} ({r.path})" for r in routes() if not r.module and r.name not in EXEMPT]
    assert not undeclared, (
        "views with no declared module: use module_required / ModuleRequiredMixin / ModulePermission, or "
        "oms.core.permissions.declare_access(PUBLIC or SIGNED_IN):\n" + "\n".join(undeclared)
    )
    unknown = [
        f"{r.name}: {r.module}" for r in routes() if r.module and r.module not in MODULE_CODES | {PUBLIC, SIGNED_IN}
    ]
    assert not unknown, f"views naming unknown modules: {unknown}"


def test_views_of_an_area_belong_to_the_areas_module():
    """orders/channels -> Orders, inventory -> Inventory, logistics, support, system -> Settings."""
    wrong = []
    for r in routes():
        namespace = r.name.split(":", 1)[0] if ":" in r.name else ""
        expected = NAMESPACE_MODULES.get(namespace) if not r.api else NAMESPACE_MODULES.get(r.area)
        if expected and expected != "dashboard" and r.module in MODULE_CODES and r.module != expected:
            wrong.append(f"{r.name} ({r.path}) declares {r.module}, its area belongs to {expected}")
    assert not wrong, "\n".join(wrong)


def test_the_matrix_covers_the_console_and_the_api():
    names = {r.name for r in routes()}
    assert {"web:dashboard", "accounts:lockouts", "accounts:tokens", "api:me"} <= names
    assert any(r.api for r in routes()) and any(not r.api for r in routes())


def _allowed(role: str | None, route: Route, grants: dict[str, set[str]]) -> bool | None:
    """True/False as the grants say, None when the route is not checked (public or exempt)."""
    if route.module == PUBLIC or not route.module:
        return None
    if role is None:
        return False
    if route.module == SIGNED_IN or role == ADMINISTRATOR:
        return True
    held = grants.get(role, set())
    return f"core.access_{route.module}" in held and all(p in held for p in route.perms)


def _is_refusal(response: Any, api: bool, anonymous: bool) -> bool:
    if response.status_code == 403:
        return True
    if anonymous and api and response.status_code == 401:
        return True
    if anonymous and not api and response.status_code == 302:
        return response["Location"].startswith("/accounts/login/")
    return False


def _client(user: Any, api: bool) -> Any:
    if api:
        c = APIClient()
        if user is not None:
            c.force_authenticate(user)
        return c
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def _row_counts() -> dict[str, int]:
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and model._meta.db_table != "django_session":
            counts[model._meta.db_table] = model._default_manager.count()
    return counts


@pytest.mark.parametrize("role", [None, *ROLES], ids=["anonymous", *ROLES])
def test_role_reaches_exactly_the_urls_of_its_modules(role, make_user):
    grants = declared_grants()
    user = make_user(role) if role else None
    console, api = _client(user, api=False), _client(user, api=True)
    problems: list[str] = []
    refused: list[Route] = []
    for route in routes():
        expected = _allowed(role, route, grants)
        if expected is None:
            continue
        c = api if route.api else console
        response = c.get(route.path)
        refusal = _is_refusal(response, route.api, role is None)
        if response.status_code == 405:
            pass  # a POST-only view (require_POST outermost): the POST below must still be refused
        elif expected and refusal:
            problems.append(
                f"{route.name} {route.path}: refused ({response.status_code}) but the role may open {route.module}"
            )
        elif not expected and not refusal:
            problems.append(
                f"{route.name} {route.path}: answered {response.status_code} but the role may not open {route.module}"
            )
        if not expected:
            refused.append(route)

    before = _row_counts()
    for route in refused:
        c = api if route.api else console
        response = c.post(route.path, {}, format="json") if route.api else c.post(route.path, {})
        if not _is_refusal(response, route.api, role is None):
            problems.append(f"POST {route.name} {route.path}: answered {response.status_code}, expected a refusal")
    after = _row_counts()
    changed = {t: (before[t], after[t]) for t in before if before[t] != after.get(t)}
    assert not changed, f"refused POSTs changed rows (table: before, after): {changed}"
    assert not problems, f"{len(problems)} permission mismatches for {role or 'anonymous'}:\n" + "\n".join(problems)
