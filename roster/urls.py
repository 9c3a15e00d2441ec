from roster.api.urls import urlpatterns as api_urlpatterns

urlpatterns = [*api_urlpatterns]

handler404 = "roster.api.views.not_found"
