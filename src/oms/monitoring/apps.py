from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "oms.monitoring"
    label = "monitoring"
