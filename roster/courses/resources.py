"""The Courses records as the API declares them."""

from roster.api import fields as f
from roster.api.resources import Command, Resource, register
from roster.courses import services
from roster.courses.models import (
    CompletionType,
    Course,
    CourseCompletedLesson,
    CourseLesson,
    CourseMember,
    CourseSection,
    UnlockType,
    Visibility,
)
from roster.customers.models import CoworkerType


@register
class CourseResource(Resource):
    name = "Course"
    path = "content/courses"
    model = Course
    owner = "Business"
    fields = (
        f.Reference("Business", "business", required=True, fixed=True),
        f.Text("Business.Name", "business__name"),
        f.Reference("Host", "host", target="Coworker"),
        f.Text("Host.FullName", "host__full_name"),
        f.Text("Title", "title", required=True),
        f.Text("SummaryText", "summary_text"),
        f.Text("FullDescription", "full_description"),
        f.Text("OverviewText", "overview_text"),
        f.Boolean("ShowOverview", "show_overview"),
        f.Boolean("HasCommunityGroup", "has_community_group"),
        f.Boolean("Active", "active"),
        f.Text("GroupName", "group_name"),
        f.Integer("DisplayOrder", "display_order", required=True),
        f.Boolean("ShowInHomePage", "show_in_home_page"),
        f.Enum("Visibility", "visibility", Visibility, required=True),
        f.Text("ImageFileName", "image_file_name", read_only=True),
    )
    label = f.Label("ToStringText", "{}", "title")

    def delete(self, record, actor):
        services.delete_course(record, actor)


@register
class CourseSectionResource(Resource):
    name = "CourseSection"
    path = "content/coursesections"
    model = CourseSection
    business = "course__business_id"
    owner = "Course"
    fields = (
        f.Reference("Course", "course", required=True, fixed=True),
        f.Text("Course.Title", "course__title"),
        f.Text("Title", "title", required=True),
        f.Text("SectionContents", "section_contents"),
        f.Boolean("Active", "active"),
        f.Integer("DisplayOrder", "display_order", required=True),
        f.Enum("UnlockType", "unlock_type", UnlockType),
        f.Integer("UnlockAfterDays", "unlock_after_days"),
    )
    label = f.Label("ToStringText", "{}", "title")
    save = staticmethod(services.save_section)

    def delete(self, record, actor):
        services.delete_section(record, actor)


@register
class CourseLessonResource(Resource):
    name = "CourseLesson"
    path = "content/courselessons"
    model = CourseLesson
    business = "course__business_id"
    owner = "Course"
    fields = (
        f.Reference("Course", "course", required=True, fixed=True),
        f.Text("Course.Title", "course__title"),
        f.Reference("Section", "section", target="CourseSection"),
        f.Text("Section.Title", "section__title"),
        f.Integer("Section.DisplayOrder", "section__display_order"),
        f.Text("Title", "title", required=True),
        f.Text("SummaryText", "summary_text"),
        f.Text("LessonContents", "lesson_contents"),
        f.Boolean("Active", "active"),
        f.Integer("DisplayOrder", "display_order", required=True),
        f.Enum("UnlockType", "unlock_type", UnlockType),
        f.Integer("UnlockAfterDays", "unlock_after_days"),
        f.Enum("CompletionType", "completion_type", CompletionType),
    )
    label = f.Label("ToStringText", "{}", "title")

    save = staticmethod(services.save_lesson)

    def delete(self, record, actor):
        services.delete_lesson(record, actor)


@register
class CourseMemberResource(Resource):
    name = "CourseMember"
    path = "content/coursemembers"
    model = CourseMember
    owner = "Course"
    counted_by = "course"
    kept_records = True
    fields = (
        f.Reference("Course", "course", required=True, fixed=True),
        f.Text("Course.Title", "course__title"),
        f.Reference("Coworker", "coworker", required=True, fixed=True),
        f.Enum("Coworker.CoworkerType", "coworker__coworker_type", CoworkerType),
        f.Text("Coworker.FullName", "coworker__full_name"),
        f.Text("Coworker.CompanyName", "coworker__company_name"),
        f.TeamNames("Coworker.TeamNames", "coworker"),
        f.Text("Coworker.BillingName", "coworker__billing_name"),
        f.Reference(
            "LastCompletedLesson",
            "last_completed_lesson",
            target="CourseLesson",
            read_only=True,
        ),
        f.Text("LastCompletedLesson.Title", "last_completed_lesson__title"),
        f.DateTime("LastAccess", "last_access"),
        f.Boolean("Approved", "approved"),
        f.Boolean("Blocked", "blocked"),
    )
    label = f.Label("ToStringText", "{} ({})", "coworker__full_name", "course__title")
    commands = (
        Command("APPROVE", "Approve", services.approve_members),
        Command("UNAPPROVE", "Unapprove", services.unapprove_members),
        Command("BLOCK", "Block", services.block_members),
        Command("UNBLOCK", "Unblock", services.unblock_members),
    )

    def create(self, values, actor):
        return services.enrol(values, actor)

    def update(self, record, values, actor):
        return services.update_member(record, values, actor)

    def delete(self, record, actor):
        services.delete_member(record, actor)


@register
class CourseCompletedLessonResource(Resource):
    name = "CourseCompletedLesson"
    path = "content/coursecompletedlessons"
    model = CourseCompletedLesson
    owner = "CourseMember"
    kept_records = True
    fields = (
        f.Reference("CourseLesson", "lesson", required=True, fixed=True),
        f.Text("CourseLesson.Title", "lesson__title"),
        f.Reference("CourseMember", "member", required=True, fixed=True),
        f.Text("CourseMember.Coworker.FullName", "member__coworker__full_name"),
        f.Text("CourseMember.Coworker.CompanyName", "member__coworker__company_name"),
        f.TeamNames("CourseMember.Coworker.TeamNames", "member__coworker"),
    )
    label = f.Label(
        "ToStringText", "{} ({})", "lesson__title", "member__coworker__full_name"
    )

    def create(self, values, actor):
        return services.complete_lesson(values, actor)

    def delete(self, record, actor):
        services.delete_completion(record, actor)
