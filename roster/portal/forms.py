"""The forms of the Members Portal: sign-in, sign-up, password reset."""

from django import forms
from django.contrib.auth.forms import PasswordResetForm

from roster.accounts import throttling
from roster.businesses.models import Business
from roster.portal.catalogue import customer_of

WRONG = "Enter the email and password of a customer's login."
THROTTLED = "Too many failed sign-ins. Wait a few minutes and try again."


class LoginForm(forms.Form):
    """Email and password of a customer's login, checked with the limits."""

    email = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            user = throttling.check_password(
                self.request, data["email"], data["password"]
            )
        except throttling.Throttled:
            raise forms.ValidationError(THROTTLED) from None
        if user is None or customer_of(user) is None:
            raise forms.ValidationError(WRONG)
        self.user = user
        return data


class SignUpForm(forms.Form):
    """A new customer: its name, email, password and business."""

    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label="Password",
        min_length=10,
        strip=False,
        help_text="At least 10 characters.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    business = forms.ModelChoiceField(
        label="Location",
        queryset=Business.objects.filter(suspended=False).order_by("name", "id"),
        empty_label="Choose a location",
    )

    def __init__(self, *args, business=None, **kwargs):
        super().__init__(*args, **kwargs)
        if business is not None:
            # A sign-up link names its business; the choice is made.
            self.fields["business"].initial = business.pk
            self.fields["business"].widget = forms.HiddenInput()
        self.linked_business = business


class CustomerPasswordResetForm(PasswordResetForm):
    """Reset only customers' logins; administrators use their own face."""

    email = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def get_users(self, email):
        return (
            user for user in super().get_users(email) if customer_of(user) is not None
        )
