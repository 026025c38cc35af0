"""Every API endpoint refuses what it does not understand: undeclared query parameters and values that
do not parse are a 400 (`invalid_parameter`) naming the parameter, never silently dropped."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from oms.core.api import StrictBooleanField, StrictQueryParams

pytestmark = pytest.mark.django_db


def _api_routes(resolver: Any = None, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, Any]]:
    """(name, path pattern, view callback) of every URL under the `api` namespace."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _api_routes(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and namespace == "api":
            yield f"api:{entry.name}", prefix + str(entry.pattern), entry.callback


def _view_class(callback: Any) -> Any:
    return getattr(callback, "cls", None) or getattr(callback, "view_class", None)


FRAMEWORK = {"api:schema", "api:docs"}


def test_every_api_view_is_strict() -> None:
    routes = [(name, path, _view_class(cb)) for name, path, cb in _api_routes() if name not in FRAMEWORK]
    assert len(routes) > 30
    loose = sorted({f"{name} ({cls})" for name, _p, cls in routes if not (cls and issubclass(cls, StrictQueryParams))})
    assert not loose, f"API views without StrictQueryParams: {loose}"


def test_every_list_refuses_an_unknown_parameter(admin_user: Any) -> None:
    client = APIClient()
    client.force_authenticate(admin_user)
    checked = 0
    for name, path, _cb in _api_routes():
        if name in FRAMEWORK or "<" in path or "(?P" in path or "format" in path:
            continue
        url = "/" + path.replace("^", "").replace("$", "")
        response = client.get(url, {"zz_unknown": "1"})
        if response.status_code == 405:  # POST-only endpoints: a GET is refused before the parameters
            continue
        assert response.status_code == 400, (url, response.status_code, response.content[:300])
        error = response.json()["error"]
        assert error["code"] == "invalid_parameter" and list(error["fields"]) == ["zz_unknown"], (url, error)
        assert "zz_unknown" in error["message"]
        checked += 1
    assert checked >= 12


def test_declared_parameters_are_still_accepted(admin_user: Any) -> None:
    client = APIClient()
    client.force_authenticate(admin_user)
    assert client.get("/api/v1/inventory/products/", {"sku": "X", "search": "a", "ordering": "-sku"}).status_code == 200
    assert (
        client.get("/api/v1/inventory/products/", {"page": "1", "page_size": "5", "format": "json"}).status_code == 200
    )
    assert client.get("/api/v1/inventory/stock/", {"in_transit": "true", "available_lt": "3"}).status_code == 200


@pytest.mark.parametrize(
    ("url", "params", "named"),
    [
        ("/api/v1/inventory/products/", {"active": "maybe"}, "active"),  # boolean: was "no filter"
        ("/api/v1/inventory/products/", {"ordering": "nope"}, "ordering"),  # was the default order
        ("/api/v1/inventory/products/", {"page": "abc"}, "page"),  # was 404 "Invalid page"
        ("/api/v1/inventory/products/", {"page_size": "0"}, "page_size"),  # was the default size
        ("/api/v1/inventory/alerts/", {"state": "burning"}, "state"),  # not a choice
        ("/api/v1/inventory/stock/", {"warehouse": "NOWHERE"}, "warehouse"),  # names nothing
        ("/api/v1/inventory/stock/", {"available_lt": "few"}, "available_lt"),  # was ignored
        ("/api/v1/inventory/stock/", {"available_lt": "9" * 30}, "available_lt"),  # was a database overflow
        ("/api/v1/orders/", {"channel_id": "9" * 30}, "channel_id"),
        ("/api/v1/inventory/moves/", {"ref_id": "x1"}, "ref_id"),
        ("/api/v1/inventory/moves/", {"kind": "teleport"}, "kind"),
        ("/api/v1/settings/users/", {"active": "perhaps"}, "active"),
        ("/api/v1/settings/users/", {"role": "astronaut"}, "role"),
    ],
)
def test_values_that_do_not_parse_are_refused(admin_user: Any, url: str, params: dict[str, str], named: str) -> None:
    client = APIClient()
    client.force_authenticate(admin_user)
    response = client.get(url, params)
    assert response.status_code == 400, response.content[:300]
    error = response.json()["error"]
    assert error["code"] == "invalid_parameter" and named in error["fields"] and named in error["message"]


def test_refusal_comes_after_authentication_and_permission(make_user: Any) -> None:
    assert APIClient().get("/api/v1/inventory/products/", {"zz": "1"}).status_code in (401, 403)
    client = APIClient()
    client.force_authenticate(make_user("customer_service"))
    assert client.get("/api/v1/inventory/stock/", {"zz": "1"}).status_code == 403


def test_strict_boolean_field() -> None:
    field = StrictBooleanField()
    assert [field.to_python(v) for v in ("true", "1", "FALSE", "0", "", None)] == [True, True, False, False, None, None]
    with pytest.raises(ValidationError):
        field.to_python("yes please")
