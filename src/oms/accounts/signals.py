"""The login log, written from Django's auth signals (after django-axes has looked at the attempt)."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import get_user_model

from oms.core.actor import client_ip

SESSION_ACTIVITY_KEY = "oms_last_activity"


def _record(request: Any, username: str, result: str, user: Any = None) -> None:
    from oms.accounts.models import LoginRecord

    if request is None:
        return  # authenticate() called outside a request (shell, tests): nothing to log
    if user is None and username:
        user = get_user_model().objects.filter(username=username).first()
    LoginRecord.objects.create(
        username=(username or "")[:150],
        user=user,
        result=result,
        ip=getattr(request, "axes_ip_address", None) or client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT") or "")[:300],
    )


def on_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from oms.accounts.models import LoginRecord

    _record(request, user.get_username(), LoginRecord.Result.SUCCESS, user)
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_ACTIVITY_KEY] = int(time.time())


def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    from oms.accounts.models import LoginRecord

    # Axes' handler runs first: a try refused because of an existing lockout is flagged as locked out
    # and never counted (axes_failures_since_start stays None); the try that causes a lockout is counted.
    refused_while_locked = getattr(request, "oms_user_locked", False) or (
        getattr(request, "axes_locked_out", False) and getattr(request, "axes_failures_since_start", None) is None
    )
    result = LoginRecord.Result.LOCKED if refused_while_locked else LoginRecord.Result.FAILURE
    _record(request, str(credentials.get("username") or ""), result)
