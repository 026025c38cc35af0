"""OrderCount: orders per (channel, status, type, class list), kept by triggers on orders_order.

The triggers count every write to orders_order whatever code makes it (ORM, intake's executemany,
raw SQL), in the writer's transaction. The table is filled from the orders already held."""

from django.db import migrations, models

KEY = "channel_id, status, order_type, classes"

SQLITE_UP = [
    f"""CREATE TRIGGER orders_ordercount_insert AFTER INSERT ON orders_order BEGIN
  INSERT INTO orders_ordercount ({KEY}, n) VALUES (NEW.channel_id, NEW.status, NEW.order_type, NEW.classes, 1)
  ON CONFLICT ({KEY}) DO UPDATE SET n = n + 1;
END""",
    f"""CREATE TRIGGER orders_ordercount_delete AFTER DELETE ON orders_order BEGIN
  UPDATE orders_ordercount SET n = n - 1 WHERE channel_id = OLD.channel_id AND status = OLD.status
    AND order_type = OLD.order_type AND classes = OLD.classes;
END""",
    f"""CREATE TRIGGER orders_ordercount_update AFTER UPDATE OF {KEY} ON orders_order
WHEN OLD.channel_id IS NOT NEW.channel_id OR OLD.status IS NOT NEW.status
  OR OLD.order_type IS NOT NEW.order_type OR OLD.classes IS NOT NEW.classes
BEGIN
  UPDATE orders_ordercount SET n = n - 1 WHERE channel_id = OLD.channel_id AND status = OLD.status
    AND order_type = OLD.order_type AND classes = OLD.classes;
  INSERT INTO orders_ordercount ({KEY}, n) VALUES (NEW.channel_id, NEW.status, NEW.order_type, NEW.classes, 1)
  ON CONFLICT ({KEY}) DO UPDATE SET n = n + 1;
END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS orders_ordercount_insert",
    "DROP TRIGGER IF EXISTS orders_ordercount_delete",
    "DROP TRIGGER IF EXISTS orders_ordercount_update",
]

POSTGRES_UP = [
    f"""CREATE OR REPLACE FUNCTION orders_ordercount_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    UPDATE orders_ordercount SET n = n - 1 WHERE channel_id = OLD.channel_id AND status = OLD.status
      AND order_type = OLD.order_type AND classes = OLD.classes;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO orders_ordercount ({KEY}, n) VALUES (NEW.channel_id, NEW.status, NEW.order_type, NEW.classes, 1)
    ON CONFLICT ({KEY}) DO UPDATE SET n = orders_ordercount.n + 1;
  END IF;
  RETURN NULL;
END $$""",
    """CREATE TRIGGER orders_ordercount_insert_delete AFTER INSERT OR DELETE ON orders_order
FOR EACH ROW EXECUTE FUNCTION orders_ordercount_apply()""",
    f"""CREATE TRIGGER orders_ordercount_update AFTER UPDATE OF {KEY} ON orders_order FOR EACH ROW
WHEN (OLD.channel_id IS DISTINCT FROM NEW.channel_id OR OLD.status IS DISTINCT FROM NEW.status
  OR OLD.order_type IS DISTINCT FROM NEW.order_type OR OLD.classes IS DISTINCT FROM NEW.classes)
EXECUTE FUNCTION orders_ordercount_apply()""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS orders_ordercount_insert_delete ON orders_order",
    "DROP TRIGGER IF EXISTS orders_ordercount_update ON orders_order",
    "DROP FUNCTION IF EXISTS orders_ordercount_apply()",
]

FILL = f"""INSERT INTO orders_ordercount ({KEY}, n)
SELECT {KEY}, COUNT(*) FROM orders_order GROUP BY {KEY}"""


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}.get(vendor)
    if statements is None:
        raise RuntimeError(f"orders_ordercount has no triggers for {vendor}")
    # Triggers first, then the fill, in one transaction: on PostgreSQL, CREATE TRIGGER locks out
    # writers to orders_order until the commit, so no order is missed or counted twice.
    for sql in statements:
        schema_editor.execute(sql)
    schema_editor.execute(FILL)


def drop_triggers(apps, schema_editor):
    statements = {"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


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
