from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "oms.core"
    label = "core"

    def ready(self) -> None:
        from oms.core.roles import sync_roles

        post_migrate.connect(sync_roles, dispatch_uid="oms.core.sync_roles")
