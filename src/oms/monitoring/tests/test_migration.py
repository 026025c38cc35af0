"""The data migration: rows of the three old alert models, made in the schema of before, arrive in
Alert with their state, times, scope and history; then the old tables are gone."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from oms.monitoring.models import Alert, AlertEvent

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("orders", "0012_order_updated_at_index"),
    ("inventory", "0003_count_moves_during_count"),
    ("monitoring", "0001_initial"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_old_alerts_are_copied_with_their_state_and_history():
    old = _migrate(BEFORE)
    try:
        now = timezone.now()
        channel = old.get_model("channels", "Channel").objects.create(code="c1", name="c1", platform="manual")
        order_model = old.get_model("orders", "Order")
        o1 = order_model.objects.create(number="SO1", channel=channel, external_id="e1")
        o2 = order_model.objects.create(number="SO2", channel=channel, external_id="e2")
        product = old.get_model("inventory", "Product").objects.create(sku="SKU-1", name="Tea")
        wh = old.get_model("inventory", "Warehouse").objects.create(code="W1", name="Main")
        intake = old.get_model("orders", "IntakeAlert")
        older = intake.objects.create(order=o1, problems=[{"code": "phone_invalid", "params": {"phone": "1"}}])
        newer = intake.objects.create(order=o1, problems=[{"code": "sku_unmapped"}])  # a second open one
        intake.objects.filter(pk=older.pk).update(created_at=now - timedelta(hours=2))
        intake.objects.create(order=o2, problems=[], resolved_at=now)
        shortage = old.get_model("orders", "StockShortage")
        shortage.objects.create(order=o2, product=product, quantity=3)
        low = old.get_model("inventory", "LowStockAlert")
        low.objects.create(product=product, warehouse=wh, threshold=5, available=2, lowest=1)
        low.objects.create(product=product, warehouse=wh, state="cleared", threshold=5, available=4, lowest=4,
                           cleared_at=now)  # fmt: skip
        perms = old.get_model("auth", "Permission").objects
        ct = old.get_model("contenttypes", "ContentType").objects.get_or_create(
            app_label="orders", model="intakealert"
        )[0]
        old_view = perms.get_or_create(content_type=ct, codename="view_intakealert", defaults={"name": "x"})[0]
        custom = old.get_model("auth", "Group").objects.create(name="Night desk")
        custom.permissions.add(old_view)
        old.get_model("auth", "Group").objects.create(name="Packers")
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    intake_alerts = Alert.objects.filter(kind="intake_problems").order_by("opened_at")
    assert [(a.subject_key, a.state) for a in intake_alerts] == [
        (f"orders.order:{o1.pk}", "resolved"),  # the older of two open ones: resolved when the newer came
        (f"orders.order:{o1.pk}", "open"),
        (f"orders.order:{o2.pk}", "resolved"),
    ]
    opened = intake_alerts[1]
    assert opened.params == {"number": "SO1", "problems": ["sku_unmapped"]}  # codes only, no customer data
    assert (opened.channel_id, opened.subject_type.model, opened.subject_id) == (channel.pk, "order", o1.pk)
    assert opened.opened_at == newer.created_at and intake_alerts[0].resolved_at == newer.created_at
    short = Alert.objects.get(kind="stock_shortage")
    assert (short.state, short.cause, short.params["sku"], short.params["quantity"]) == (
        "open",
        f"product:{product.pk}",
        "SKU-1",
        3,
    )
    lows = Alert.objects.filter(kind="low_stock").order_by("state")
    assert [(a.state, a.warehouse_id, a.params["lowest"]) for a in lows] == [("open", wh.pk, 1), ("resolved", wh.pk, 4)]
    assert lows[0].subject_key == f"inventory.product:{product.pk}@warehouse:{wh.pk}"
    assert lows[0].params["warehouse_code"] == "W1"
    # Every alert has its "raised" event, the resolved ones their "cleared" one too.
    assert AlertEvent.objects.filter(type="raised").count() == Alert.objects.count() == 6
    assert AlertEvent.objects.filter(type="cleared").count() == Alert.objects.filter(state="resolved").count() == 3
    # A custom role that saw an old alert list sees the alerts list; another role gains nothing.
    from django.contrib.auth.models import Group

    granted = {
        f"{p.content_type.app_label}.{p.codename}" for p in Group.objects.get(name="Night desk").permissions.all()
    }
    assert {"monitoring.view_alert", "monitoring.view_alertevent", "core.access_monitoring"} <= granted
    assert not Group.objects.get(name="Packers").permissions.exists()
    tables = connection.introspection.table_names()
    assert "orders_intakealert" not in tables and "inventory_lowstockalert" not in tables
    assert "orders_stockshortage" not in tables
