"""Where to go back to after a console action: the `next` the form sent, if Django says it is safe."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, default: str) -> str:
    """`next` from the POST (or GET) when it points into this site, else `default`.

    Django's own check: "//evil.example", "https:evil", "/\\evil" and other hosts are refused;
    a bare "startswith('/')" let "//host" through."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
