"""Thin Huey wrappers around inventory work."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/15"))
def scan_low_stock() -> None:
    from oms.inventory import alerts

    alerts.scan()
