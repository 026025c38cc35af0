"""Copy the three alert models of before (orders.IntakeAlert, inventory.LowStockAlert,
orders.StockShortage) into Alert, with their state and times and an event history; the next migrations
of orders and inventory drop the old tables."""

from django.db import migrations

CHUNK = 1000
MIGRATED = {"actor_kind": "system", "actor_name": "migration"}


def _ct(apps, label):
    ContentType = apps.get_model("contenttypes", "ContentType")
    app_label, model = label.split(".")
    return ContentType.objects.get_or_create(app_label=app_label, model=model)[0]


def _store(apps, alerts, sources):
    """Insert the alerts and, for each, its "raised" event (and "cleared" when resolved)."""
    Alert = apps.get_model("monitoring", "Alert")
    AlertEvent = apps.get_model("monitoring", "AlertEvent")
    created = Alert.objects.bulk_create(alerts)
    events = []
    for alert, source in zip(created, sources, strict=True):
        payload = {"migrated_from": source[0], "id": source[1]}
        events.append(
            AlertEvent(alert_id=alert.pk, type="raised", state_to="open", created_at=alert.opened_at,
                       payload=payload, **MIGRATED)
        )
        if alert.state == "resolved":
            events.append(
                AlertEvent(alert_id=alert.pk, type="cleared", state_from="open", state_to="resolved",
                           created_at=alert.resolved_at, payload=payload, **MIGRATED)
            )
    AlertEvent.objects.bulk_create(events)


def _copy(apps, rows, make, source):
    """make(row) -> Alert (unsaved). Rows come oldest first: of two open alerts about the same thing
    (the old models did not always forbid it) the newer stays open and the older is resolved when it came."""
    open_by_key = {}
    batch, sources = [], []
    for row in rows:
        alert = make(row)
        if alert.state == "open":
            key = (alert.kind, alert.subject_key, alert.cause)
            older = open_by_key.get(key)
            if older is not None:
                older.state, older.resolved_at = "resolved", alert.opened_at
            open_by_key[key] = alert
        batch.append(alert)
        sources.append((source, row.pk))
    for i in range(0, len(batch), CHUNK):
        _store(apps, batch[i : i + CHUNK], sources[i : i + CHUNK])


def copy_old_alerts(apps, schema_editor):
    Alert = apps.get_model("monitoring", "Alert")
    IntakeAlert = apps.get_model("orders", "IntakeAlert")
    StockShortage = apps.get_model("orders", "StockShortage")
    LowStockAlert = apps.get_model("inventory", "LowStockAlert")

    if IntakeAlert.objects.exists():
        order_ct = _ct(apps, "orders.order")

        def intake(a):
            return Alert(
                kind="intake_problems", severity="warning", state="resolved" if a.resolved_at else "open",
                subject_type=order_ct, subject_id=a.order_id, subject_key=f"orders.order:{a.order_id}", cause="",
                params={"number": a.order.number, "problems": [p.get("code", "") for p in a.problems or []]},
                channel_id=a.order.channel_id, assignee_role="order_clerk", opened_at=a.created_at,
                last_seen_at=a.created_at, resolved_at=a.resolved_at, resolved_by="migration" if a.resolved_at else "",
            )

        _copy(apps, IntakeAlert.objects.select_related("order").order_by("created_at", "pk").iterator(CHUNK),
              intake, "orders.IntakeAlert")

    if StockShortage.objects.exists():
        order_ct = _ct(apps, "orders.order")

        def shortage(s):
            return Alert(
                kind="stock_shortage", severity="critical", state="resolved" if s.resolved_at else "open",
                subject_type=order_ct, subject_id=s.order_id, subject_key=f"orders.order:{s.order_id}",
                cause=f"product:{s.product_id}",
                params={"number": s.order.number, "sku": s.product.sku, "product_id": s.product_id,
                        "quantity": s.quantity},
                channel_id=s.order.channel_id, assignee_role="order_clerk", opened_at=s.created_at,
                last_seen_at=s.created_at, resolved_at=s.resolved_at, resolved_by="migration" if s.resolved_at else "",
            )

        _copy(apps, StockShortage.objects.select_related("order", "product").order_by("created_at", "pk")
              .iterator(CHUNK), shortage, "orders.StockShortage")

    if LowStockAlert.objects.exists():
        product_ct = _ct(apps, "inventory.product")

        def low(a):
            cleared = a.state != "open"
            return Alert(
                kind="low_stock", severity="warning", state="resolved" if cleared else "open",
                subject_type=product_ct, subject_id=a.product_id,
                subject_key=f"inventory.product:{a.product_id}@warehouse:{a.warehouse_id}", cause="",
                params={"sku": a.product.sku, "warehouse": a.warehouse.name, "warehouse_code": a.warehouse.code,
                        "warehouse_id": a.warehouse_id,
                        "threshold": a.threshold, "available": a.available, "lowest": a.lowest},
                warehouse_id=a.warehouse_id, assignee_role="warehouse", opened_at=a.raised_at,
                last_seen_at=a.raised_at, resolved_at=(a.cleared_at or a.raised_at) if cleared else None,
                resolved_by="migration" if cleared else "",
            )

        _copy(apps, LowStockAlert.objects.select_related("product", "warehouse").order_by("raised_at", "pk")
              .iterator(CHUNK), low, "inventory.LowStockAlert")


OLD_VIEW_PERMS = [("orders", "view_intakealert"), ("orders", "view_stockshortage"), ("inventory", "view_lowstockalert")]
NEW_PERMS = [
    ("monitoring", "alert", "view_alert", "Can view alert"),
    ("monitoring", "alertevent", "view_alertevent", "Can view alert event"),
    ("core", "consoleaccess", "access_monitoring", "Can open the monitoring module"),
]


def grant_custom_roles(apps, schema_editor):
    """Roles (groups) that could see one of the old alert lists see the alerts list now. The built-in
    roles are set from their declarations after migrate; this keeps custom roles working."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    query = None
    for app_label, codename in OLD_VIEW_PERMS:
        q = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        query = q if query is None else query | q
    groups = list(Group.objects.filter(permissions__in=query).distinct())
    if not groups:
        return
    wanted = []
    for app_label, model, codename, name in NEW_PERMS:
        ct = _ct(apps, f"{app_label}.{model}")
        wanted.append(Permission.objects.get_or_create(content_type=ct, codename=codename, defaults={"name": name})[0])
    for group in groups:
        group.permissions.add(*wanted)


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("orders", "0011_order_count_month"),
        ("inventory", "0003_count_moves_during_count"),
        ("core", "0003_access_monitoring"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(copy_old_alerts, migrations.RunPython.noop),
        migrations.RunPython(grant_custom_roles, migrations.RunPython.noop),
    ]
