"""OrderCount per UTC month received: a date filter takes its whole months from OrderCount and reads
only the orders of its first and last month. Triggers and counts installed afresh."""

import datetime

from django.db import migrations, models


def install(apps, schema_editor):
    from oms.orders import counts

    with schema_editor.connection.cursor() as cursor:
        counts.install(cursor, schema_editor.connection.vendor)


def uninstall(apps, schema_editor):
    from oms.orders import counts

    with schema_editor.connection.cursor() as cursor:
        counts.drop_triggers(cursor, schema_editor.connection.vendor)


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0010_order_count_mark"),
    ]

    operations = [
        migrations.RunPython(uninstall, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="ordercount", name="order_count_key"),
        migrations.AddField(
            model_name="ordercount",
            name="month",
            field=models.DateField(
                default=datetime.date(2000, 1, 1), help_text="First day of the UTC month received in."
            ),
        ),
        migrations.AddConstraint(
            model_name="ordercount",
            constraint=models.UniqueConstraint(
                fields=("channel_id", "status", "order_type", "classes", "month"), name="order_count_month_key"
            ),
        ),
        migrations.RunPython(install, uninstall),
    ]
