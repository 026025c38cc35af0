"""OrderCount: orders per (channel, status, type, class list), kept by triggers on orders_order.

Its triggers and first count were installed here at first; since 0010 they are installed there
(oms.orders.counts), so a database migrated from scratch gets the current ones only."""

from django.db import migrations, models


def create_triggers(apps, schema_editor):
    """Nothing now: migration 0010 installs the current triggers and counts (oms.orders.counts)."""


def drop_triggers(apps, schema_editor):
    from oms.orders import counts

    with schema_editor.connection.cursor() as cursor:
        counts.drop_triggers(cursor, schema_editor.connection.vendor)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS orders_ordercount_apply()")


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
