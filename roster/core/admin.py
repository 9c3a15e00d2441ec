"""The Admin Panel's shared machinery, and the read-only history.

`ResourceAdmin` is the base of every record's ModelAdmin. It scopes what an
administrator sees to its businesses the way the API does (through the
resource declaration's `business` path), and sends every write through the
same service functions as the API, so both faces keep the same rules and
the same history (`Change`). A record of another business answers 404,
exactly like a missing one.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.filters import RelatedFieldListFilter
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from roster.accounts.authentication import Principal
from roster.api import writes
from roster.api.errors import Invalid
from roster.api.resources import REGISTRY
from roster.core.errors import RuleBroken
from roster.core.models import Change
from roster.core.text import fold

# The columns every record shares; the services keep them, nobody types them.
COMMON_FIELDS = ("created_on", "updated_on", "updated_by", "system_id")


def principal_of(request):
    """The request's administrator with its roles and businesses, read once."""
    if not hasattr(request, "roster_principal"):
        request.roster_principal = Principal.of(request.user)
    return request.roster_principal


def resource_of(model):
    """The API's declaration of a model's records, or None."""
    for resource in REGISTRY.values():
        if resource.model is model:
            return resource
    return None


def scope(principal, queryset):
    """Narrow a queryset to the records of the principal's businesses.

    Models without a resource (logins, the history) are left as they are;
    their admins decide who sees them.
    """
    resource = resource_of(queryset.model)
    if resource is None or principal.businesses is None:
        return queryset
    return queryset.filter(**{resource.business + "__in": principal.businesses})


def refusal_text(error):
    return f"{error.property_name}: {error.message}"


def form_values(form):
    """The form's cleaned values as the services take them.

    References become ids under their attribute names (`course_id`) and
    many-to-many lists become lists of ids, as the API reads them.
    """
    opts = form._meta.model._meta
    values = {}
    for name, value in form.cleaned_data.items():
        try:
            field = opts.get_field(name)
        except FieldDoesNotExist:
            # A form's own field, such as a password confirmation.
            continue
        if field.many_to_many:
            values[name] = sorted(item.pk for item in value)
        elif field.many_to_one:
            values[field.attname] = value.pk if value is not None else None
        elif field.concrete:
            values[name] = value
    return values


def stored_value(record, field):
    """A reference's value as stored, or its default for a new record."""
    if record is None:
        return field.default()
    if field.model_field.many_to_many:
        return sorted(getattr(record, field.source).values_list("pk", flat=True))
    return getattr(record, field.source)


MAX_SEARCH_TERM = 1000


class ScopedRelatedFilter(RelatedFieldListFilter):
    """A filter on a reference whose choices are the caller's records only."""

    def field_choices(self, field, request, model_admin):
        related = field.remote_field.model
        records = scope(principal_of(request), related._default_manager.all())
        return [(record.pk, str(record)) for record in records.order_by("pk")]

    def has_output(self):
        # Django drops a filter with a single choice, and with it the
        # filter's parameter: an id of another business would then show
        # every record instead of none.
        return bool(self.lookup_choices or self.lookup_val)


