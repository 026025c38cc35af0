"""Order, merge-group and tracking numbers now come from oms.core.sequences: carry each counter over
(starting from the highest number in use when that is higher), then drop the orders' own table."""

import re

from django.db import migrations


def _highest(values, pattern):
    best = 0
    for value in values:
        match = re.fullmatch(pattern, value or "")
        if match:
            best = max(best, int(match.group(1)))
    return best


def carry_over(apps, schema_editor):
    Old = apps.get_model("orders", "NumberSequence")
    Sequence = apps.get_model("core", "Sequence")
    Order = apps.get_model("orders", "Order")
    start = {row.name: row.value for row in Old.objects.all()}
    numbers = Order.objects.filter(number__startswith="SO").values_list("number", flat=True).iterator()
    start["order"] = max(start.get("order", 0), _highest(numbers, r"SO(\d+)"))
    for name, value in start.items():
        current = Sequence.objects.filter(name=name).values_list("value", flat=True).first() or 0
        Sequence.objects.update_or_create(name=name, defaults={"value": max(value, current)})


def carry_back(apps, schema_editor):
    Old = apps.get_model("orders", "NumberSequence")
    Sequence = apps.get_model("core", "Sequence")
    for row in Sequence.objects.filter(name__in=["order", "merge", "tracking"]):
        Old.objects.update_or_create(name=row.name, defaults={"value": row.value})


class Migration(migrations.Migration):
    dependencies = [("orders", "0016_status_changed_at"), ("core", "0005_sequence")]

    operations = [
        migrations.RunPython(carry_over, carry_back),
        migrations.DeleteModel(name="NumberSequence"),
    ]
