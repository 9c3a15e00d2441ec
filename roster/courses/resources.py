"""The Courses records as the API declares them."""

from roster.api import fields as f
from roster.api.resources import Resource, register
from roster.courses.models import CourseMember
from roster.customers.models import CoworkerType


@register
class CourseMemberResource(Resource):
    name = "CourseMember"
    path = "content/coursemembers"
    model = CourseMember
    counted_by = "course"
    fields = (
        f.Reference("Course", "course"),
        f.Text("Course.Title", "course__title"),
        f.Reference("Coworker", "coworker"),
        f.Enum("Coworker.CoworkerType", "coworker__coworker_type", CoworkerType),
        f.Text("Coworker.FullName", "coworker__full_name"),
        f.Text("Coworker.CompanyName", "coworker__company_name"),
        f.TeamNames("Coworker.TeamNames", "coworker"),
        f.Text("Coworker.BillingName", "coworker__billing_name"),
        f.Reference("LastCompletedLesson", "last_completed_lesson"),
        f.Text("LastCompletedLesson.Title", "last_completed_lesson__title"),
        f.DateTime("LastAccess", "last_access"),
        f.Boolean("Approved", "approved"),
        f.Boolean("Blocked", "blocked"),
    )
    label = f.Label("ToStringText", "{} ({})", "coworker__full_name", "course__title")
