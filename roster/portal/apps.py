from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "roster.portal"
    label = "portal"
    verbose_name = "Members Portal"
