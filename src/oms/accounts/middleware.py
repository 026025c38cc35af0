from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation


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
    """Sends console users whose password expired (or was set by an administrator) to change it."""

    EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz", "/api/", "/webhooks/", "/track/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.EXEMPT_PREFIXES)
            and request.session.get("password_ok") is not True
        ):
            from oms.accounts.passwords import password_expired

            if password_expired(user):
                return redirect(reverse("accounts:password_change") + "?required=1")
            request.session["password_ok"] = True
        return self.get_response(request)
