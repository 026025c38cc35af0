"""The one HMAC helper: sign a body with a shared secret, and check a signature in constant time.

Platforms sign their webhooks (Shopify and WooCommerce: base64 of HMAC-SHA256), and we sign what we
send; every adapter and sender goes through here rather than calling hmac itself.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from typing import Literal

Encoding = Literal["base64", "hex"]


def digest(secret: str | bytes, body: bytes, *, algorithm: str = "sha256") -> bytes:
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, body, getattr(hashlib, algorithm)).digest()


def sign(secret: str | bytes, body: bytes, *, encoding: Encoding = "base64", algorithm: str = "sha256") -> str:
    raw = digest(secret, body, algorithm=algorithm)
    return base64.b64encode(raw).decode() if encoding == "base64" else raw.hex()


def verify(
    secret: str | bytes,
    body: bytes,
    signature: str | None,
    *,
    encoding: Encoding = "base64",
    algorithm: str = "sha256",
) -> bool:
    """True when `signature` is the HMAC of `body`; False for no secret, no signature or a malformed one."""
    if not secret or not signature:
        return False
    try:
        given = (
            base64.b64decode(signature.strip(), validate=True)
            if encoding == "base64"
            else bytes.fromhex(signature.strip())
        )
    except (binascii.Error, ValueError):
        return False
    return hmac.compare_digest(digest(secret, body, algorithm=algorithm), given)
