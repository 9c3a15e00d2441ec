from django.contrib import admin
from django.urls import include, path

from roster.api.urls import urlpatterns as api_urlpatterns

urlpatterns = [
    path("admin/", admin.site.urls),
    *api_urlpatterns,
    path("", include("roster.portal.urls")),
]

handler400 = "roster.api.views.bad_request"
handler404 = "roster.api.views.not_found"
handler500 = "roster.api.views.server_error"
