#!/usr/bin/env python3
"""Take the user guide's screenshots from a running OMS (with demo data) in Debian's Chromium.

python scripts/screenshots.py http://127.0.0.1:8000 admin PASSWORD [--lang zh-hans]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

PAGES = [
    ("dashboard", "/"),
    ("orders-list", "/orders/"),
    ("orders-detail", None),  # the first order of the list
    ("orders-invalid", "/orders/invalid/"),
    ("orders-new", "/orders/new/"),
    ("review-queue", "/orders/review/"),
    ("review-rules", "/orders/review/rules/"),
    ("channels", "/channels/"),
    ("imports", "/channels/imports/"),
    ("inventory-stock", "/inventory/stock/"),
    ("inventory-analysis", "/inventory/analysis/"),
    ("inventory-transfers", "/inventory/transfers/"),
    ("settings-parameters", "/system/parameters/"),
    ("settings-users", "/system/users/"),
    ("settings-roles", "/system/roles/"),
    ("settings-backups", "/system/backups/"),
    ("settings-log", "/system/log/"),
]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("username")
    parser.add_argument("password")
    parser.add_argument("--out", default="docs/images")
    parser.add_argument("--lang", default="")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900}, base_url=args.base)
        page.goto("/accounts/login/")
        page.fill("#id_username", args.username)
        page.fill("#id_password", args.password)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        if args.lang:
            # The language menu sits in the closed user dropdown: submit its form directly.
            with page.expect_navigation():
                page.evaluate(
                    "lang => { const s = document.querySelector('#language-select');"
                    " s.value = lang; s.form.submit(); }",
                    args.lang,
                )
        suffix = f"-{args.lang}" if args.lang else ""
        for name, path in PAGES:
            if path is None:
                page.goto("/orders/")
                link = page.locator("table a[href^='/orders/']").first
                path = link.get_attribute("href") or "/orders/"
            page.goto(path)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(out / f"{name}{suffix}.png"), full_page=False)
            print("saved", name)
        browser.close()


if __name__ == "__main__":
    main()
