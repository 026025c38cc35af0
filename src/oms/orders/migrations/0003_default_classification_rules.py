"""Seed the default classification rules (amount bands, source, type); administrators edit them."""

from django.db import migrations


def seed(apps, schema_editor):
    from oms.orders.rules import DEFAULT_RULES

    Rule = apps.get_model("orders", "ClassificationRule")
    if Rule.objects.exists():
        return
    Rule.objects.bulk_create(Rule(position=(n + 1) * 10, **spec) for n, spec in enumerate(DEFAULT_RULES))


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_intake")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
