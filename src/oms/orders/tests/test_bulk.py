"""orders.bulk writes and reads exactly what the ORM would."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from oms.orders.bulk import Row, insert_rows, new_instance, select_where_in
from oms.orders.models import Order, OrderEvent, OrderLine

from . import factories

pytestmark = pytest.mark.django_db

PLACED = timezone.now().replace(microsecond=0) - timedelta(days=2)


def _values(channel: Any, n: int) -> dict[str, Any]:
    return {
        "number": f"SO-T{n}",
        "channel_id": channel.pk,
        "external_id": f"X{n}",
        "external_number": f"N{n}",
        "tags": ["vip", "新客"],
        "classes": ["small"],
        "customer_name": "张三",
        "customer_phone": "13812348000",
        "province": "广东省",
        "total_amount": Decimal("12.30"),
        "paid_amount": Decimal("12.30"),
        "placed_at": PLACED,
        "problems": [{"code": "phone_invalid", "field": "customer_phone", "params": {"value": "1"}}],
        "status": "invalid",
    }


def _comparable(order: Order) -> dict[str, Any]:
    data = model_to_dict(order)
    for key in ("id", "number", "external_id", "external_number"):
        data.pop(key)
    data["created_at"] = order.created_at is not None
    data["updated_at"] = order.updated_at is not None
    return data


def test_insert_rows_stores_what_the_orm_stores() -> None:
    channel = factories.channel()
    orm_values = {k: v for k, v in _values(channel, 1).items() if k != "channel_id"}
    by_orm = Order.objects.create(channel=channel, **orm_values)
    insert_rows(Order, [new_instance(Order, _values(channel, 2), channel=channel)])
    by_bulk = Order.objects.get(external_id="X2")
    assert _comparable(by_bulk) == _comparable(Order.objects.get(pk=by_orm.pk))
    assert by_bulk.placed_at == PLACED and by_bulk.tags == ["vip", "新客"] and by_bulk.version == 0

    line = {"order_id": by_bulk.pk, "line_no": 1, "platform_sku": "P1", "name": "茶", "quantity": 2}
    insert_rows(OrderLine, [dict(line), Row(**{**line, "line_no": 2})])
    stored = list(by_bulk.lines.order_by("line_no").values_list("line_no", "quantity", "unit_price", "sku"))
    assert stored == [(1, 2, Decimal("0"), ""), (2, 2, Decimal("0"), "")]

    insert_rows(OrderEvent, [Row(order_id=by_bulk.pk, type="created", payload={"classes": ["small"]})])
    event = by_bulk.events.get()
    assert event.payload == {"classes": ["small"]} and event.actor_kind == "system" and event.created_at


def test_new_instance_has_the_model_defaults_and_its_related_objects_cached(django_assert_num_queries: Any) -> None:
    channel = factories.channel()
    order = new_instance(Order, {"external_id": "A"}, channel=channel)
    fresh = Order(external_id="A")
    for f in Order._meta.concrete_fields:
        if f.attname not in ("channel_id", "created_at", "updated_at"):
            assert getattr(order, f.attname) == getattr(fresh, f.attname), f.attname
    assert order.tags == [] and order.tags is not new_instance(Order, {}).tags  # no shared mutable default
    with django_assert_num_queries(0):
        assert order.channel.code == channel.code


def test_select_where_in_matches_the_orm() -> None:
    channel, other = factories.channel(), factories.channel("other-shop", "jd")
    for n in range(5):
        Order.objects.create(
            channel=channel if n < 4 else other,
            number=f"SO-S{n}",
            external_id=f"S{n}",
            placed_at=PLACED + timedelta(hours=n),
            status="cancelled" if n == 1 else "pending_review",
        )
    ids = ["S0", "S1", "S2", "S4", "missing"]
    rows = select_where_in(
        Order,
        ["external_id", "placed_at", "number"],
        "external_id",
        ids,
        where={"channel": channel.pk},
        exclude={"status": "cancelled"},
    )
    expected = (
        Order.objects.filter(channel=channel, external_id__in=ids)
        .exclude(status="cancelled")
        .values_list("external_id", "placed_at", "number")
    )
    assert sorted(rows) == sorted(expected)
    assert all(timezone.is_aware(r[1]) for r in rows)
    assert select_where_in(Order, ["id"], "external_id", []) == []
