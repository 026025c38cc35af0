"""Loaded as a pytest plugin (`-p oms.testing.env`) before Django's settings are read:
every test run gets a throw-away data dir, immediate Huey and, when asked, another database."""

from __future__ import annotations

import os
import shutil
import tempfile

_DATA = tempfile.mkdtemp(prefix="oms-test-")
os.environ["OMS_DATA_DIR"] = _DATA
os.makedirs(os.path.join(_DATA, "static"), exist_ok=True)  # whitenoise warns about a missing STATIC_ROOT
os.environ.setdefault("OMS_HUEY_IMMEDIATE", "1")
os.environ.setdefault("OMS_FAST_PASSWORD_HASHER", "1")
os.environ.setdefault("OMS_SECRET_KEY", "test-secret-key-not-for-production")
# Playwright's sync API runs an event loop in the test thread; Django's ORM is still used synchronously.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.pop("OMS_REDIS_URL", None)
if os.environ.get("OMS_TEST_DATABASE_URL"):
    os.environ["OMS_DATABASE_URL"] = os.environ["OMS_TEST_DATABASE_URL"]
else:
    os.environ.pop("OMS_DATABASE_URL", None)


def pytest_unconfigure(config: object) -> None:
    shutil.rmtree(_DATA, ignore_errors=True)
