"""The warehouse inventory's routing chose is recorded by orders, with a version bump."""

from __future__ import annotations

import pytest

from oms.inventory import actions
from oms.inventory.tests import factories as f
from oms.orders import allocation
from oms.orders.models import Order

pytestmark = pytest.mark.django_db


def test_a_reservation_records_the_warehouse_and_bumps_the_version() -> None:
    p, w = f.product(), f.warehouse("a")
    f.stock(p, w, 3)
    o = f.order([(p, 1)])
    version = Order.objects.get(pk=o.pk).version
    actions.reserve_for_order(o.pk, f.SYSTEM)
    o.refresh_from_db()
    assert o.warehouse_id == w.pk and o.version == version + 1


def test_recording_the_same_warehouse_again_changes_nothing() -> None:
    w = f.warehouse("a")
    o = f.order([(f.product(), 1)])
    assert allocation.record_warehouse(o.pk, w.pk)
    version = Order.objects.get(pk=o.pk).version
    assert not allocation.record_warehouse(o.pk, w.pk)
    assert Order.objects.get(pk=o.pk).version == version
