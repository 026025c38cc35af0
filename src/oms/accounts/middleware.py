from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from oms.accounts.signals import SESSION_ACTIVITY_KEY


class SessionIdleTimeoutMiddleware:
    """Signs a console session out after `security.session_timeout_minutes` without a request."""

    # Writing the session on every request would cost a database write each time; a minute is precise enough.
    TOUCH_EVERY_SECONDS = 60

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is not None and user.is_authenticated and session is not None:
            from oms.system import params

            now = int(time.time())
            last = session.get(SESSION_ACTIVITY_KEY)
            timeout = int(params.get("security.session_timeout_minutes")) * 60
            if last is not None and now - int(last) > timeout:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)  # continues as anonymous: the API answers 401/403
                messages.info(
                    request,
                    _("You were signed out after %(minutes)d minutes without activity.") % {"minutes": timeout // 60},
                )
                response = redirect_to_login(request.get_full_path())
                if getattr(request, "htmx", False):
                    # A partial update must not paste the sign-in page into the page: reload it whole.
                    partial = HttpResponse(status=204)
                    partial["HX-Redirect"] = response["Location"]
                    return partial
                return response
            if last is None or now - int(last) >= self.TOUCH_EVERY_SECONDS:
                session[SESSION_ACTIVITY_KEY] = now
        return self.get_response(request)


class UserLanguageMiddleware:
    """A signed-in user's chosen language wins over the browser's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            profile = getattr(user, "profile", None) if hasattr(user, "profile") else None
            if profile is not None and profile.language:
                translation.activate(profile.language)
                request.LANGUAGE_CODE = profile.language
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """Sends console users whose password expired (or was set by an administrator) to change it first."""

    EXEMPT_PREFIXES = ("/static/", "/i18n/", "/language/", "/healthz", "/api/", "/webhooks/", "/track/")
    EXEMPT_URL_NAMES = ("accounts:login", "accounts:logout", "accounts:password_change")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.session.get("password_ok") is not True
            and not request.path.startswith(self.EXEMPT_PREFIXES)
            and request.path not in {reverse(name) for name in self.EXEMPT_URL_NAMES}
        ):
            from oms.accounts.passwords import password_expired

            if password_expired(user):
                return redirect(reverse("accounts:password_change") + "?required=1")
            request.session["password_ok"] = True
        return self.get_response(request)
