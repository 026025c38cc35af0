from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "oms.accounts"
    label = "accounts"
