"""The pages of the Members Portal, rendered on the server.

Every page works without JavaScript. Reads come from the catalogue and
the progress module; every change goes through a service function.
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from roster.accounts.services import revoke_tokens, sign_up_customer
from roster.api.fields import record_id
from roster.businesses.models import Business
from roster.core.errors import RuleBroken
from roster.courses import progress, services
from roster.courses.models import CompletionType
from roster.portal import catalogue
from roster.portal.forms import CustomerPasswordResetForm, LoginForm, SignUpForm
from roster.portal.video import find_video

BACKEND = "django.contrib.auth.backends.ModelBackend"


def customer_required(view):
    """Let in a signed-in customer; send anyone else to the sign-in page."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        coworker = catalogue.customer_of(request.user)
        if coworker is None and request.user.is_authenticated:
            # An administrator's session stays as it is for its own face.
            return render(request, "portal/not_customer.html", status=403)
        if coworker is None:
            target = reverse("portal:login")
            return redirect(f"{target}?next={request.get_full_path()}")
        request.coworker = coworker
        return view(request, *args, **kwargs)

    return wrapped


def not_found(request):
    return render(request, "portal/not_found.html", status=404)


# Signing in and out


def login_view(request):
    form = LoginForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.user, backend=BACKEND)
        return redirect(_next(request))
    return render(request, "portal/login.html", {"form": form, "next": _next(request)})


def _next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts=None, require_https=request.is_secure()
    )
    return target if safe and target.startswith("/") else reverse("portal:catalogue")


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, "You are signed out.")
    return redirect("portal:login")


def signup_view(request):
    business = _linked_business(request.GET.get("business"))
    form = SignUpForm(request.POST or None, business=business)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = sign_up_customer(
                data["business"], data["full_name"], data["email"], data["password"]
            )
        except RuleBroken as broken:
            field = "email" if broken.property_name == "Email" else None
            form.add_error(field, broken.message)
        else:
            login(request, user, backend=BACKEND)
            messages.success(request, "Welcome! Your account is ready.")
            return redirect("portal:catalogue")
    return render(request, "portal/signup.html", {"form": form, "business": business})


def _linked_business(raw):
    number = record_id(raw or "")
    if number is None:
        return None
    return Business.objects.filter(pk=number, suspended=False).first()


class PasswordResetView(auth_views.PasswordResetView):
    """Send a reset link built from ROSTER_PUBLIC_URL, never the Host header."""

    form_class = CustomerPasswordResetForm
    template_name = "portal/password_reset_form.html"
    email_template_name = "portal/password_reset_email.txt"
    subject_template_name = "portal/password_reset_subject.txt"
    success_url = reverse_lazy("portal:password_reset_done")

    def form_valid(self, form):
        public = settings.ROSTER_PUBLIC_URL.rstrip("/")
        parts = urlsplit(public)
        self.domain_override = parts.netloc
        self.use_https = parts.scheme == "https"
        self.extra_email_context = {"public_url": public}
        return super().form_valid(form)


