from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "roster.accounts"
    label = "accounts"
