from django.contrib import admin

from roster.businesses import services
from roster.businesses.models import Business
from roster.core.admin import ResourceAdmin, principal_of


@admin.register(Business)
class BusinessAdmin(ResourceAdmin):
    """Businesses; only full administrators create or delete them.

    A new business belongs to no administrator yet, so one who is not a
    full administrator could not see what it created.
    """

    list_display = ("name", "city", "email", "suspended", "updated_on")
    list_filter = ("suspended",)
    search_fields = ("name_search", "city_search", "email_search")
    ordering = ("name", "id")

    def has_add_permission(self, request):
        full = principal_of(request).businesses is None
        return full and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        full = principal_of(request).businesses is None
        return full and super().has_delete_permission(request, obj)

    def create(self, values, actor):
        return services.create_business(values, actor)

    def delete(self, record, actor):
        services.delete_business(record, actor)
