"""pytest fixtures available to every test (registered by the root conftest)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from oms.testing import services

ARTIFACTS = Path(os.environ.get("OMS_TEST_ARTIFACTS", "test-artifacts")).resolve()
PASSWORD = "Correct-Horse-Battery-9"


@pytest.fixture(autouse=True)
def _fresh_runtime_parameters() -> Iterator[None]:
    """Runtime parameters are cached per process for 2 s; a test must not see the values of the test
    before it (whose rows were rolled back or flushed)."""
    from oms.system import params

    params.invalidate()
    yield
    params.invalidate()


@pytest.fixture(autouse=True)
def _language_reset() -> Iterator[None]:
    """A request served in Chinese leaves its language active in the thread (LocaleMiddleware never
    deactivates); the next test must start in the default language, as a new request would."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    """make_user("reviewer") -> a user in that built-in role, password PASSWORD."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from oms.accounts.models import UserProfile
    from oms.core.roles import ROLES, group_name

    counter = {"n": 0}

    def make(role: str | None = None, username: str | None = None, **extra: Any) -> Any:
        counter["n"] += 1
        name = username or f"{role or 'user'}{counter['n']}"
        user = get_user_model().objects.create_user(username=name, password=PASSWORD, **extra)
        if role:
            assert role in ROLES, role
            user.groups.add(Group.objects.get(name=group_name(role)))
        UserProfile.objects.get_or_create(user=user)
        return user

    return make


@pytest.fixture
def admin_user(make_user: Callable[..., Any]) -> Any:
    return make_user("administrator", username="boss")


@pytest.fixture
def admin_client(client: Any, admin_user: Any) -> Any:
    client.force_login(admin_user)
    return client


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Any]:
    path = services.chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium_browser: Any, live_server: Any) -> Iterator[Any]:
    context = chromium_browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 1366, "height": 900}
    )
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, list[Any]]]:
    """A real SMTP server on a free local port (aiosmtpd): (port, envelopes received)."""
    from aiosmtpd.controller import Controller

    received: list[Any] = []

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
            received.append(envelope)
            return "250 OK"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port, received
    controller.stop()


@pytest.fixture
def redis_url() -> str:
    return services.redis_url()


@pytest.fixture
def postgres_url() -> str:
    return services.postgres_url()
