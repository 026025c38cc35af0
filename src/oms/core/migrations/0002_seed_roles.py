"""Seed the built-in roles as groups; their permissions are set by oms.core.roles.sync_roles after migrate."""

from django.db import migrations

ROLE_GROUPS = ["Administrator", "Order clerk", "Reviewer", "Finance reviewer", "Warehouse", "Logistics",
               "Customer service", "Viewer"]


def seed(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
