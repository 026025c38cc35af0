"""django-axes hooks: limits from runtime parameters and a lockout page that says until when."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from oms.system import params


def failure_limit(request: HttpRequest | None = None, credentials: Any = None) -> int:
    return int(params.get("security.lockout_failures"))


def cooloff_time(request: HttpRequest | None = None) -> timedelta:
    return timedelta(minutes=int(params.get("security.lockout_minutes")))


def locked_until(username: str, ip: str | None) -> Any:
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.filter(username=username, ip_address=ip).order_by("-attempt_time").first()
    if attempt is None:
        return timezone.now() + cooloff_time()
    return attempt.attempt_time + cooloff_time()


def lockout_response(
    request: HttpRequest, response: Any = None, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    credentials = credentials or {}
    username = credentials.get("username") or request.POST.get("username", "")
    until = locked_until(username, request.META.get("REMOTE_ADDR"))
    from oms.accounts.forms import LoginForm

    form = LoginForm(request, data=None, initial={"username": username})
    return render(
        request,
        "accounts/login.html",
        {"form": form, "locked": True, "locked_until": timezone.localtime(until)},
        status=403,
    )
