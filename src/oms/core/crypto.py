"""Symmetric encryption for secrets kept in the database (channel secrets, SMTP password).

The key is derived from SECRET_KEY, so a backup restored with the same data dir decrypts. After the
key changes, the old keys listed in SECRET_KEY_FALLBACKS (OMS_SECRET_KEY_FALLBACKS) still decrypt;
`oms secrets --rotate` re-encrypts every stored secret with the current key. A secret no key
decrypts is an error that says so (SecretUndecryptable), never an empty string: an empty secret
would turn every signed webhook into "bad signature".
"""

from __future__ import annotations

import base64
import hashlib
import logging

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("oms.crypto")

CURRENT, FALLBACK, UNDECRYPTABLE, EMPTY = "current", "fallback", "undecryptable", "empty"


class SecretUndecryptable(ValueError):
    """A stored secret that neither the current key nor any fallback key decrypts."""

    message = _("The stored secret cannot be decrypted: the secret key changed. Set the secret again.")

    def __init__(self, what: str = "") -> None:
        self.what = what
        super().__init__(str(self.message))


def _fernet(key: str) -> Fernet:
    digest = hashlib.sha256(("oms-secrets:" + key).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _keys() -> list[str]:
    return [settings.SECRET_KEY, *[k for k in getattr(settings, "SECRET_KEY_FALLBACKS", []) if k]]


def encrypt(plain: str) -> str:
    if not plain:
        return ""
    return _fernet(settings.SECRET_KEY).encrypt(plain.encode()).decode()


def decrypt(token: str, what: str = "") -> str:
    """The plain text; raises SecretUndecryptable (and logs it) when no key decrypts `token`.
    `what` names the secret in the log ("channel shop-1 webhook secret")."""
    if not token:
        return ""
    try:
        return MultiFernet([_fernet(k) for k in _keys()]).decrypt(token.encode()).decode()
    except InvalidToken:
        logger.error("secret cannot be decrypted (the secret key changed): %s", what or "unnamed secret")
        raise SecretUndecryptable(what) from None


def key_state(token: str) -> str:
    """Which key decrypts `token`: CURRENT, FALLBACK (needs rotating), UNDECRYPTABLE or EMPTY."""
    if not token:
        return EMPTY
    for index, key in enumerate(_keys()):
        try:
            _fernet(key).decrypt(token.encode())
        except InvalidToken:
            continue
        return CURRENT if index == 0 else FALLBACK
    return UNDECRYPTABLE


def rotate(token: str) -> str:
    """`token` re-encrypted with the current key (raises SecretUndecryptable when no key reads it)."""
    if not token:
        return ""
    try:
        return MultiFernet([_fernet(k) for k in _keys()]).rotate(token.encode()).decode()
    except InvalidToken:
        raise SecretUndecryptable() from None


def same_secret(a: str, b: str) -> bool:
    """Whether two stored secrets hold the same text (an undecryptable one equals nothing)."""
    try:
        return decrypt(a) == decrypt(b)
    except SecretUndecryptable:
        return False
