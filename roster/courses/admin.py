from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q
from django.http import HttpResponseBadRequest
from django.urls import path
from django.utils import timezone

from roster.core.admin import COMMON_FIELDS, ResourceAdmin, ScopedRelatedFilter
from roster.core.exports import csv_response
from roster.courses import services
from roster.courses.models import (
    Course,
    CourseCompletedLesson,
    CourseLesson,
    CourseMember,
    CourseSection,
)

LESSON_ORDER = (
    "course",
    F("section__display_order").asc(nulls_last=True),
    "section_id",
    "display_order",
    "id",
)


def utc_text(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""


def course_overview(course):
    """The figures of a course's page: enrolments by status, lesson chart.

    Each lesson, in the one lesson order, carries how many members have
    completed it and that number as a share of all members.
    """
    counts = course.members.aggregate(
        total=Count("pk"),
        waiting=Count("pk", filter=Q(approved=False, blocked=False)),
        approved=Count("pk", filter=Q(approved=True, blocked=False)),
        blocked=Count("pk", filter=Q(blocked=True)),
    )
    trackable = set(course.lessons.trackable().values_list("pk", flat=True))
    lessons = list(
        course.lessons.in_order()
        .select_related("section")
        .annotate(completed=Count("completions"))
    )
    for lesson in lessons:
        lesson.trackable = lesson.pk in trackable
        share = lesson.completed * 100 / counts["total"] if counts["total"] else 0
        lesson.share = round(share, 1)
    return {"counts": counts, "lessons": lessons}


@admin.register(Course)
class CourseAdmin(ResourceAdmin):
    """Courses; each course's page shows its lessons, members and progress."""

    list_display = ("title", "business", "visibility", "active", "display_order")
    list_select_related = ("business",)
    list_filter = ("business", "visibility", "active")
    search_fields = ("title_search", "group_name_search")
    autocomplete_fields = ("host",)
    ordering = ("display_order", "title", "id")
    readonly_fields = (*ResourceAdmin.readonly_fields, "image_file_name")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        course = self.get_object(request, object_id)
        context = {**course_overview(course), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, context)


@admin.register(CourseSection)
class CourseSectionAdmin(ResourceAdmin):
    list_display = ("title", "course", "display_order", "active", "unlock_type")
    list_select_related = ("course",)
    list_filter = ("course", "active", "unlock_type")
    search_fields = ("title_search", "course__title_search")
    autocomplete_fields = ("course",)
    ordering = ("course", "display_order", "id")
    fixed_fields = ("course",)


@admin.register(CourseLesson)
class CourseLessonAdmin(ResourceAdmin):
    """Lessons, listed per course in the one lesson order."""

    list_display = (
        "title",
        "course",
        "section",
        "display_order",
        "active",
        "unlock_type",
        "completion_type",
    )
    list_select_related = ("course", "section")
    list_filter = ("course", "active", "completion_type")
    search_fields = ("title_search", "course__title_search")
    autocomplete_fields = ("course", "section")
    ordering = LESSON_ORDER
    fixed_fields = ("course",)


class StatusFilter(admin.SimpleListFilter):
    """Enrolments by status; "waiting" is the queue of approvals to give."""

    title = "status"
    parameter_name = "status"
    conditions = {
        "waiting": Q(approved=False, blocked=False),
        "approved": Q(approved=True, blocked=False),
        "blocked": Q(blocked=True),
    }

    def lookups(self, request, model_admin):
        return [
            ("waiting", "Waiting for approval"),
            ("approved", "Approved"),
            ("blocked", "Blocked"),
        ]

    def queryset(self, request, queryset):
        condition = self.conditions.get(self.value())
        return queryset if condition is None else queryset.filter(condition)


@admin.register(CourseMember)
class CourseMemberAdmin(ResourceAdmin):
    """Enrolments, with the API's filters, bulk commands and a CSV export."""

    change_list_template = "admin/courses/coursemember/change_list.html"
    list_display = (
        "id",
        "customer",
        "email",
        "course",
        "coworker_type",
        "approved",
        "blocked",
        "last_completed_lesson",
        "last_access",
        "created_on",
    )
    list_display_links = ("id", "customer")
    list_select_related = ("coworker", "course", "last_completed_lesson")
    list_filter = (
        StatusFilter,
        "course",
        "approved",
        "blocked",
        "coworker__coworker_type",
        "last_access",
        "created_on",
    )
    search_fields = (
        "coworker__full_name_search",
        "coworker__email_search",
        "course__title_search",
    )
    autocomplete_fields = ("course", "coworker")
    exclude = (*COMMON_FIELDS, "business", "approved_on")
    readonly_fields = (
        *ResourceAdmin.readonly_fields,
        "last_completed_lesson",
        "last_access",
    )
    fixed_fields = ("course", "coworker")
    ordering = ("-created_on", "-id")
    actions = ("approve", "unapprove", "block", "unblock")

    @admin.display(description="customer", ordering="coworker__full_name")
    def customer(self, member):
        return member.coworker.full_name

    @admin.display(description="email", ordering="coworker__email")
    def email(self, member):
        return member.coworker.email

    @admin.display(description="type", ordering="coworker__coworker_type")
    def coworker_type(self, member):
        return member.coworker.get_coworker_type_display()

    # The API's commands, one service call each

    def _run(self, request, queryset, command, done):
        members = list(queryset)
        command(members, request.user.email)
        self.message_user(request, f"{len(members)} enrolments {done}.", messages.INFO)

    @admin.action(description="Approve selected enrolments", permissions=["change"])
    def approve(self, request, queryset):
        self._run(request, queryset, services.approve_members, "approved")

    @admin.action(description="Unapprove selected enrolments", permissions=["change"])
    def unapprove(self, request, queryset):
        self._run(request, queryset, services.unapprove_members, "unapproved")

    @admin.action(description="Block selected enrolments", permissions=["change"])
    def block(self, request, queryset):
        self._run(request, queryset, services.block_members, "blocked")

    @admin.action(description="Unblock selected enrolments", permissions=["change"])
    def unblock(self, request, queryset):
        self._run(request, queryset, services.unblock_members, "unblocked")

    # The CSV export of the list as filtered, searched and ordered

    def get_urls(self):
        export = path(
            "export/",
            self.admin_site.admin_view(self.export_view),
            name="courses_coursemember_export",
        )
        return [export, *super().get_urls()]

    def export_view(self, request):
        """Every enrolment of the filtered list, not only the page shown."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseBadRequest("The filters are not valid.")
        members = changelist.queryset.select_related(
            "coworker", "course", "last_completed_lesson"
        )
        filename = f"course-members-{timezone.now():%Y-%m-%d}.csv"
        return csv_response(filename, EXPORT_HEADER, map(export_row, members))


EXPORT_HEADER = (
    "Id",
    "Course",
    "Customer",
    "Email",
    "Customer type",
    "Approved",
    "Blocked",
    "Last completed lesson",
    "Last access (UTC)",
    "Created on (UTC)",
)


def export_row(member):
    lesson = member.last_completed_lesson
    return (
        member.pk,
        member.course.title,
        member.coworker.full_name,
        member.coworker.email,
        member.coworker.get_coworker_type_display(),
        "Yes" if member.approved else "No",
        "Yes" if member.blocked else "No",
        lesson.title if lesson else "",
        utc_text(member.last_access),
        utc_text(member.created_on),
    )


@admin.register(CourseCompletedLesson)
class CourseCompletedLessonAdmin(ResourceAdmin):
    """Completed lessons; a completion is recorded or deleted, never edited."""

    list_display = ("lesson", "member", "created_on")
    list_select_related = ("lesson", "member__coworker", "member__course")
    list_filter = (("lesson__course", ScopedRelatedFilter), "created_on")
    search_fields = ("lesson__title_search", "member__coworker__full_name_search")
    autocomplete_fields = ("member", "lesson")
    exclude = (*COMMON_FIELDS, "business")
    fixed_fields = ("member", "lesson")
    ordering = ("-created_on", "-id")
