"""API tokens: `Authorization: Token <key>` or `Authorization: Bearer <key>`. Only a hash of each key
is stored. The last use is recorded at most once a minute per token, not written on every request."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    return secrets.token_hex(20)


LAST_USE_PRECISION = timedelta(minutes=1)


def note_use(token: Any) -> bool:
    """Record that `token` was used now, unless that was recorded less than a minute ago. The
    condition is in the UPDATE, so concurrent requests write once. Returns whether it wrote."""
    from oms.accounts.models import ApiToken

    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USE_PRECISION:
        return False
    stale = Q(last_used_at=None) | Q(last_used_at__lte=now - LAST_USE_PRECISION)
    return bool(ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now))


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"
    keywords = (b"token", b"bearer")

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            key = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from exc
        from oms.accounts.models import ApiToken

        token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key), revoked_at=None).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        note_use(token)
        return token.user, token

    def authenticate_header(self, request: Any) -> str:
        return self.keyword
