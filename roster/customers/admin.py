from django import forms
from django.contrib import admin

from roster.core.admin import ResourceAdmin
from roster.customers import services
from roster.customers.models import Coworker, Team


class CoworkerForm(forms.ModelForm):
    """A customer with its teams, the reverse side of a team's members."""

    teams = forms.ModelMultipleChoiceField(
        Team.objects.order_by("name", "id"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Coworker
        fields = (
            "coworker_type",
            "full_name",
            "email",
            "company_name",
            "billing_name",
            "invoicing_business",
            "active",
            "teams",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial["teams"] = list(self.instance.teams.all())


@admin.register(Coworker)
class CoworkerAdmin(ResourceAdmin):
    """Customers; deleted here or from the command line, never by the API."""

    form = CoworkerForm
    list_display = (
        "full_name",
        "email",
        "coworker_type",
        "company_name",
        "invoicing_business",
        "active",
    )
    list_select_related = ("invoicing_business",)
    list_filter = ("invoicing_business", "coworker_type", "active")
    search_fields = ("full_name_search", "email_search", "company_name_search")
    ordering = ("full_name", "id")
    fixed_fields = ("invoicing_business",)

    def delete(self, record, actor):
        services.delete_coworker(record, actor)


@admin.register(Team)
class TeamAdmin(ResourceAdmin):
    list_display = ("name", "business", "updated_on")
    list_select_related = ("business",)
    list_filter = ("business",)
    search_fields = ("name_search", "description_search")
    autocomplete_fields = ("members",)
    ordering = ("name", "id")
    fixed_fields = ("business",)