class ResourceAdmin(admin.ModelAdmin):
    """A record of the API, administered with the API's scoping and writes.

    Subclasses set `model`'s usual ModelAdmin options; references in
    `list_filter` get scoped choices by themselves. Override `create`,
    `update` or `delete` where the admin writes through another service
    than the resource's (businesses, customers).
    """

    exclude = COMMON_FIELDS
    readonly_fields = ("created_on", "updated_on", "updated_by")
    # Attributes that cannot change once the record exists.
    fixed_fields = ()
    object_history_template = "admin/roster/record_history.html"

    @property
    def resource(self):
        return resource_of(self.model)

    # What the administrator sees

    def get_queryset(self, request):
        return scope(principal_of(request), super().get_queryset(request))

    def get_object(self, request, object_id, from_field=None):
        record = super().get_object(request, object_id, from_field)
        if record is None:
            raise Http404("No such record.")
        return record

    def get_search_results(self, request, queryset, search_term):
        """Search the case-folded companions that `search_fields` names.

        The term is folded the same way, so the search matches as the
        API's text filters do, on SQLite as on PostgreSQL.
        """
        queryset = scope(principal_of(request), queryset)
        if len(search_term) > MAX_SEARCH_TERM:
            # No searched column holds that much text; SQLite would refuse
            # the pattern rather than find nothing.
            return queryset.none(), False
        return super().get_search_results(request, queryset, fold(search_term))

    def get_list_filter(self, request):
        return [self._scoped_filter(item) for item in super().get_list_filter(request)]

    def _scoped_filter(self, item):
        if isinstance(item, str) and "__" not in item:
            field = self.model._meta.get_field(item)
            if field.many_to_one or field.many_to_many:
                return (item, ScopedRelatedFilter)
        return item

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None:
            fields = (*fields, *self.fixed_fields)
        return fields

    def get_form(self, request, obj=None, **kwargs):
        base = super().get_form(request, obj, **kwargs)
        principal = principal_of(request)
        refusal = getattr(request, "roster_refusal", None)

        class ScopedForm(base):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                for field in self.fields.values():
                    if isinstance(field, forms.ModelChoiceField):
                        field.queryset = scope(principal, field.queryset)

            def clean(self):
                cleaned = super().clean()
                if refusal is not None:
                    raise ValidationError(refusal_text(refusal))
                return cleaned

        return ScopedForm

    # How the administrator writes: through the services, never directly

    def create(self, values, actor):
        return self.resource.create(values, actor)

    def update(self, record, values, actor):
        return self.resource.update(record, values, actor)

    def delete(self, record, actor):
        self.resource.delete(record, actor)

    def save_model(self, request, obj, form, change):
        values = form_values(form)
        # The form has already written its values onto `obj`; the service
        # compares them with the record as stored.
        record = type(obj)._default_manager.get(pk=obj.pk) if change else None
        self.check_references(request, record, values)
        if change:
            saved = self.update(record, values, request.user.email)
        else:
            saved = self.create(values, request.user.email)
        obj.pk = saved.pk

    def check_references(self, request, record, values):
        """Refuse references the API would refuse: all of one business.

        References the form does not show (fixed ones, on a change) are
        checked with their stored values.
        """
        given = dict(values)
        for field in self.resource.references:
            if field.source not in given:
                given[field.source] = stored_value(record, field)
        try:
            writes.check_references(self.resource, principal_of(request), given)
        except Invalid as invalid:
            message = " ".join(p.message for p in invalid.problems)
            first = invalid.problems[0]
            raise RuleBroken(
                first.property_name, first.attempted_value, message
            ) from None

    def save_related(self, request, form, formsets, change):
        """Lists are part of the values `save_model` gives the service."""

    def delete_model(self, request, obj):
        self.delete(obj, request.user.email)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for record in queryset:
                self.delete(record, request.user.email)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Show a rule a service refuses as an error of the form, not a 500.

        The refused write is rolled back; the form is shown again with what
        the administrator entered and the service's message.
        """
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RuleBroken as error:
            request.roster_refusal = error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except RuleBroken as error:
            self.message_user(request, refusal_text(error), messages.ERROR)
            info = self.opts.app_label, self.opts.model_name
            url = reverse("admin:{}_{}_change".format(*info), args=[object_id])
            return HttpResponseRedirect(url)

    def response_action(self, request, queryset):
        try:
            with transaction.atomic():
                return super().response_action(request, queryset)
        except RuleBroken as error:
            self.message_user(request, refusal_text(error), messages.ERROR)
            return None

    # The history is `Change`, written by the services; the admin's own log
    # would only repeat part of it.

    def log_addition(self, request, obj, message):
        pass

    def log_change(self, request, obj, message):
        pass

    def log_deletions(self, request, queryset):
        pass

    def history_view(self, request, object_id, extra_context=None):
        """Every write to the record from any face, newest first."""
        record = self.get_object(request, object_id)
        if not self.has_view_or_change_permission(request, record):
            raise Http404("No such record.")
        changes = Change.objects.filter(
            entity=type(record).__name__, record_id=record.pk
        ).order_by("-moment", "-id")
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {record}",
            "subtitle": None,
            "changes": changes,
            "module_name": str(self.opts.verbose_name_plural).capitalize(),
            "object": record,
            "opts": self.opts,
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.object_history_template, context)


class EntityFilter(admin.SimpleListFilter):
    title = "entity"
    parameter_name = "entity"

    def lookups(self, request, model_admin):
        return [(name, name) for name in sorted(REGISTRY)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(entity=self.value())
        return queryset


@admin.register(Change)
class ChangeAdmin(admin.ModelAdmin):
    """The history of every write, read-only.

    An administrator of some businesses sees the changes of the records of
    those businesses that still exist, for the entities it may list; a
    deleted record's business is no longer known, so only full
    administrators see deletions' remains.
    """

    list_display = ("moment", "actor", "action", "entity", "record_id", "summary")
    list_filter = (
        EntityFilter,
        "actor",
        "action",
        ("moment", admin.DateFieldListFilter),
    )
    search_fields = ("summary", "actor")
    ordering = ("-moment", "-id")
    readonly_fields = (*list_display, "changes")
    fields = readonly_fields

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        principal = principal_of(request)
        if principal.businesses is None:
            return queryset
        visible = Q(pk__in=[])
        for resource in REGISTRY.values():
            if principal.has_role(resource.role("List")):
                ids = resource.queryset(principal).values("pk")
                visible |= Q(entity=resource.name, record_id__in=ids)
        return queryset.filter(visible)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
