from django.apps import AppConfig


class LogisticsConfig(AppConfig):
    name = "oms.logistics"
    label = "logistics"
