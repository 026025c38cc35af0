from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OrdersConfig(AppConfig):
    name = "oms.orders"
    label = "orders"

    def ready(self) -> None:
        # Automatic review, auto-confirm on stock arrival and due-hold release (issue 6).
        from oms.orders.review import signals

        signals.connect()
        # OrderCount's triggers: put back after a migration that rebuilt orders_order (SQLite).
        from oms.orders.counts import ensure_triggers

        post_migrate.connect(ensure_triggers, sender=self, dispatch_uid="oms.orders.counts.ensure_triggers")
