"""Object scope over EVERY URL of the project: a user limited to one warehouse, or to one channel, with a
role that may otherwise do everything, sees and touches only what is inside that scope.

The data: warehouses IN (the user's), EDGE (only ever the other end of a transfer or lane that touches
IN) and OUT; channels IN and OUT; and in each of them the rows every page lists (stock, moves, bins,
thresholds, alerts, counts, shipping costs, lanes, transfer plans and lines, orders in every queue with
reservations, holds, shortages and intake alerts, SKU mappings, deliveries, imports), and people limited
like the user, elsewhere or not at all, with their API tokens, sign-ins and lockouts. Before building it
every table's id sequence is moved to its own range, so an id names exactly one row in the database.

For the limited user, walking the URL conf (console and API; public pages hold no user's data):
- every page without arguments (lists, forms, dashboards) and every export linked from it answers
  without a word that names an out-of-scope row (codes, names, numbers, usernames: the world's markers);
- every bulk form those pages hold (a POST form with `ids` checkboxes) is sent, with every operation
  any page offers, the ids of out-of-scope rows only: none of them changes, and no answer (an export
  of the selection) names one;
- every page with an id argument is tried with the ids of the in-scope and shared rows: the ones it
  answers (which tells which model the route addresses) must not name an out-of-scope row either
  (details, their lines, their forms' choices); then with the ids of the out-of-scope rows of those
  models, by GET, POST (and PATCH/PUT/DELETE on the API): always 404 (405 when the method is not
  served), and no table changes;
- a route that no row of the data answers must be in SCOPE_FREE, with the reason.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, models
from django.test import Client
from rest_framework.test import APIClient

from oms.core.actor import Actor
from oms.core.permissions import PUBLIC
from oms.web.tests.test_permission_matrix import PLACEHOLDERS, Route, routes

pytestmark = pytest.mark.django_db

# Routes with an id argument whose rows carry no data scope (so no in-scope row reaches them), and why.
# POST-only routes that are not listed here are tried with the id of every out-of-scope row.
SCOPE_FREE = {
    "system:parameter_restore": "runtime parameters are deployment-wide",
    "api:settings-revision-restore": "runtime parameters are deployment-wide",
    "system:role_update": "roles are deployment-wide",
    "inventory:product_kit": "products are a shared catalogue",
}

# API fields (None: the whole answer) recorded as the history of an in-scope row, which may name a row
# outside the scope, and why.
ORDER_HISTORY = (
    "an order's events are its history as recorded (e.g. which warehouse reserved it); orders are scoped "
    "by channel, so a user limited to warehouses reads the whole order (docs/data-scopes.md)"
)
HISTORY_FIELDS: dict[str, tuple[str | None, str]] = {
    "api:order": ("events", ORDER_HISTORY),
    "api:order-events": (None, ORDER_HISTORY),
}

WRITE_METHODS_API = ("post", "patch", "put", "delete")


@dataclass
class World:
    markers: list[str]  # words that name an out-of-scope row
    inside: list[models.Model] = field(default_factory=list)  # in scope or shared: probes
    outside: list[models.Model] = field(default_factory=list)  # must answer 404
    bystanders: list[models.Model] = field(default_factory=list)  # also outside; only sent in bulk actions
    user: Any = None


def _spread_sequences() -> None:
    """Give every table its own id range, so that one id names one row in the whole database."""
    tables = sorted(
        (m._meta.db_table, m._meta.pk.column)
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and m._meta.pk.get_internal_type() in ("AutoField", "BigAutoField", "SmallAutoField")
    )
    with connection.cursor() as cur:
        for i, (table, column) in enumerate(tables, 1):
            start = i * 1_000_000  # about 100 tables: far below the 32-bit limit
            if connection.vendor == "sqlite":
                cur.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                cur.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, start])
            else:  # setval is not rolled back: later tests get ids from these ranges, which is harmless
                cur.execute("SELECT setval(pg_get_serial_sequence(%s, %s), %s)", [table, column, start])


def _build(kind: str, make_user: Any) -> World:
    from decimal import Decimal

    from axes.models import AccessAttempt

    from oms.accounts.actions import issue_token
    from oms.accounts.models import LoginRecord, UserProfile
    from oms.channels.models import Channel, ImportJob, InboundDelivery, SkuMapping
    from oms.inventory import actions
    from oms.inventory.models import (
        Lane,
        Location,
        Product,
        ShippingCost,
        Stock,
        StockMove,
        StockThreshold,
        TransferLine,
        TransferPlan,
        Warehouse,
    )
    from oms.monitoring import actions as alerts
    from oms.monitoring.kinds import AlertKind
    from oms.monitoring.subjects import Subject
    from oms.orders.models import ClassificationRule, Order, OrderLine, SavedView
    from oms.orders.review.models import BlacklistEntry, OrderHold, ReviewRule
    from oms.orders.review.rules import OUTCOMES

    _spread_sequences()
    system = Actor.system("scope-test")

    def warehouse(code: str, name: str) -> Warehouse:
        return Warehouse.objects.create(code=code, name=name, province="上海", priority=10)

    w_in, w_edge, w_out = (
        warehouse("ZQA-IN", "Zq Inner Depot"),
        warehouse("ZQB-EDGE", "Zq Edge Depot"),
        warehouse("ZQC-OUT", "Zq Outer Depot"),
    )
    c_in = Channel.objects.create(code="zq-in-shop", name="Zq Inner Shop", platform="manual")
    c_out = Channel.objects.create(code="zq-out-shop", name="Zq Outer Shop", platform="manual")
    product = Product.objects.create(sku="ZQ-SKU-1", name="Zq tea", unit_cost=Decimal("5"), list_price=Decimal("9"))
    for w in (w_in, w_edge, w_out):
        actions.receive(product_id=product.pk, warehouse_id=w.pk, quantity=50, actor=system, reason="scope test")
    per_warehouse: dict[int, list[models.Model]] = {}
    for w in (w_in, w_out):
        rows: list[models.Model] = [
            w,
            Location.objects.create(warehouse=w, code=f"BIN-{w.code}"),
            StockThreshold.objects.create(product=product, warehouse=w, minimum=80, target=100),
            alerts.raise_alert(
                AlertKind.LOW_STOCK,
                Subject.row("inventory.product", product.pk, f"warehouse:{w.pk}"),
                params={
                    "sku": product.sku,
                    "warehouse": w.name,
                    "warehouse_code": w.code,
                    "threshold": 80,
                    "available": 50,
                    "lowest": 50,
                },
                warehouse_id=w.pk,
            ),  # fmt: skip
            ShippingCost.objects.create(warehouse=w, province="上海", base=Decimal("6")),
            actions.open_count(warehouse_id=w.pk, actor=system),
            Stock.objects.get(product=product, warehouse=w),
            StockMove.objects.filter(warehouse=w).first(),
        ]
        per_warehouse[w.pk] = [r for r in rows if r is not None]
    lane_in = Lane.objects.create(source=w_in, destination=w_edge, unit_cost=Decimal("1"), lead_time_days=2)
    lane_out = Lane.objects.create(source=w_edge, destination=w_out, unit_cost=Decimal("1"), lead_time_days=2)

    def plan(number: str, legs: Iterable[tuple[Warehouse, Warehouse]]) -> tuple[TransferPlan, list[TransferLine]]:
        p = TransferPlan.objects.create(number=number, created_by="scope-test")
        lines = [
            TransferLine.objects.create(plan=p, source=a, destination=b, product=product, quantity=1) for a, b in legs
        ]
        return p, lines

    plan_in, lines_in = plan("ZQTP-IN", [(w_in, w_edge)])
    plan_out, lines_out = plan("ZQTP-OUT", [(w_edge, w_out)])
    plan_mix, (mix_in, mix_out) = plan("ZQTP-MIX", [(w_in, w_edge), (w_edge, w_out)])

    def order(number: str, ch: Channel, customer: str, w: Warehouse) -> Order:
        o = Order.objects.create(
            number=number, channel=ch, external_id=f"EXT-{number}", province="上海", status="approved",
            customer_name=customer,
        )  # fmt: skip
        line = OrderLine.objects.create(order=o, line_no=1, product=product, sku=product.sku, name="t", quantity=1)
        actions.override_routing(o.pk, system, {line.pk: w.pk}, "scope test")
        return o

    # Orders are scoped by channel; their reservations by warehouse (see docs/data-scopes.md).
    order_in = order("ZQ-ORD-IN", c_in, "Zq Insider", w_in)
    order_out = order("ZQ-ORD-OUT", c_out, "Zq Outsider", w_out)
    # Orders in every queue (review, invalid, rejected, holds, shortages, intake alerts) of both channels.
    queued_out: list[models.Model] = []
    alerts_out: list[models.Model] = []  # the intake and shortage alerts of the outer channel's orders
    for ch, word in ((c_in, "IN"), (c_out, "OUT")):
        for status in ("pending_review", "pending_finance", "invalid", "rejected", "on_hold", "awaiting_stock"):
            queued = Order.objects.create(
                number=f"ZQ-ORD-{word}-{status}", channel=ch, external_id=f"EXT-{word}-{status}", province="上海",
                status=status, customer_name=f"Zq {word.title()}sider",
            )  # fmt: skip
            OrderLine.objects.create(order=queued, line_no=1, product=product, sku=product.sku, name="t", quantity=1)
            if ch == c_out:
                queued_out.append(queued)
            if status == "on_hold":
                OrderHold.objects.create(order=queued, reason="scope test", held_from="pending_review")
            alert = None
            if status == "awaiting_stock":
                alert = alerts.raise_alert(
                    AlertKind.STOCK_SHORTAGE, Subject.of(queued), cause=f"product:{product.pk}",
                    params={"number": queued.number, "sku": product.sku, "product_id": product.pk, "quantity": 1},
                    channel_id=ch.pk,
                )  # fmt: skip
            if status == "invalid":
                alert = alerts.raise_alert(
                    AlertKind.INTAKE_PROBLEMS, Subject.of(queued), params={"number": queued.number}, channel_id=ch.pk
                )
            if alert is not None and ch == c_out:
                alerts_out.append(alert)
    channel_rows: dict[int, list[models.Model]] = {}
    for ch in (c_in, c_out):
        delivery = InboundDelivery.objects.create(channel=ch, kind="api", dedupe_key=f"zq-{ch.code}")
        channel_rows[ch.pk] = [
            ch,
            SkuMapping.objects.create(channel=ch, platform_sku=f"PSKU-{ch.code}", product=product),
            delivery,
            ImportJob.objects.create(channel=ch, format="csv", fingerprint=f"zq-{ch.code}", file_names=["a.csv"]),
        ]

    user = make_user("administrator", username=f"zq-{kind}")
    # People: a colleague limited like the user (theirs to administer), one limited elsewhere and one
    # not limited at all (both see more than the user: not theirs to see or administer).
    colleague = make_user("warehouse", username="zq-colleague")
    outsider = make_user("warehouse", username="zq-outer-clerk")
    unlimited = make_user("warehouse", username="zq-unlimited-clerk")
    people_out = ["zq-outer-clerk", "zq-unlimited-clerk"]
    tokens_out = [issue_token(actor=system, user=u, name="scope test")[0] for u in (outsider, unlimited)]
    # Shared configuration (every user reaches it) and saved views (each user's own).
    shared: list[models.Model] = [
        product, user, colleague,
        ReviewRule.objects.create(code="zq-rule", kind="notes_present", outcome=OUTCOMES[1][0]),
        BlacklistEntry.objects.create(kind="phone", value="13900000000", reason="scope test"),
        ClassificationRule.objects.create(name="Zq rule", field="amount", operator="lt", value="1", label="zq-class"),
        SavedView.objects.create(user=user, name="Zq mine", query="status=approved"),
    ]  # fmt: skip
    rows_of_people_out = [outsider, unlimited, *tokens_out, SavedView.objects.create(user=outsider, name="Zq theirs")]
    for person in (colleague, outsider, unlimited):  # their sign-ins and a lockout
        LoginRecord.objects.create(username=person.username, user=person, result="failure", ip="10.9.9.9")
        AccessAttempt.objects.create(
            username=person.username, ip_address="10.9.9.9", user_agent="t", http_accept="*/*", path_info="/",
            get_data="", post_data="", failures_since_start=9,
        )  # fmt: skip
    if kind == "warehouse":
        for person in (user, colleague):
            UserProfile.objects.get(user=person).warehouses.set([w_in])
        UserProfile.objects.get(user=outsider).warehouses.set([w_out])
        world = World(markers=["ZQC-OUT", "Zq Outer Depot", "ZQTP-OUT", "BIN-ZQC-OUT", *people_out], user=user)
        world.inside = [*per_warehouse[w_in.pk], lane_in, plan_in, plan_mix, *lines_in, mix_in, *shared]
        world.inside += [order_in, order_out, *channel_rows[c_in.pk], *channel_rows[c_out.pk]]
        world.outside = [*per_warehouse[w_out.pk], lane_out, plan_out, *lines_out, mix_out, *rows_of_people_out]
    else:
        for person in (user, colleague):
            UserProfile.objects.get(user=person).channels.set([c_in])
        UserProfile.objects.get(user=outsider).channels.set([c_out])
        markers = ["zq-out-shop", "Zq Outer Shop", "ZQ-ORD-OUT", "Zq Outsider", "PSKU-zq-out", *people_out]
        world = World(markers=markers, user=user)
        world.inside = [*per_warehouse[w_in.pk], *per_warehouse[w_out.pk], lane_in, lane_out, *shared]
        world.inside += [plan_in, plan_out, plan_mix, *lines_in, *lines_out, mix_in, mix_out]
        world.inside += [order_in, *channel_rows[c_in.pk]]
        world.outside = [order_out, *channel_rows[c_out.pk], *rows_of_people_out, *alerts_out]
        world.bystanders = queued_out
    return world


# --- reading what a response shows ---


def _text(response: Any) -> str:
    """Everything a person or program could read in the response, exports unpacked."""
    content = getattr(response, "streaming_content", None)
    raw = b"".join(content) if content is not None else response.content
    kind = response.get("Content-Type", "")
    if raw[:2] == b"PK":  # xlsx: the shared strings and sheets are XML inside a zip
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            return " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
    if "pdf" in kind:
        return raw.decode("latin-1")
    return raw.decode("utf-8", "replace")


def _leaks(response: Any, markers: list[str], route: Route | None = None) -> list[str]:
    text = _text(response)
    if route is not None and route.name in HISTORY_FIELDS and response.status_code == 200:
        history = HISTORY_FIELDS[route.name][0]
        if history is None:
            return []
        data = response.json()
        data.pop(history, None)
        text = json.dumps(data, ensure_ascii=False)
    return [m for m in markers if m in text]


EXPORT_LINK = re.compile(r"""href="([^"]*[?&](?:amp;)?export=[^"]*)\"""")


