from django.urls import re_path

from roster.accounts.views import token
from roster.api import views
from roster.api.resources import REGISTRY


def resource_urls(resource):
    """The same five paths for every resource."""
    base = rf"^api/{resource.path}"
    return [
        re_path(rf"{base}/?$", views.collection(resource)),
        re_path(rf"{base}/commands/?$", views.commands(resource)),
        re_path(rf"{base}/runcommand/?$", views.run_command(resource)),
        re_path(rf"{base}/(?P<pk>[^/]+)/?$", views.item(resource)),
    ]


urlpatterns = [
    re_path(r"^api/token/?$", token),
    re_path(r"^api/openapi\.json/?$", views.openapi_document, name="openapi"),
    re_path(r"^api/docs/?$", views.docs, name="docs"),
    *(url for resource in REGISTRY.values() for url in resource_urls(resource)),
]
