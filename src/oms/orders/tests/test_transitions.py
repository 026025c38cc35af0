"""Every order status change goes through oms.orders.transitions, which stamps status_changed_at."""

from __future__ import annotations

import ast
import importlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from oms.core.actor import Actor
from oms.orders import transitions
from oms.orders.choices import OrderStatus as S
from oms.orders.models import Order, OrderEvent
from oms.orders.review import actions as review
from oms.orders.review.tests import helpers as h

SRC = Path(__file__).resolve().parents[2]  # src/oms
HELPER = "orders/transitions.py"
# Statuses of things that are not orders, set where they are (receiver as written in the code).
NOT_ORDERS = {
    ("channels/importer.py", "job"): "import jobs",
    ("channels/importer.py", "qs"): "import jobs (claiming one)",
    ("channels/importer.py", "InboundDelivery.objects.filter(pk=job.delivery_id)"): "inbound deliveries",
    ("channels/inbox.py", "InboundDelivery.objects.filter(pk=delivery.pk)"): "inbound deliveries",
    ("channels/inbox.py", "InboundDelivery.objects.filter(pk=delivery_id)"): "inbound deliveries",
    ("inventory/actions.py", "Count.objects.filter(pk=count.pk)"): "stock counts",
    ("inventory/actions.py", "Order"): "an in-memory copy of the locked order's row (read, not a change)",
    ("orders/views.py", "row"): "a cell of the Excel export",
    ("orders/events.py", "out"): "a message parameter built for display",
    ("system/tasks.py", "BackupRun.objects.filter(pk=run_id)"): "backup runs",
    ("web/views.py", "body"): "the health check's answer",
}
WRITERS = {"update", "create", "get_or_create", "update_or_create", "bulk_update", "new_instance", "Order", "Row"}


def status_writes(path: Path, text: str) -> list[tuple[str, int]]:
    """(receiver, line) of every place the code sets a `status`: assignments to x.status or
    x["status"], and status= given to a writing call (update, create, Order(...), ...)."""
    found = []
    for node in ast.walk(ast.parse(text, filename=str(path))):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for t in targets:
            if isinstance(t, ast.Attribute) and t.attr == "status":
                found.append((ast.unparse(t.value), node.lineno))
            if isinstance(t, ast.Subscript) and isinstance(t.slice, ast.Constant) and t.slice.value == "status":
                found.append((ast.unparse(t.value), node.lineno))
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in WRITERS and any(k.arg == "status" for k in node.keywords):
                receiver = ast.unparse(func.value) if isinstance(func, ast.Attribute) else name
                found.append((receiver, node.lineno))
            if name == "setattr" and len(node.args) > 1 and getattr(node.args[1], "value", None) == "status":
                found.append((ast.unparse(node.args[0]), node.lineno))
    return found


def outside_the_helper(root: Path) -> tuple[list[str], set[tuple[str, str]]]:
    stray, seen = [], set()
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel == HELPER or "/tests/" in f"/{rel}" or "/migrations/" in rel:
            continue
        for receiver, line in status_writes(path, path.read_text(encoding="utf-8")):
            if (rel, receiver) in NOT_ORDERS:
                seen.add((rel, receiver))
            else:
                stray.append(f"{rel}:{line} sets {receiver}.status")
    return stray, seen


def test_no_code_sets_an_order_status_outside_the_helper():
    stray, seen = outside_the_helper(SRC)
    assert stray == [], "change order status through oms.orders.transitions"
    assert seen == set(NOT_ORDERS), "an exception no longer exists: remove it from NOT_ORDERS"


def test_the_scan_finds_each_way_of_setting_a_status(tmp_path):
    (tmp_path / "orders").mkdir()
    (tmp_path / "orders" / "bad.py").write_text(
        "order.status = 'approved'\n"
        "values['status'] = 'invalid'\n"
        "Order.objects.filter(pk=1).update(status='cancelled')\n"
        "child = Order(number='x', status='approved')\n"
        "setattr(order, 'status', 'closed')\n"
        "Order.objects.filter(status='approved')\n",  # a read: not a write
        encoding="utf-8",
    )
    stray, _seen = outside_the_helper(tmp_path)
    assert [s.split(" ")[0] for s in stray] == [f"orders/bad.py:{n}" for n in (1, 2, 3, 4, 5)]


@pytest.mark.django_db
def test_each_change_stamps_when_the_order_entered_its_status():
    start = timezone.now()
    order = h.order()
    assert order.status == S.PENDING_REVIEW and order.status_changed_at >= start  # intake stamps the first status
    Order.objects.filter(pk=order.pk).update(status_changed_at=timezone.now() - timedelta(days=3))
    reviewer = Actor.for_user(h.person("reviewer"))
    before = timezone.now()
    review.hold_order(order_id=order.pk, actor=reviewer, reason="customer called")
    order.refresh_from_db()
    assert order.status == S.ON_HOLD and order.status_changed_at >= before
    held_at = order.status_changed_at
    review.release_order(order_id=order.pk, actor=reviewer)
    order.refresh_from_db()
    assert order.status == S.PENDING_REVIEW and order.status_changed_at >= held_at


def test_place_sets_status_and_stamp_on_orders_and_on_values():
    values: dict = {}
    at = timezone.now()
    transitions.place(values, S.INVALID, at)
    assert values == {"status": S.INVALID, "status_changed_at": at}


@pytest.mark.django_db
def test_the_migration_fills_the_stamp_from_the_latest_event_into_the_status():
    fill = importlib.import_module("oms.orders.migrations.0016_status_changed_at").FILL
    with_event, without = h.order("M1"), h.order("M2")
    moved = timezone.now() - timedelta(days=2)
    OrderEvent.objects.filter(order=with_event, status_to=S.PENDING_REVIEW).update(created_at=moved)
    OrderEvent.objects.filter(order=without).delete()
    Order.objects.filter(pk__in=[with_event.pk, without.pk]).update(status_changed_at=None)
    with connection.cursor() as cursor:
        cursor.execute(fill)
    with_event.refresh_from_db()
    without.refresh_from_db()
    assert with_event.status_changed_at == moved
    assert without.status_changed_at == without.updated_at


@pytest.mark.django_db
def test_the_detail_page_says_how_long_the_order_is_in_its_status(client):
    order = h.order("D1")
    Order.objects.filter(pk=order.pk).update(status_changed_at=timezone.now() - timedelta(days=2, hours=1))
    client.force_login(h.person("order_clerk"))
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="status-since"' in page and "2\xa0days" in page
