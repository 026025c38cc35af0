"""`oms check-stock`: re-sum the ledger and report any cached balance that disagrees (exit 1 if any)."""

import sys

from django.core.management.base import BaseCommand

from oms.inventory.ledger import recompute


class Command(BaseCommand):
    help = "Re-sum the stock ledger and report balances that disagree with it."

    def handle(self, *args, **opts) -> None:
        problems = recompute()
        for p in problems:
            self.stdout.write(
                f"product {p['product_id']} warehouse {p['warehouse_id']}: cached {p['cached']} ledger {p['ledger']}"
            )
        if problems:
            self.stderr.write(f"{len(problems)} balance(s) disagree with the ledger")
            sys.exit(1)
        self.stdout.write("stock balances agree with the ledger")
