"""Run in a separate process by test_concurrency: reserve the given orders, print how many succeeded."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oms.config.settings")
    import django

    django.setup()
    from oms.core.actor import Actor
    from oms.inventory import actions
    from oms.inventory.ledger import InsufficientStock

    ok = 0
    for order_id in map(int, sys.argv[1:]):
        try:
            actions.reserve_for_order(order_id, Actor.system("race"))
            ok += 1
        except InsufficientStock:
            pass
    print(ok)
