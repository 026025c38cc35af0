from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0004_verbose_names")]

    operations = [
        migrations.CreateModel(
            name="Sequence",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=60, unique=True)),
                ("value", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "number sequence"},
        ),
    ]
