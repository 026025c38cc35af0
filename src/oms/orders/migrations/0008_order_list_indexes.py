"""Order list indexes: (channel, -created_at) instead of (channel, status), so that a channel filter
walks its orders in list order; (created_at, status, classes) and (total_amount, status, classes)
instead of the single-column ones, so that the counts of a date or amount range read only the index.
Same number of indexes per order as before.

created_at loses db_index in the state only, and its index is dropped by name: an AlterField would make
SQLite rebuild the whole orders table."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0007_order_counts"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="order", name="order_channel_status"),
        migrations.RemoveIndex(model_name="order", name="order_total"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="order",
                    name="created_at",
                    field=models.DateTimeField(auto_now_add=True),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "orders_order_created_at_20b8d253"',
                    'CREATE INDEX "orders_order_created_at_20b8d253" ON "orders_order" ("created_at")',
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(fields=["channel", "-created_at"], name="order_channel_created"),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(fields=["created_at", "status", "classes"], name="order_created_cover"),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(fields=["total_amount", "status", "classes"], name="order_total_cover"),
        ),
    ]
