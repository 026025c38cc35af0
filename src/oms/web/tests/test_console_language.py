"""The console speaks Chinese: with the demo data loaded, the administrator opens every console page in
zh-Hans and in zh-Hant, and no English word may appear outside an allowlist (codes, numbers, units,
brand names, the demo's own identifiers).

Pages are found as a person finds them: every console URL without parameters, then every link those
pages show (one or two of each kind: one order detail stands for all). Text inside an element marked
`translate="no"` (HTML's own attribute for data that must not be translated, e.g. a raw delivery as
received) is left out; so are scripts and styles.
"""

from __future__ import annotations

import re
from collections import defaultdict
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

from oms.web.tests.test_permission_matrix import routes

pytestmark = pytest.mark.django_db

# Words that are the same in every language: brands, platforms, formats, units, standards.
ALLOWED = {
    w.lower()
    for line in (
        "OMS API REST ERP CSV Excel PDF XLSX JSON HTML HTTP HTTPS URL Webhook SKU SKUs ID IP VIP QR SMTP TLS SSL",
        "Shopify WooCommerce Tmall Taobao JD Pinduoduo Douyin YouZan SF EMS ZTO YTO STO",
        "kg km cm mm CNY USD HKD TWD OpenAPI Swagger PostgreSQL SQLite Redis Huey HTMX UTC USB LED",
        "ISO MOD Luhn STARTTLS YYMMDD YYYYMMDD",  # check-digit standards, a mail protocol, date patterns
        "English",  # the language switch names each language in its own words
        "admin consumer_key consumer_secret",  # Shopify's "Admin API"; WooCommerce's names for its keys
    )
    for w in line.split(" ")
}
PER_KIND = 2  # pages of each URL name to open
TABS = {"group", "state", "show", "stage"}  # query parameters that pick a tab: each tab is a page of its own
SKIP_PREFIXES = ("/api/", "/static/", "/i18n/", "/language/", "/accounts/logout", "/webhooks/", "/track/", "/admin/")
LATIN = re.compile(r"[A-Za-z0-9_@.\-]+")
HIDDEN_TAGS = {"script", "style", "template"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SHOWN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")


class _Text(HTMLParser):
    """The words a person sees on a page: text and the attributes a browser shows."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden)
        self.parts: list[str] = []
        self.links: list[str] = []

    @property
    def hidden(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        hidden = self.hidden or tag in HIDDEN_TAGS or a.get("translate") == "no"
        if not hidden:
            self.parts.extend(a[k] or "" for k in SHOWN_ATTRIBUTES if a.get(k))
            if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
                self.parts.append(a["value"] or "")
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
        if tag not in VOID:
            self.stack.append((tag, hidden))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def english_words(text: str, allowed: set[str]) -> set[str]:
    found = set()
    text = re.sub(r"https?://\S+", " ", text)  # an address to type is not a word
    for token in LATIN.findall(text):
        if any(c.isdigit() for c in token) or "@" in token or "." in token.strip("."):
            continue  # a number, a code with digits (SKU-0001, SO0001), an email, a host or file name
        for word in re.split(r"[.\-]", token):
            if len(word.strip("_")) >= 2 and word.lower() not in allowed:
                found.add(word)
    return found


def demo_identifiers() -> set[str]:
    """The demo's own codes and names (warehouse and channel codes, SKUs, user names): data, not words."""
    from django.contrib.auth import get_user_model

    from oms.channels.models import Channel
    from oms.inventory.models import Product, Warehouse

    values: list[str] = []
    values += Warehouse.objects.values_list("code", flat=True)
    values += Channel.objects.values_list("code", flat=True)
    values += Product.objects.values_list("sku", flat=True)
    values += get_user_model().objects.values_list("username", flat=True)
    return {w.lower() for v in values for w in re.split(r"[^A-Za-z]+", v) if w}


def _start_urls() -> list[str]:
    return [
        r.path
        for r in routes()
        if not r.api and "zz" not in r.path and "999999" not in r.path and not r.path.startswith(SKIP_PREFIXES)
    ]


def _crawl(client: Client, allowed: set[str]) -> tuple[dict[str, set[str]], int]:
    queue = _start_urls()
    seen: set[str] = set()
    per_kind: dict[str, int] = defaultdict(int)
    found: dict[str, set[str]] = {}
    pages = 0
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        path, _sep, query = url.partition("?")
        try:
            match = resolve(path)
        except Resolver404:
            continue
        kind = f"{match.view_name}?{query}"
        if per_kind[kind] >= PER_KIND:
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        per_kind[kind] += 1
        pages += 1
        parser = _Text()
        parser.feed(response.content.decode())
        words = english_words(" ".join(parser.parts), allowed)
        if words:
            found[url] = words
        for href in parser.links:
            parts = urlsplit(href)
            path = parts.path or url.partition("?")[0]  # "?group=x" stays on this page
            query = parse_qs(parts.query)
            if parts.scheme or parts.netloc or not path.startswith("/") or path.startswith(SKIP_PREFIXES):
                continue
            if query and not (set(query) <= TABS and len(query) == 1):
                continue  # searches, filters, exports, pagination: the same page again
            target = f"{path}?{parts.query}" if query else path
            if target not in seen:
                queue.append(target)
    return found, pages


def test_every_console_page_speaks_chinese() -> None:
    from django.contrib.auth import get_user_model

    call_command("demo", stdout=StringIO())
    admin = get_user_model().objects.get(username="admin")
    allowed = ALLOWED | demo_identifiers()
    problems = []
    for lang in ("zh-hans", "zh-hant"):
        admin.profile.language = lang
        admin.profile.save(update_fields=["language"])
        client = Client()
        client.force_login(admin)
        session = client.session
        session["password_ok"] = True
        session.save()
        found, pages = _crawl(client, allowed)
        assert pages >= 60, f"only {pages} pages opened in {lang}: the crawl lost its way"
        problems += [f"{lang} {url}: {' '.join(sorted(words))}" for url, words in sorted(found.items())]
    assert not problems, "English words on console pages:\n" + "\n".join(problems)


def test_the_check_finds_english_and_lets_codes_through() -> None:
    allowed = ALLOWED | {"tmall", "flagship"}
    assert english_words("订单 auto_review 已审核 Approved", allowed) == {"auto_review", "Approved"}
    assert english_words("SKU-0001 SO00000126 tmall-flagship a@b.cn security.lockout_failures", allowed) == set()
    assert english_words("https://shop.myshopify.com 导出 Excel", allowed) == set()
    page = _Text()
    page.feed('<p title="Hint">说明</p><pre translate="no">{"raw": true}</pre><script>var x = "y";</script>')
    assert english_words(" ".join(page.parts), allowed) == {"Hint"}
