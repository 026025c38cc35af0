"""The console in a real browser (Playwright driving Debian's Chromium) against a live server."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext

from oms.core.roles import declared_grants
from oms.testing.fixtures import PASSWORD
from oms.web.modules import MODULES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


def nav_modules(page) -> list[str]:
    return page.locator("[data-testid=modules] [data-module]").evaluate_all("els => els.map(e => e.dataset.module)")


def granted_modules(role: str) -> list[str]:
    held = declared_grants()[role]
    return [m.code for m in MODULES if f"core.access_{m.code}" in held]


def test_sign_in_and_see_only_your_modules(page, make_user):
    make_user("order_clerk", username="clerk")
    make_user("warehouse", username="picker")

    sign_in(page, "clerk")
    page.wait_for_url("**/")
    clerk_modules = nav_modules(page)
    assert clerk_modules == granted_modules("order_clerk")
    assert "settings" not in clerk_modules
    page.click("[data-testid=user-menu]")
    page.click("[data-testid=logout]")
    page.wait_for_url("**/accounts/login/")

    sign_in(page, "picker")
    page.wait_for_url("**/")
    picker_modules = nav_modules(page)
    assert picker_modules == granted_modules("warehouse")
    assert picker_modules != clerk_modules
    # A module the role lacks is refused even when typed into the address bar.
    missing = next(m for m in ("orders", "settings") if m not in picker_modules)
    response = page.goto(f"/m/{missing}/")
    assert response is not None and response.status == 403
    assert page.locator("[data-testid=error-page]").is_visible()


def test_switch_language_to_simplified_and_traditional_chinese(page, make_user):
    make_user("viewer", username="viewer")
    sign_in(page, "viewer")
    page.wait_for_url("**/")
    expected = {}
    for lang in ("zh-hans", "zh-hant"):
        with translation.override(lang):
            expected[lang] = (gettext("Dashboard"), pgettext("module", "Orders"), gettext("Sign out"))
    assert expected["zh-hans"][0] != "Dashboard" and expected["zh-hans"] != expected["zh-hant"]

    for lang in ("zh-hans", "zh-hant"):
        page.click("[data-testid=user-menu]")
        with page.expect_navigation():
            page.select_option("#language-select", lang)
        dashboard, orders, sign_out = expected[lang]
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator("h1").first.inner_text() == dashboard
        assert page.locator("[data-module=orders]").inner_text() == orders
        assert page.locator("[data-testid=logout]").inner_text() == sign_out

    # The choice is kept for the user: a new browser session opens in Traditional Chinese.
    page.context.clear_cookies()
    sign_in(page, "viewer")
    page.wait_for_url("**/")
    assert page.locator("h1").first.inner_text() == expected["zh-hant"][0]


def test_five_wrong_passwords_then_the_right_one_shows_the_lockout(page, make_user, artifacts_dir):
    make_user("viewer", username="victim")
    for attempt in range(5):
        sign_in(page, "victim", f"wrong-{attempt}")
    sign_in(page, "victim", PASSWORD)
    alert = page.locator("[data-testid=lockout]")
    assert alert.is_visible()
    assert re.search(r"Try again after \d{4}-\d\d-\d\d \d\d:\d\d", alert.inner_text())
    assert "/accounts/login/" in page.url
    page.screenshot(path=str(artifacts_dir / "login-locked.png"))


def test_dashboard_screenshot(page, make_user, admin_user, artifacts_dir):
    make_user("viewer", username="li.na")
    sign_in(page, "li.na", "wrong")  # one failed sign-in so the chart has both colours
    sign_in(page, admin_user.username)
    page.wait_for_url("**/")
    assert page.locator("[data-testid=dashboard]").is_visible()
    assert page.locator("[data-panel=failed_today]").inner_text().strip().endswith("1")
    page.screenshot(path=str(artifacts_dir / "dashboard.png"), full_page=True)

    page.click("[data-testid=user-menu]")
    with page.expect_navigation():
        page.select_option("#language-select", "zh-hans")
    page.screenshot(path=str(artifacts_dir / "dashboard-zh-hans.png"), full_page=True)
    for name, url in [("lockouts", "/accounts/lockouts/"), ("sign-in-log", "/accounts/sign-ins/")]:
        page.goto(url)
        page.screenshot(path=str(artifacts_dir / f"{name}.png"), full_page=True)
    assert (artifacts_dir / "dashboard.png").stat().st_size > 10_000
