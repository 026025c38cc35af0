from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "oms.orders"
    label = "orders"
