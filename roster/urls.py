from django.contrib import admin
from django.urls import path

from roster.api.urls import urlpatterns as api_urlpatterns

urlpatterns = [path("admin/", admin.site.urls), *api_urlpatterns]

handler404 = "roster.api.views.not_found"
