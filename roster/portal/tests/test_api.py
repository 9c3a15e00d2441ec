"""The portal's JSON API, with a customer's bearer token."""

import datetime as dt
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roster.api.errors import DENIED
from roster.conftest import Anonymous
from roster.courses import services
from roster.courses.models import CourseMember, UnlockType
from roster.testing import enrol, invalid, make_course, make_lesson

COURSES = "/api/public/courses"


def moment(value):
    return f"{value:%Y-%m-%dT%H:%M:%SZ}"


def course_body(course, member=None, completed=0, trackable=0, **overrides):
    status = "NotEnrolled"
    if member is not None:
        status = "Blocked" if member.blocked else "Approved"
        if not member.blocked and not member.approved:
            status = "WaitingForApproval"
    body = {
        "Id": course.pk,
        "UniqueId": str(course.unique_id),
        "Title": course.title,
        "SummaryText": course.summary_text,
        "Visibility": course.get_visibility_display(),
        "Active": course.active,
        "Status": status,
        "ApprovedOn": moment(member.approved_on)
        if member and member.approved_on
        else None,
        "LastAccess": moment(member.last_access)
        if member and member.last_access
        else None,
        "CompletedLessons": completed,
        "TrackableLessons": trackable,
        "Progress": completed * 100 // trackable if trackable else 0,
    }
    return {**body, **overrides}


def test_the_catalogue_carries_status_and_progress(campus, ana_api):
    private = enrol(campus.private, campus.ana)
    member = services.sign_up(campus.python, campus.ana, "ana@example.com")
    services.complete_open_lesson(member, campus.variables, "ana@example.com")
    member.refresh_from_db()

    response = ana_api.get(COURSES)

    assert response.status_code == 200
    # Ordered by DisplayOrder, then title.
    assert response.json() == [
        course_body(campus.private, private, trackable=2),
        course_body(campus.python, member, completed=1, trackable=3),
    ]


def test_lessons_say_open_locked_and_when(campus, ana_api):
    member = services.sign_up(campus.python, campus.ana, "ana@example.com")
    campus.quiz.unlock_type, campus.quiz.unlock_after_days = UnlockType.TIMED, 3
    campus.quiz.save()

    response = ana_api.get(f"{COURSES}/{campus.python.pk}/lessons")

    member.refresh_from_db()
    opens = member.approved_on + dt.timedelta(days=3)
    assert response.status_code == 200
    assert response.json() == {
        "Course": course_body(campus.python, member, trackable=3),
        "Lessons": [
            lesson_body(campus.variables, open_=True),
            lesson_body(campus.loops, waits_for=campus.variables.pk),
            lesson_body(campus.quiz, unlocks_on=moment(opens)),
        ],
    }
    assert member.last_access is not None


def lesson_body(lesson, open_=False, completed=False, unlocks_on=None, waits_for=None):
    return {
        "Id": lesson.pk,
        "UniqueId": str(lesson.unique_id),
        "Title": lesson.title,
        "SummaryText": lesson.summary_text,
        "SectionId": lesson.section_id,
        "SectionTitle": None,
        "UnlockType": lesson.get_unlock_type_display(),
        "CompletionType": lesson.get_completion_type_display(),
        "Completed": completed,
        "Open": open_,
        "UnlocksOn": unlocks_on,
        "WaitsForLessonId": waits_for,
        "LessonContents": lesson.lesson_contents if open_ else None,
    }


def test_a_private_course_shows_no_lessons_before_enrolment(campus, ana_api):
    response = ana_api.get(f"{COURSES}/{campus.private.pk}/lessons")

    assert response.json() == {"Course": course_body(campus.private), "Lessons": []}


@pytest.mark.parametrize(
    "name, status",
    [
        ("python", "Approved"),
        ("secret", "Approved"),
        ("private", "WaitingForApproval"),
        ("paid", "WaitingForApproval"),
    ],
)
def test_sign_up_approves_by_visibility(campus, ana_api, name, status):
    course = getattr(campus, name)

    response = ana_api.post(f"{COURSES}/{course.pk}/signup", {})
    again = ana_api.post(f"{COURSES}/{course.pk}/signup", {})

    member = CourseMember.objects.get(course=course, coworker=campus.ana)
    trackable = course.lessons.trackable().count()
    assert response.status_code == 200
    assert response.json() == course_body(course, member, trackable=trackable)
    assert response.json()["Status"] == status
    assert again.json() == response.json()
    assert CourseMember.objects.count() == 1


