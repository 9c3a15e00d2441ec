from django.apps import AppConfig


class BusinessesConfig(AppConfig):
    name = "roster.businesses"
    label = "businesses"
