"""OrderCount: orders per (channel, status, type, class list), kept by triggers on orders_order.

The triggers (oms.orders.counts) count every write to orders_order whatever code makes it (ORM,
intake's executemany, raw SQL), in the writer's transaction. The table is filled from the orders held."""

from django.db import migrations, models


def create_triggers(apps, schema_editor):
    from oms.orders import counts

    with schema_editor.connection.cursor() as cursor:
        counts.install(cursor, schema_editor.connection.vendor)


def drop_triggers(apps, schema_editor):
    from oms.orders import counts

    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        for name in counts.installed_triggers(cursor, vendor):
            cursor.execute(f"DROP TRIGGER {name}" + (" ON orders_order" if vendor == "postgresql" else ""))
        if vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS orders_ordercount_apply()")


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0006_order_tax"),
    ]

    operations = [
        migrations.CreateModel(
            name="OrderCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("channel_id", models.BigIntegerField()),
                ("status", models.CharField(max_length=20)),
                ("order_type", models.CharField(max_length=20)),
                ("classes", models.JSONField(default=list)),
                ("n", models.BigIntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("channel_id", "status", "order_type", "classes"), name="order_count_key"
                    )
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
