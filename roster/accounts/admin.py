"""Administrators' logins, and how anyone signs in to the Admin Panel.

Only full administrators manage logins, through `save_administrator`, the
same function as `createadmin`. Customers' logins (linked to a Coworker,
holding no roles) never enter the panel.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, SetPasswordMixin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from roster.accounts.models import User
from roster.accounts.roles import ALL_ROLES
from roster.accounts.services import save_administrator, set_password
from roster.businesses.models import Business

admin.site.unregister(Group)


def role_choices():
    return [(role, role) for role in sorted(ALL_ROLES)]


class AdministratorForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        choices=role_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Ignored for full administrators, who hold every role.",
    )
    businesses = forms.ModelMultipleChoiceField(
        Business.objects.order_by("name", "id"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The businesses whose records the administrator sees.",
    )

    class Meta:
        model = User
        fields = ("email", "full_admin", "is_active", "roles", "businesses")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        taken = User.objects.with_email(email).exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError("Another login already uses this email.")
        return email


class AdministratorCreationForm(SetPasswordMixin, AdministratorForm):
    password1, password2 = SetPasswordMixin.create_password_fields()

    def clean(self):
        self.validate_passwords()
        self.validate_password_for_user(self.instance)
        return super().clean()


class PasswordForm(AdminPasswordChangeForm):
    """Django's password form, saving through `save_administrator`."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields.pop("usable_password", None)
        self.fields["password1"].required = True
        self.fields["password2"].required = True

    def save(self, commit=True):
        return set_password(self.user, self.cleaned_data["password1"])


@admin.register(User)
class AdministratorAdmin(UserAdmin):
    """Administrators: full, or some roles within some businesses."""

    form = AdministratorForm
    add_form = AdministratorCreationForm
    change_password_form = PasswordForm
    add_form_template = None
    list_display = ("email", "full_admin", "is_active", "date_joined")
    list_filter = ("full_admin", "is_active", "businesses")
    search_fields = ("email",)
    ordering = ("email",)
    filter_horizontal = ()
    readonly_fields = ("password_form", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password_form", "is_active", "date_joined")}),
        ("Access", {"fields": ("full_admin", "roles", "businesses")}),
    )
    add_fieldsets = (
        (None, {"fields": ("email", "password1", "password2", "is_active")}),
        ("Access", {"fields": ("full_admin", "roles", "businesses")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).filter(coworker__isnull=True)

    def has_delete_permission(self, request, obj=None):
        """Logins are deactivated, never deleted: the history names them."""
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        # The email is how `save_administrator` finds the login.
        return (*self.readonly_fields, "email")

    @admin.display(description="password")
    def password_form(self, user):
        url = reverse("admin:auth_user_password_change", args=[user.pk])
        return format_html('<a href="{}">Set a new password</a>', url)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        user = save_administrator(
            obj.email,
            None if change else data["password1"],
            roles=data["roles"],
            businesses=list(data["businesses"]),
            full=data["full_admin"],
            active=data["is_active"],
        )
        obj.pk = user.pk

    def save_related(self, request, form, formsets, change):
        """The businesses are saved by `save_administrator`."""

    def log_addition(self, request, obj, message):
        pass

    def log_change(self, request, obj, message):
        pass

    def log_deletions(self, request, queryset):
        pass