def _export_links(response: Any) -> list[str]:
    if "html" not in response.get("Content-Type", ""):
        return []
    return sorted({m.replace("&amp;", "&") for m in EXPORT_LINK.findall(response.content.decode("utf-8", "replace"))})


FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
FORM_ACTION = re.compile(r'\baction="([^"]*)"')
FORM_ID = re.compile(r'\bid="([^"]*)"')
OP_VALUE = re.compile(r'name="(?:action|op)"[^>]*?\bvalue="([^"{]*)"')
OP_SELECT = re.compile(r'<select[^>]*name="(?:action|op)"[^>]*>(.*?)</select>', re.S)
OPTION_VALUE = re.compile(r'<option[^>]*value="([^"]*)"')


def _bulk_forms(response: Any, path: str) -> tuple[set[str], set[str]]:
    """(targets, operations) of the page's POST forms that act on selected rows (`ids`)."""
    if "html" not in response.get("Content-Type", ""):
        return set(), set()
    html = response.content.decode("utf-8", "replace")
    targets: set[str] = set()
    for attrs, body in FORM.findall(html):
        form_id = FORM_ID.search(attrs)
        selects_rows = 'name="ids"' in body or (
            form_id is not None
            and re.search(rf'name="ids"[^>]*form="{form_id.group(1)}"|form="{form_id.group(1)}"[^>]*name="ids"', html)
        )
        if 'method="post"' in attrs.lower() and selects_rows:
            action = FORM_ACTION.search(attrs)
            targets.add((action.group(1) if action and action.group(1) else path).replace("&amp;", "&"))
    ops = set(OP_VALUE.findall(html))
    for options in OP_SELECT.findall(html):
        ops |= {v for v in OPTION_VALUE.findall(options) if v}
    return targets, ops


