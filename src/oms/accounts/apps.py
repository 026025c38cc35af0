from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "oms.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from oms.accounts import schema, signals  # noqa: F401  (schema: registers the OpenAPI extension)

        # Connected after django-axes (earlier in INSTALLED_APPS), so its flags on the request are set.
        user_logged_in.connect(signals.on_logged_in, dispatch_uid="oms.accounts.login_log.success")
        user_login_failed.connect(signals.on_login_failed, dispatch_uid="oms.accounts.login_log.failure")
