"""django-axes hooks: limits from runtime parameters, a lockout page that says until when, and the
list of current lockouts for administrators.

Axes keeps one AccessAttempt row per (username, IP, user agent); the lockout is keyed on username + IP
(AXES_LOCKOUT_PARAMETERS), so the rows of one pair are summed here the same way axes sums them.

A second, per-user limit counts a username's failures from every address over a longer window (the
sign-in log is the count: failures since the last success or lift), so that a lock from one address
cannot be side-stepped by guessing from others. `UserLockoutBackend` enforces it for every
authenticate() call; a try refused by it is logged as "locked" and is not counted again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from oms.system import params


def user_failure_limit() -> int:
    return int(params.get("security.user_lockout_failures"))


def user_window() -> timedelta:
    return timedelta(minutes=int(params.get("security.user_lockout_minutes")))


def user_failures(username: str, limit: int | None = None) -> list[datetime]:
    """Times of the username's failed sign-ins (any address) inside the window, newest first (at most
    `limit`); a success or an administrator's lift starts the count again."""
    from oms.accounts.models import LoginRecord

    R = LoginRecord.Result
    since = timezone.now() - user_window()
    rows = LoginRecord.objects.filter(username=username, created_at__gte=since)
    reset = rows.filter(result__in=[R.SUCCESS, R.LIFTED]).order_by("-created_at").values_list("created_at", flat=True)
    if last_reset := reset.first():
        rows = rows.filter(created_at__gt=last_reset)
    failures = rows.filter(result=R.FAILURE).order_by("-created_at").values_list("created_at", flat=True)
    return list(failures[:limit] if limit else failures)


def user_locked_until(username: str) -> datetime | None:
    """When the per-user lockout ends (the failure that reached the limit leaves the window), or None."""
    if not username:
        return None
    limit = user_failure_limit()
    failures = user_failures(username, limit)
    if len(failures) < limit:
        return None
    return failures[limit - 1] + user_window()


def user_lockouts() -> list[tuple[str, datetime]]:
    """Usernames locked across addresses right now, with when each lock ends (for the lockouts page)."""
    from oms.accounts.models import LoginRecord

    since = timezone.now() - user_window()
    names = (
        LoginRecord.objects.filter(result=LoginRecord.Result.FAILURE, created_at__gte=since)
        .values("username")
        .annotate(n=Count("pk"))
        .filter(n__gte=user_failure_limit())
        .values_list("username", flat=True)
    )
    found = [(name, user_locked_until(name)) for name in names]
    return [(name, until) for name, until in found if until]


class UserLockoutBackend:
    """Refuses every password check for a username locked across addresses (before ModelBackend)."""

    def authenticate(self, request: Any, username: str | None = None, password: str | None = None, **kw: Any) -> None:
        if request is not None and username and user_locked_until(username):
            request.oms_user_locked = True
            raise PermissionDenied  # authenticate() stops here and sends user_login_failed
        return None  # no get_user(): this backend never signs anyone in, so sessions never name it


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
    until = user_locked_until(username) or locked_until(username, ip)
    from oms.accounts.forms import LoginForm

    form = LoginForm(request, data=None, initial={"username": username})
    return render(
        request,
        "accounts/login.html",
        {"form": form, "locked": True, "locked_until": timezone.localtime(until), "username": username},
        status=403,
    )