def _snapshot(rows: Iterable[models.Model]) -> dict[str, Any]:
    return {_label(r): type(r)._default_manager.filter(pk=r.pk).values().first() for r in rows}


def _clients(user: Any) -> tuple[Client, APIClient]:
    console = Client()
    console.force_login(user)
    api = APIClient()
    api.force_authenticate(user)
    return console, api


def _row_counts() -> dict[str, int]:
    return {
        m._meta.db_table: m._default_manager.count()
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and m._meta.db_table != "django_session"
    }


def _signed_in_routes() -> list[Route]:
    """Public pages (sign-in, health, webhooks keyed by a channel's secret) show no data of a user."""
    return [r for r in routes() if r.module and r.module != PUBLIC]


def _id_routes() -> list[Route]:
    return [r for r in _signed_in_routes() if PLACEHOLDERS["int"] in r.path]


def _plain_routes() -> list[Route]:
    return [r for r in _signed_in_routes() if PLACEHOLDERS["int"] not in r.path and "zz-placeholder" not in r.path]


def _at(route: Route, pk: int) -> str:
    return route.path.replace(PLACEHOLDERS["int"], str(pk))


def _label(obj: models.Model) -> str:
    return f"{obj._meta.label} {obj.pk}"


@pytest.fixture(params=["warehouse", "channel"])
def world(request: Any, make_user: Any) -> World:
    return _build(request.param, make_user)


