from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "oms.inventory"
    label = "inventory"
