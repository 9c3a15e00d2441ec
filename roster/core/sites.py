"""The Admin Panel's site: Roster's titles, sign-in and password forms."""

from django.contrib import admin
from django.contrib.auth.views import PasswordChangeView
from django.urls import reverse

from roster.accounts.forms import LoginForm, OwnPasswordForm


class AdminPanel(admin.AdminSite):
    site_header = "Roster Admin Panel"
    site_title = "Roster"
    index_title = "Courses, customers and businesses"
    # The service answers no page at its root.
    site_url = None
    login_form = LoginForm
    login_template = "admin/roster/login.html"

    def password_change(self, request, extra_context=None):
        """Change one's own password through the accounts service."""
        view = PasswordChangeView.as_view(
            form_class=OwnPasswordForm,
            success_url=reverse("admin:password_change_done", current_app=self.name),
            extra_context={**self.each_context(request), **(extra_context or {})},
        )
        request.current_app = self.name
        return view(request)