def test_pages_exports_and_bulk_actions_show_and_touch_only_what_is_in_scope(world: World):
    console, api = _clients(world.user)
    problems: list[str] = []
    bulk_targets: set[str] = set()
    bulk_ops: set[str] = set()
    for route in _plain_routes():
        c = api if route.api else console
        response = c.get(route.path)
        if response.status_code == 405:
            continue
        assert response.status_code < 500, f"{route.path} answered {response.status_code}"
        problems += [f"{route.path} shows {m!r}" for m in _leaks(response, world.markers)]
        for link in _export_links(response):
            link = link if link.startswith("/") else f"{route.path}{link}"
            export = console.get(link)
            problems += [f"{link} (export) shows {m!r}" for m in _leaks(export, world.markers)]
        targets, ops = _bulk_forms(response, route.path)
        bulk_targets |= targets
        bulk_ops |= ops

    # Every bulk form, with every operation any page offers, on the ids of out-of-scope rows only.
    outside = [*world.outside, *world.bystanders]
    before = _snapshot(outside)
    ids = [str(r.pk) for r in outside]
    for target in sorted(bulk_targets):
        for op in sorted(bulk_ops):
            response = console.post(target, {"ids": ids, "action": op, "op": op, "reason": "scope", "next": "/"})
            assert response.status_code < 500, f"POST {target} {op}: {response.status_code}"
            problems += [f"POST {target} ({op}) shows {m!r}" for m in _leaks(response, world.markers)]
    after = _snapshot(outside)
    problems += [
        f"bulk actions changed {label}: {before[label]} -> {after[label]}"
        for label in before
        if before[label] != after[label]
    ]
    assert len(bulk_targets) >= 5 and len(bulk_ops) >= 5, (bulk_targets, bulk_ops)
    assert not problems, "\n".join(problems)


