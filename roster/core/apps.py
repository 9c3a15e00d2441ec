from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "roster.core"
    label = "core"
