from django.apps import AppConfig


class SystemConfig(AppConfig):
    name = "oms.system"
    label = "system"

    def ready(self) -> None:
        from oms.system import params

        params.load_declarations()
        from django.contrib.auth.signals import user_logged_in

        from oms.system import signals

        user_logged_in.connect(signals.record_admin_sign_in, dispatch_uid="oms.system.admin_sign_in")