def test_objects_outside_the_scope_answer_404_everywhere(world: World):
    console, api = _clients(world.user)
    problems: list[str] = []
    unreached: list[str] = []
    attempts: list[tuple[Route, models.Model]] = []
    for route in _id_routes():
        c = api if route.api else console
        reached: set[type[models.Model]] = set()
        post_only = False
        for obj in world.inside:
            response = c.get(_at(route, obj.pk))
            if response.status_code == 405:
                post_only = True
                break
            if response.status_code == 404:
                continue
            assert response.status_code < 500, f"{_at(route, obj.pk)} ({_label(obj)}) answered {response.status_code}"
            reached.add(type(obj))
            leaks = _leaks(response, world.markers, route)
            problems += [f"{_at(route, obj.pk)} ({_label(obj)}) shows {m!r}" for m in leaks]
        if route.name in SCOPE_FREE:
            continue
        if post_only:
            attempts += [(route, obj) for obj in world.outside]  # cannot tell the model: try them all
            continue
        if not reached and route.name not in SCOPE_FREE:
            unreached.append(route.name)
        attempts += [(route, obj) for obj in world.outside if type(obj) in reached]

    before = _row_counts()
    for route, obj in attempts:
        c = api if route.api else console
        url = _at(route, obj.pk)
        methods = ("get", *WRITE_METHODS_API) if route.api else ("get", "post")
        for method in methods:
            response = getattr(c, method)(url, {}, format="json") if route.api else getattr(c, method)(url, {})
            if response.status_code not in (404, 405):
                problems.append(f"{method.upper()} {url} ({_label(obj)}, out of scope) answered {response.status_code}")
    changed = {t: (n, after) for t, n in before.items() if n != (after := _row_counts().get(t))}
    if unreached:
        problems.append(f"routes no row of the data reaches; add data or explain in SCOPE_FREE: {unreached}")
    if changed:
        problems.append(f"requests on out-of-scope ids changed rows (table: before, after): {changed}")
    assert not problems, f"{len(problems)} leaks:\n" + "\n".join(problems)
    assert attempts, "nothing out of scope was tried"
