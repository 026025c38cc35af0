from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "oms.orders"
    label = "orders"

    def ready(self) -> None:
        # Automatic review, auto-confirm on stock arrival and due-hold release (issue 6).
        from oms.orders.review import signals

        signals.connect()
