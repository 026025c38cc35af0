from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "oms.support"
    label = "support"
