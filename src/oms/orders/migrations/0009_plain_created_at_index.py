"""created_at back to its one-column index (the name Django gives db_index=True), instead of
(created_at, status, classes): with the wider index SQLite sorted an amount range of the order list
instead of walking the list order (0.6 s at a million orders)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0008_order_list_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="order", name="order_created_cover"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="order",
                    name="created_at",
                    field=models.DateTimeField(auto_now_add=True, db_index=True),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'CREATE INDEX IF NOT EXISTS "orders_order_created_at_20b8d253" ON "orders_order" ("created_at")',
                    'DROP INDEX IF EXISTS "orders_order_created_at_20b8d253"',
                ),
            ],
        ),
    ]
