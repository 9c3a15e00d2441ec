from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    default = True
    name = "roster.core"
    label = "core"


class AdminPanelConfig(admin_apps.AdminConfig):
    """Django's admin, with Roster's site."""

    default = False
    default_site = "roster.core.sites.AdminPanel"
