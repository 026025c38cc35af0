"""django-axes hooks: limits from runtime parameters, a lockout page that says until when, and the
list of current lockouts for administrators.

Axes keeps one AccessAttempt row per (username, IP, user agent); the lockout is keyed on username + IP
(AXES_LOCKOUT_PARAMETERS), so the rows of one pair are summed here the same way axes sums them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from oms.system import params


def failure_limit(request: HttpRequest | None = None, credentials: Any = None) -> int:
    return int(params.get("security.lockout_failures"))


def cooloff_time(request: HttpRequest | None = None) -> timedelta:
    return timedelta(minutes=int(params.get("security.lockout_minutes")))


@dataclass(frozen=True)
class Lockout:
    username: str
    ip: str | None
    failures: int
    last_attempt: datetime
    until: datetime
    locked: bool


def attempts(username: str | None = None, ip: str | None = None, *, locked_only: bool = False) -> list[Lockout]:
    """Failed sign-ins still inside the cool-off window, one entry per username + IP, newest first."""
    from axes.models import AccessAttempt

    now = timezone.now()
    cooloff = cooloff_time()
    limit = failure_limit()
    rows = AccessAttempt.objects.filter(attempt_time__gte=now - cooloff)
    if username is not None:
        rows = rows.filter(username=username)
    if ip is not None:
        rows = rows.filter(ip_address=ip)
    grouped = (
        rows.values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .order_by("-last")
    )
    found = [
        Lockout(
            username=g["username"] or "",
            ip=g["ip_address"],
            failures=int(g["failures"] or 0),
            last_attempt=g["last"],
            until=g["last"] + cooloff,
            locked=int(g["failures"] or 0) >= limit,
        )
        for g in grouped
    ]
    return [f for f in found if f.locked] if locked_only else found


def locked_until(username: str, ip: str | None) -> datetime:
    """When the lockout of this username from this IP ends (the last counted failure + the cool-off)."""
    current = attempts(username, ip)
    if not current:
        return timezone.now() + cooloff_time()
    return current[0].until


def lockout_response(
    request: HttpRequest, response: Any = None, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    credentials = credentials or {}
    username = credentials.get("username") or request.POST.get("username", "")
    ip = getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR")
    until = locked_until(username, ip)
    from oms.accounts.forms import LoginForm

    form = LoginForm(request, data=None, initial={"username": username})
    return render(
        request,
        "accounts/login.html",
        {"form": form, "locked": True, "locked_until": timezone.localtime(until), "username": username},
        status=403,
    )
