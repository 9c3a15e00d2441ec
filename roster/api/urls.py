from django.urls import re_path

from roster.accounts.views import token
from roster.api import views
from roster.api.resources import REGISTRY


def resource_urls():
    return [
        re_path(rf"^api/{resource.path}/?$", views.collection(resource))
        for resource in REGISTRY.values()
    ]


urlpatterns = [re_path(r"^api/token/?$", token), *resource_urls()]
