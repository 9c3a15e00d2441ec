"""The forms administrators sign in and change their own password with."""

import pyotp
from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm, AdminPasswordChangeForm
from django.core.exceptions import ValidationError

from roster.accounts import throttling
from roster.accounts.services import set_password


class LoginForm(AdminAuthenticationForm):
    """Email and password, and the one-time code where the account has one.

    Passwords are checked through the same throttle as the token endpoint,
    so the panel is no easier to guess against than the API.
    """

    totp = forms.CharField(
        label="One-time code",
        required=False,
        max_length=10,
        help_text="Only for accounts with two-factor authentication.",
    )

    def clean(self):
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not email or not password:
            return self.cleaned_data
        try:
            user = throttling.check_password(self.request, email, password)
        except throttling.Throttled:
            message = "Too many failed logins; try again later."
            raise ValidationError(message, code="throttled") from None
        if user is None or not _code_accepted(user, self.cleaned_data.get("totp")):
            raise self.get_invalid_login_error()
        self.confirm_login_allowed(user)
        self.user_cache = user
        return self.cleaned_data


def _code_accepted(user, code):
    if not user.totp_secret:
        return True
    code = (code or "").strip()
    return bool(code) and pyotp.TOTP(user.totp_secret).verify(code, valid_window=1)


class OwnPasswordForm(AdminPasswordChangeForm):
    """Django's form for one's own password, saving through the service."""

    def save(self, commit=True):
        return set_password(self.user, self.cleaned_data["new_password1"])
