"""`oms demo`: demo data for a first look. Idempotent: running it again adds nothing twice.

Each area may provide `oms.<area>.demo.load(stdout)`; they run in dependency order.
"""

import secrets

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from oms.core.areas import area_modules

ORDER = ["accounts", "system", "channels", "inventory", "logistics", "orders", "monitoring", "support"]


def demo_password() -> str:
    path = settings.DATA_DIR / "demo_admin_password"
    if path.exists():
        return path.read_text().strip()
    password = "oms-" + secrets.token_urlsafe(9)
    path.write_text(password)
    path.chmod(0o600)
    return password


class Command(BaseCommand):
    help = "Load demo data and create the demo administrator (idempotent)."

    def handle(self, *args, **opts) -> None:
        password = demo_password()
        call_command("createadmin", username="admin", password=password, reset=True, stdout=self.stdout)
        found = {m.__name__.split(".")[1]: m for m in area_modules("demo")}
        for area in sorted(found, key=lambda a: ORDER.index(a) if a in ORDER else len(ORDER)):
            module = found[area]
            with transaction.atomic():
                module.load(self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo ready. Sign in as admin / {password}"))
