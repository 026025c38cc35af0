"""Transfer plan numbers (TP20260314-001) now come from one sequence per day (oms.core.sequences);
start each day's sequence at the highest number already used that day."""

import re

from django.db import migrations


def start_sequences(apps, schema_editor):
    TransferPlan = apps.get_model("inventory", "TransferPlan")
    Sequence = apps.get_model("core", "Sequence")
    highest: dict[str, int] = {}
    for number in TransferPlan.objects.values_list("number", flat=True).iterator():
        match = re.fullmatch(r"TP(\d{8})-(\d+)", number or "")
        if match:
            name = f"transfer_plan:{match.group(1)}"
            highest[name] = max(highest.get(name, 0), int(match.group(2)))
    for name, value in highest.items():
        row, _created = Sequence.objects.get_or_create(name=name)
        if row.value < value:
            Sequence.objects.filter(pk=row.pk).update(value=value)


class Migration(migrations.Migration):
    dependencies = [("inventory", "0005_verbose_names"), ("core", "0005_sequence")]

    operations = [migrations.RunPython(start_sequences, migrations.RunPython.noop)]
