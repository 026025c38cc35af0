"""Order events: a declared set of types, words built when shown, old rows carried over."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import translation

from oms.core.actor import Actor
from oms.orders import events
from oms.orders.events import EventType, record_event
from oms.orders.models import OrderEvent, OrderHold
from oms.orders.review.tests import helpers as h

SRC = Path(__file__).resolve().parents[2]
LATIN = re.compile(r"[A-Za-z]{2,}")
# Calls that name an event type, and where: keyword names, or the position of the argument.
TYPE_ARGUMENTS = {
    "record_event": ({"type"}, None),
    "_move": ({"event"}, None),
    "reserve_for_order": ({"event_type"}, None),
    "_event": (set(), 2),
    "note_refusal": (set(), 1),
}


def _strings(node: ast.AST) -> list[str]:
    """The literal codes an argument may hold: a string, or either branch of `a if cond else b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    return []


def _named_types() -> list[tuple[str, int, str]]:
    found = []
    for path in SRC.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in TYPE_ARGUMENTS:
                continue
            keywords, position = TYPE_ARGUMENTS[name]
            args = [k.value for k in node.keywords if k.arg in keywords]
            if position is not None and len(node.args) > position:
                args.append(node.args[position])
            for arg in args:
                found.extend((str(path.relative_to(SRC)), node.lineno, s) for s in _strings(arg))
    return found


def test_every_event_type_the_code_records_is_declared():
    named = _named_types()
    assert len({s for _p, _l, s in named}) >= 20  # the scan finds the call sites
    undeclared = [(p, line, s) for p, line, s in named if s not in EventType.values]
    assert undeclared == []


@pytest.mark.django_db
def test_recording_an_undeclared_type_is_refused_and_writes_nothing():
    order = h.order()
    before = OrderEvent.objects.count()
    with pytest.raises(events.UndeclaredEventType):
        record_event(order, type="something_new", actor=Actor.system())
    assert OrderEvent.objects.count() == before


@pytest.mark.parametrize("lang", ["zh-hans", "zh-hant"])
def test_every_label_and_message_reads_in_chinese(lang):
    payload = {
        "findings": [],
        "status": "shipped",
        "code": "address",
        "automatic": True,
        "tracking_number": "SF123",
        "detail": "没有仓库",
        "on_platform": True,
        "group": "MG0001",
        "orders": ["SO1", "SO2"],
        "mode": "warehouse",
        "from": "SO1",
        "warehouses": ["sz", "bj"],
        "parcels": 2,
        "units": 3,
    }
    with translation.override(lang):
        for t in EventType.values:
            label, message = events.label_for(t), events.message_for(t, payload)
            assert label and not LATIN.search(label), (t, label)
            assert not LATIN.search(re.sub(r"SO\d|SF\d+|MG\d+|sz|bj", "", message)), (t, message)
        assert events.label_for("from_an_old_release") == str(events.UNKNOWN_LABEL) != "from_an_old_release"


@pytest.mark.django_db
def test_review_findings_and_changes_render_as_words_not_dicts():
    from oms.orders.review import actions

    order = actions.auto_review(h.order(buyer_note="请周末送货").pk)
    with translation.override("zh-hans"):
        shown = events.render(order.events.get(type="auto_review"))
    assert shown.message == "运行了 10 条规则，触发 1 条。"
    assert shown.details and all("{" not in label + value for label, value in shown.details)
    assert any("请周末送货" in value for _label, value in shown.details)
    with translation.override("zh-hans"):
        rows = events.change_rows({"changes": {"customer_name": ["张三", "李四"], "order_type": ["normal", "presale"]}})
    assert rows == [("客户姓名", "张三", "李四"), ("订单类型", "普通", "预售")]


@pytest.mark.django_db
def test_old_rows_move_their_sentences_into_parameters():
    migration = importlib.import_module("oms.orders.migrations.0014_event_words")
    order = h.order()
    system, person = Actor.system("review"), Actor(kind="user", name="amy")
    rows = {
        "auto": record_event(order, type="auto_review", actor=system, reason="10 rules ran, 1 fired. x: y"),
        "approved": record_event(order, type="approved", actor=system, reason="Passed every rule."),
        "rejected": record_event(
            order,
            type="rejected",
            actor=person,
            reason="Address wrong or incomplete: 门牌号缺失",
            payload={"code": "address"},
        ),
        "held": record_event(order, type="held", actor=system, reason="10 rules ran, 1 fired."),
        "released": record_event(order, type="stock_released", actor=person, reason="人工改仓：客户要求"),
        "cancelled": record_event(order, type="cancelled", actor=system, reason="cancelled on platform"),
        "refused": record_event(order, type="auto_confirm_refused", actor=system, reason="No active warehouse."),
        "note": record_event(order, type="released", actor=person, reason="客户已确认"),
    }
    OrderHold.objects.create(order=order, reason="10 rules ran, 1 fired.", held_from="pending_review")
    migration.forwards(apps, None)
    after = {k: OrderEvent.objects.get(pk=e.pk) for k, e in rows.items()}
    assert {k: e.reason for k, e in after.items()} == {
        "auto": "",
        "approved": "",
        "rejected": "门牌号缺失",
        "held": "",
        "released": "客户要求",
        "cancelled": "",
        "refused": "",
        "note": "客户已确认",
    }
    assert after["approved"].payload["automatic"] and after["cancelled"].payload["on_platform"]
    assert after["refused"].payload["detail"] == "No active warehouse."
    assert OrderHold.objects.get(order=order).reason == ""
    with translation.override("zh-hans"):
        assert events.render(after["approved"]).message == "通过全部规则。"
