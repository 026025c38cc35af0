"""Finding the real services tests use. Missing ones skip the test with a message, except in CI
(CI=true or OMS_REQUIRE_SERVICES=1), where a missing service fails the run instead."""

from __future__ import annotations

import os
import shutil
import socket

import pytest

CHROMIUM = os.environ.get("OMS_CHROMIUM", "/usr/bin/chromium")


def required() -> bool:
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("OMS_REQUIRE_SERVICES") == "1"


def missing(what: str) -> None:
    message = f"{what} is not available on this machine"
    if required():
        pytest.fail(f"{message}, and CI must not skip this test", pytrace=False)
    pytest.skip(message)


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def redis_url() -> str:
    url = os.environ.get("OMS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    if not port_open("127.0.0.1", 6379):
        missing("Redis (127.0.0.1:6379)")
    return url


def postgres_url() -> str:
    url = os.environ.get("OMS_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
    if not port_open("127.0.0.1", 5432):
        missing("PostgreSQL (127.0.0.1:5432)")
    return url


def chromium_path() -> str:
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        missing(f"Chromium ({CHROMIUM}; install Debian's chromium package)")
    return CHROMIUM if os.path.exists(CHROMIUM) else str(shutil.which("chromium"))
