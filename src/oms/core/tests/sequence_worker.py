"""Run in a separate process by test_sequences: allocate blocks of the given sizes, print the values."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oms.config.settings")
    import django

    django.setup()
    from django.db import transaction

    from oms.core import sequences

    name, sizes = sys.argv[1], [int(a) for a in sys.argv[2:]]
    values: list[int] = []
    for size in sizes:
        with transaction.atomic():
            values.extend(sequences.allocate(name, size))
    print(" ".join(map(str, values)))