def test_completing_moves_progress_and_the_member(campus, ana_api):
    member = services.sign_up(campus.python, campus.ana, "ana@example.com")
    path = f"{COURSES}/{campus.python.pk}/lessons/{campus.variables.unique_id}/complete"

    response = ana_api.post(path, {})

    member.refresh_from_db()
    assert response.status_code == 200
    body = response.json()
    assert body["Course"] == course_body(
        campus.python, member, completed=1, trackable=3
    )
    assert body["Lessons"][0]["Completed"] is True
    assert body["Lessons"][1]["Open"] is True
    assert member.last_completed_lesson == campus.variables
    assert member.last_access is not None
    assert ana_api.post(path, {}).status_code == 200


def test_a_locked_lesson_is_refused(campus, ana_api):
    services.sign_up(campus.python, campus.ana, "ana@example.com")
    path = f"{COURSES}/{campus.python.pk}/lessons/{campus.loops.unique_id}/complete"

    response = ana_api.post(path, {})

    assert response.status_code == 400
    assert response.json() == invalid(
        ("CourseLessonId", campus.loops.pk, "The lesson is locked for you now.")
    )


def test_a_blocked_member_cannot_complete(campus, ana_api):
    enrol(campus.python, campus.ana, approved=True, blocked=True)
    path = f"{COURSES}/{campus.python.pk}/lessons/{campus.variables.unique_id}/complete"

    response = ana_api.post(path, {})

    assert response.status_code == 400
    assert not campus.variables.completions.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/api/public/courses/{elsewhere}/lessons",
        "/api/public/courses/{closed}/lessons",
        "/api/public/courses/99999/lessons",
        # The course's id in Arabic-Indic digits, which are digits to `\d`.
        "/api/public/courses/{python_in_arabic_digits}/lessons",
        "/api/public/courses/{python}/lessons/not-a-guid/complete",
        "/api/public/courses/{python}/lessons/{clue}/complete",
    ],
)
def test_what_the_customer_cannot_reach_is_not_found(campus, ana_api, path):
    path = path.format(
        elsewhere=campus.elsewhere.pk,
        closed=campus.closed.pk,
        python=campus.python.pk,
        clue=campus.clue.unique_id,
        python_in_arabic_digits=quote(
            "".join(chr(0x660 + int(d)) for d in str(campus.python.pk))
        ),
    )
    method = ana_api.post if path.endswith("complete") else ana_api.get

    response = method(path, {}) if method == ana_api.post else method(path)

    assert response.status_code == 404
    assert response.json() == {"Message": "The requested resource was not found."}


def test_an_administrator_without_a_customer_is_forbidden(campus, admin):
    response = admin.get(COURSES)

    assert response.status_code == 403
    assert response.json() == {"Message": f"{DENIED} A customer's login is required."}


def test_no_credentials_are_unauthorised(campus):
    response = Anonymous().get(COURSES)

    assert response.status_code == 401
    assert response.json() == {"Message": DENIED}
    assert "WWW-Authenticate" in response


def test_a_customer_token_reaches_no_administrator_resource(campus, ana_api):
    response = ana_api.get("/api/content/coursemembers")

    assert response.status_code == 403


def test_the_wrong_method_is_refused(campus, ana_api):
    response = ana_api.post(COURSES, {})

    assert response.status_code == 405
    assert response["Allow"] == "GET"


def test_the_catalogue_costs_the_same_queries_however_many_courses(campus, ana_api):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert ana_api.get(COURSES).status_code == 200
        return len(captured)

    services.sign_up(campus.python, campus.ana, "ana@example.com")
    few = queries()
    for number in range(5):
        course = make_course(campus.north, f"Extra {number}")
        make_lesson(course, "Lesson")
        services.sign_up(course, campus.ana, "ana@example.com")

    assert queries() == few
