"""`next` after a console action: only a path on this site is followed (Django's own check)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from oms.core.redirects import safe_next

UNSAFE = ["//evil.example", "//evil.example/orders/", "https://evil.example/", "/\\evil.example", "https:evil", "\\\\x"]


@pytest.mark.parametrize("target", UNSAFE)
def test_other_hosts_fall_back_to_the_default(target: str) -> None:
    request = RequestFactory().post("/x/", {"next": target})
    assert safe_next(request, "/orders/") == "/orders/"


def test_a_path_on_this_site_is_followed() -> None:
    request = RequestFactory().post("/x/", {"next": "/orders/?status=invalid"})
    assert safe_next(request, "/orders/") == "/orders/?status=invalid"
