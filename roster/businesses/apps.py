from django.apps import AppConfig


class BusinessesConfig(AppConfig):
    name = "roster.businesses"
    label = "businesses"

    def ready(self):
        from roster.businesses import resources  # noqa: F401  (registers them)
