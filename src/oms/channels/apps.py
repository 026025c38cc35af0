import importlib
import pkgutil

from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "oms.channels"
    label = "channels"

    def ready(self) -> None:
        # Each adapter module registers itself in oms.channels.registry when imported; importing them
        # at module level here would load models before the app registry is ready.
        from oms.channels import adapters

        for module in pkgutil.iter_modules(adapters.__path__):
            importlib.import_module(f"{adapters.__name__}.{module.name}")
