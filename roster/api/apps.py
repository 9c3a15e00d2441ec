from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate


class ApiConfig(AppConfig):
    name = "roster.api"
    label = "api"

    def ready(self):
        from roster.api import counting, kept_records

        post_migrate.connect(counting.install_after_migrate, sender=self)
        pre_migrate.connect(kept_records.uninstall_before_migrate, sender=self)
        post_migrate.connect(kept_records.install_after_migrate, sender=self)
