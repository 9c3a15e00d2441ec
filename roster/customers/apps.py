from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "roster.customers"
    label = "customers"

    def ready(self):
        from roster.customers import resources  # noqa: F401  (registers them)
