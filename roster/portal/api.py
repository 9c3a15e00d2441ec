"""The portal's JSON API for customers, with a customer's bearer token.

The answers carry the same facts the pages show: the member's status,
its progress, and for each lesson whether it is open or when it opens.
"""

import datetime as dt
import uuid

from django.views.decorators.csrf import csrf_exempt

from roster.accounts.authentication import AuthenticationFailed, authenticate
from roster.api.errors import (
    DENIED,
    ApiError,
    MethodNotAllowed,
    NotFound,
    Unauthorized,
    json_response,
)
from roster.api.views import answer
from roster.core.errors import RuleBroken
from roster.courses import progress, services
from roster.courses.models import CompletionType, UnlockType, Visibility
from roster.portal import catalogue
from roster.portal.html import clean


class CustomerRequired(ApiError):
    """HTTP 403: the login is valid but is not a customer's."""

    def response(self):
        message = f"{DENIED} A customer's login is required."
        return json_response({"Message": message}, status=403)


def customer_endpoint(method):
    """Answer `method` for a customer, turning refusals into answers."""

    def wrap(handler):
        @csrf_exempt
        def view(request, **kwargs):
            def run():
                if request.method != method:
                    raise MethodNotAllowed([method])
                user = _user(request)
                coworker = catalogue.customer_of(user)
                if coworker is None:
                    raise CustomerRequired
                return handler(request, coworker, user, **kwargs)

            return answer(request, run)

        return view

    return wrap


def _user(request):
    try:
        return authenticate(request).user
    except AuthenticationFailed:
        raise Unauthorized from None


def _course(coworker, pk):
    course = catalogue.find_course(coworker, pk)
    if course is None:
        raise NotFound
    return course


@customer_endpoint("GET")
def courses(request, coworker, user):
    """`GET /api/public/courses`: the catalogue with status and progress."""
    listed = catalogue.listed_courses(coworker)
    members = catalogue.members_by_course(coworker)
    figures = progress.progress_by_member(list(members.values()))
    body = [
        course_json(
            course,
            members.get(course.pk),
            figures.get(members[course.pk].pk) if course.pk in members else None,
        )
        for course in listed
    ]
    return json_response(body)


@customer_endpoint("GET")
def lessons(request, coworker, user, pk):
    """`GET /api/public/courses/{id}/lessons`: the outline, open or locked.

    Open lessons carry their contents, so reading them notes LastAccess.
    """
    course = _course(coworker, pk)
    member = catalogue.member_of(course, coworker)
    if progress.can_see_content(course, member):
        member = services.note_access(member, user.email)
    return json_response(lessons_json(course, member))


@customer_endpoint("POST")
def signup(request, coworker, user, pk):
    """`POST /api/public/courses/{id}/signup`: enrol, approved by visibility."""
    course = _course(coworker, pk)
    member = services.sign_up(course, coworker, user.email)
    return json_response(course_json(course, member, progress.progress(member)))


@customer_endpoint("POST")
def complete(request, coworker, user, pk, lesson_id):
    """`POST …/lessons/{lessonUniqueId}/complete`: complete an open lesson."""
    course = _course(coworker, pk)
    lesson = _lesson(course, lesson_id)
    member = catalogue.member_of(course, coworker)
    if member is None:
        message = "You are not enrolled in this course."
        raise RuleBroken("CourseId", course.pk, message)
    services.complete_open_lesson(member, lesson, user.email)
    member.refresh_from_db()
    return json_response(lessons_json(course, member))


def _lesson(course, raw):
    try:
        unique_id = uuid.UUID(raw)
    except ValueError:
        raise NotFound from None
    lesson = catalogue.find_lesson(course, unique_id)
    if lesson is None:
        raise NotFound
    return lesson


# The bodies


def moment(value):
    if value is None:
        return None
    return f"{value.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%SZ}"


def course_json(course, member, figures):
    figures = figures or progress.Progress(0, 0)
    return {
        "Id": course.pk,
        "UniqueId": str(course.unique_id),
        "Title": course.title,
        "SummaryText": course.summary_text,
        "Visibility": Visibility(course.visibility).label,
        "Active": course.active,
        "Status": progress.status(member),
        "ApprovedOn": moment(member.approved_on if member else None),
        "LastAccess": moment(member.last_access if member else None),
        "CompletedLessons": figures.completed,
        "TrackableLessons": figures.trackable,
        "Progress": figures.percent,
    }


def lessons_json(course, member):
    states = progress.lesson_states(course, member)
    if not catalogue.shows_outline(course, member):
        states = []
    return {
        "Course": course_json(course, member, progress.progress_of(states)),
        "Lessons": [lesson_json(state) for state in states],
    }


def lesson_json(state):
    lesson = state.lesson
    return {
        "Id": lesson.pk,
        "UniqueId": str(lesson.unique_id),
        "Title": lesson.title,
        "SummaryText": lesson.summary_text,
        "SectionId": lesson.section_id,
        "SectionTitle": lesson.section.title if lesson.section else None,
        "UnlockType": UnlockType(lesson.unlock_type).label,
        "CompletionType": CompletionType(lesson.completion_type).label,
        "Completed": state.completed,
        "Open": state.open,
        "UnlocksOn": moment(state.unlocks_on),
        "WaitsForLessonId": state.waits_for.pk if state.waits_for else None,
        "LessonContents": clean(lesson.lesson_contents) if state.open else None,
    }
