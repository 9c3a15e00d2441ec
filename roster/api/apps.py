from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ApiConfig(AppConfig):
    name = "roster.api"
    label = "api"

    def ready(self):
        from roster.api.counting import install_after_migrate

        post_migrate.connect(install_after_migrate, sender=self)
