from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


class SystemConfig(AppConfig):
    name = "oms.system"
    label = "system"

    def ready(self) -> None:
        # Imported here, once the models are loaded; declarations registers the system area's parameters.
        from oms.system import declarations, params, signals  # noqa: F401

        params.load_declarations()

        user_logged_in.connect(signals.record_admin_sign_in, dispatch_uid="oms.system.admin_sign_in")