password_reset = PasswordResetView.as_view()
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="portal/password_reset_done.html"
)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Set the new password; every token made with the old one ends."""

    template_name = "portal/password_reset_confirm.html"
    success_url = reverse_lazy("portal:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        revoke_tokens(form.user)
        return response


password_reset_confirm = PasswordResetConfirmView.as_view()
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="portal/password_reset_complete.html"
)


# The catalogue and the courses


@customer_required
def catalogue_view(request):
    courses = catalogue.listed_courses(request.coworker)
    members = catalogue.members_by_course(request.coworker)
    figures = progress.progress_by_member(list(members.values()))
    rows = [_row(course, members.get(course.pk), figures) for course in courses]
    context = {
        "mine": [row for row in rows if row["member"] is not None],
        "others": [row for row in rows if row["member"] is None],
    }
    return render(request, "portal/catalogue.html", context)


def _row(course, member, figures):
    status = progress.status(member)
    return {
        "course": course,
        "member": member,
        "status": status,
        "status_label": progress.Status.LABELS[status],
        "progress": figures.get(member.pk) if member else None,
    }


@customer_required
def course_view(request, pk):
    course = catalogue.find_course(request.coworker, pk)
    if course is None:
        return not_found(request)
    member = catalogue.member_of(course, request.coworker)
    states = progress.lesson_states(course, member)
    status = progress.status(member)
    context = {
        "course": course,
        "member": member,
        "status": status,
        "status_label": progress.Status.LABELS[status],
        "progress": progress.progress_of(states),
        "sections": _sections(states),
        "outline": catalogue.shows_outline(course, member),
        "access": progress.can_see_content(course, member),
    }
    return render(request, "portal/course.html", context)


def _sections(states):
    """Group lesson states by section, keeping the lesson order."""
    groups = []
    for state in states:
        section = state.lesson.section
        if not groups or groups[-1]["section"] != section:
            groups.append({"section": section, "states": []})
        groups[-1]["states"].append(state)
    return groups


@require_POST
@customer_required
def signup_course_view(request, pk):
    course = catalogue.find_course(request.coworker, pk)
    if course is None:
        return not_found(request)
    try:
        member = services.sign_up(course, request.coworker, request.user.email)
    except RuleBroken as broken:
        messages.error(request, broken.message)
    else:
        if member.approved:
            messages.success(request, "You are signed up. Enjoy the course!")
        else:
            messages.info(request, "Your request is waiting for approval.")
    return redirect("portal:course", pk=course.pk)


# Lessons


def _lesson_context(request, pk, lesson_id):
    course = catalogue.find_course(request.coworker, pk)
    lesson = catalogue.find_lesson(course, lesson_id) if course else None
    if lesson is None:
        return None
    member = catalogue.member_of(course, request.coworker)
    return course, lesson, member


@customer_required
def lesson_view(request, pk, lesson_id):
    found = _lesson_context(request, pk, lesson_id)
    if found is None:
        return not_found(request)
    course, lesson, member = found
    state = progress.lesson_state(course, member, lesson)
    if state is None:
        return not_found(request)
    if state.open:
        state = services.open_lesson(member, lesson, request.user.email)
    states = progress.lesson_states(course, member)
    context = {
        "course": course,
        "lesson": lesson,
        "state": state,
        "member": member,
        "progress": progress.progress_of(states),
        "video": (
            find_video(lesson.lesson_contents)
            if lesson.completion_type == CompletionType.VIDEO
            else None
        ),
        "previous": _neighbour(states, lesson, -1),
        "next": _neighbour(states, lesson, 1),
        "button": lesson.completion_type
        in (CompletionType.BUTTON, CompletionType.VIDEO),
    }
    return render(
        request, "portal/lesson.html", context, status=200 if state.open else 403
    )


def _neighbour(states, lesson, step):
    ids = [state.lesson.pk for state in states]
    index = ids.index(lesson.pk) + step
    return states[index] if 0 <= index < len(states) else None


@require_POST
@customer_required
def complete_view(request, pk, lesson_id):
    found = _lesson_context(request, pk, lesson_id)
    if found is None or found[2] is None:
        return not_found(request)
    course, lesson, member = found
    try:
        services.complete_open_lesson(member, lesson, request.user.email)
    except RuleBroken as broken:
        messages.error(request, broken.message)
        return redirect("portal:lesson", pk=course.pk, lesson_id=lesson.unique_id)
    messages.success(request, f"“{lesson.title}” is complete.")
    following = _neighbour(progress.lesson_states(course, member), lesson, 1)
    if following is not None and following.open:
        return redirect(
            "portal:lesson", pk=course.pk, lesson_id=following.lesson.unique_id
        )
    return redirect("portal:course", pk=course.pk)
