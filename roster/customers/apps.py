from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "roster.customers"
    label = "customers"
