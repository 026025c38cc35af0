"""Names of uploaded files, made safe to use as a path and to show.

A browser sends whatever name the file had: 300 characters, or 255 Chinese characters that are
765 bytes, while most file systems allow 255 bytes per name (and we prefix a digest and append
".part"). Django keeps only the last 255 characters; we keep fewer, counted in bytes, cutting the
stem and keeping the extension so the format can still be recognised from it.
"""

from __future__ import annotations

import unicodedata
from pathlib import PurePath

MAX_NAME_BYTES = 120  # room for a digest prefix, a suffix and the longest folder we add
_MAX_SUFFIX_BYTES = 16


def _cut(text: str, max_bytes: int) -> str:
    """The longest prefix of text that is at most max_bytes in UTF-8 (never half a character)."""
    return text.encode()[:max_bytes].decode(errors="ignore")


def safe_name(name: str | None, default: str = "upload", max_bytes: int = MAX_NAME_BYTES) -> str:
    """The last path part of name, without control characters, at most max_bytes of UTF-8."""
    text = (name or "").replace("\\", "/")
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    base = PurePath(text).name.strip().lstrip(".") if text else ""
    if not base:
        return default
    if len(base.encode()) <= max_bytes:
        return base
    suffix = PurePath(base).suffix
    if len(suffix.encode()) > _MAX_SUFFIX_BYTES:
        suffix = ""
    stem = base[: len(base) - len(suffix)] if suffix else base
    return _cut(stem, max_bytes - len(suffix.encode())).rstrip() + suffix
