from django.apps import AppConfig


class SystemConfig(AppConfig):
    name = "oms.system"
    label = "system"

    def ready(self) -> None:
        from oms.system import params

        params.load_declarations()
