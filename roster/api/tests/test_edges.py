"""Edges a first user found by trying Roster: each answered, none a 500."""

from urllib.parse import quote

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, OperationalError, connection
from django.test import Client, RequestFactory

from roster.accounts.services import save_administrator
from roster.api.views import server_error
from roster.conftest import PASSWORD, Api, post_form
from roster.core.models import Change
from roster.courses import services
from roster.courses.models import CourseMember, UnlockType
from roster.portal.tests.conftest import customer_login
from roster.testing import SEARCH, TOKEN, basic, invalid, make_lesson

COURSES = "/api/content/courses"


def test_a_course_never_moves_to_another_business(admin, world):
    record = admin.get(f"{COURSES}/{world.north.course.id}").json()
    south = world.south.business.id

    response = admin.put(COURSES, {**record, "BusinessId": south})

    message = "BusinessId cannot change after the record is created."
    assert response.json() == invalid(("BusinessId", south, message))


@pytest.mark.parametrize(("count", "status"), [(100, 200), (101, 400), (600, 400)])
def test_team_names_are_a_bounded_list(admin, world, count, status):
    names = ",".join(f"team{n}" for n in range(count))

    response = admin.get(SEARCH, {"CourseMember_Coworker_TeamNames": names})

    assert response.status_code == status
    if status == 400:
        message = "CourseMember_Coworker_TeamNames must list at most 100 team names."
        assert response.json() == invalid(
            ("CourseMember_Coworker_TeamNames", names, message)
        )


@pytest.mark.parametrize(
    ("name", "value"),
    [("size", "５"), ("page", "１"), ("CourseMember_Course", "４")],
)
def test_only_ascii_digits_are_numbers_in_a_query(admin, world, name, value):
    assert admin.get(SEARCH, {name: value}).status_code == 400


def test_only_ascii_digits_are_numbers_in_a_body(admin, world):
    body = {
        "BusinessId": world.north.business.id,
        "Title": "Kiln",
        "Visibility": 1,
        "DisplayOrder": "１",
    }

    assert admin.post(COURSES, body).status_code == 400


def _in_digits(number, zero):
    """The number written with the ten digits that start at `zero`."""
    return "".join(chr(ord(zero) + int(d)) for d in str(number))


@pytest.mark.parametrize(
    "written",
    [
        lambda pk: _in_digits(pk, "\u0660"),  # Arabic-Indic
        lambda pk: _in_digits(pk, "\uff10"),  # fullwidth
        lambda pk: "\u00b2",  # superscript two, which int() refuses
        lambda pk: f"{pk}\u00b2",
        lambda pk: "\u2460",  # circled one
    ],
)
@pytest.mark.parametrize("method", ["get", "delete"])
def test_only_ascii_digits_are_ids_in_a_path(admin, world, written, method):
    member = world.north.member

    response = getattr(admin, method)(f"{SEARCH}/{quote(written(member.pk))}")

    assert response.status_code == 404
    assert response.json() == {"Message": "The requested resource was not found."}
    assert admin.get(f"{SEARCH}/{member.pk}").status_code == 200


def test_an_empty_id_parameter_is_ignored(admin, world):
    response = admin.get(SEARCH, {"id": ""})

    assert response.json()["TotalItems"] == 2


@pytest.mark.parametrize("length", [60_000])
def test_a_huge_username_is_refused_not_a_fault(db, length):
    email = "a" * length + "@example.com"

    token = post_form(
        Client(),
        TOKEN,
        {"grant_type": "password", "username": email, "password": "x"},
    )
    api = Client().get(SEARCH, headers={"Authorization": basic(email, "x")})

    assert (token.status_code, token.json()["error"]) == (400, "invalid_grant")
    assert api.status_code == 401


def test_a_new_password_ends_the_tokens_of_the_old_one(admin_user, world):
    api = Api(admin_user.email)
    assert api.get(SEARCH).status_code == 200

    save_administrator(admin_user.email, "a brand new secret", full=True)

    assert api.get(SEARCH).status_code == 401


def test_a_delay_past_the_calendar_keeps_a_lesson_locked(world):
    site = world.north
    lesson = make_lesson(
        site.course,
        "Far away",
        unlock_type=UnlockType.TIMED,
        unlock_after_days=3_000_000,
    )
    login = customer_login(site.coworker)
    customer = Api(login.email, PASSWORD)

    response = customer.get(f"/api/public/courses/{site.course.id}/lessons")

    assert response.status_code == 200
    [far] = [x for x in response.json()["Lessons"] if x["Id"] == lesson.id]
    assert (far["Open"], far["UnlocksOn"]) == (False, None)


def test_lesson_html_reaches_customers_without_scripts(world):
    site = world.north
    site.lesson.lesson_contents = (
        '<p>Hello</p><script>alert(1)</script><img src="x" onerror="alert(2)">'
        '<a href="javascript:alert(3)">link</a>'
    )
    site.lesson.save()
    services.approve_members([site.member], "admin@example.com")
    customer = Api(customer_login(site.coworker).email, PASSWORD)

    response = customer.get(f"/api/public/courses/{site.course.id}/lessons")

    [lesson] = [x for x in response.json()["Lessons"] if x["Id"] == site.lesson.id]
    contents = lesson["LessonContents"]
    assert "<p>Hello</p>" in contents
    assert "script" not in contents and "onerror" not in contents
    assert "javascript:" not in contents


def test_an_unexpected_fault_answers_in_the_api_s_shape():
    response = server_error(RequestFactory().get(SEARCH))

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.content == b'{"Message":"An error has occurred."}'


def test_a_backup_into_a_missing_folder_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="is not a folder"):
        call_command("backup", str(tmp_path / "missing" / "copy.sqlite3"))


HOST_REFUSED = "The Host header names no host this server answers for."


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", SEARCH),
        ("get", "/api/content/coursesections/commands"),
        ("post", "/api/content/coursemembers/runcommand"),
        ("delete", f"{COURSES}/1"),
        ("get", "/api"),
        ("get", "/API/content/courses"),
    ],
)
@pytest.mark.parametrize("host", ["'~", "evil.example", "a b"])
def test_a_foreign_host_header_is_refused_in_the_api_s_shape(admin, method, path, host):
    response = getattr(admin.client, method)(
        path, headers=admin.headers, HTTP_HOST=host
    )

    assert response.status_code == 400
    assert response.json() == invalid(("Host", None, HOST_REFUSED))


def test_a_foreign_host_header_is_refused_by_the_token_endpoint(db):
    response = post_form(
        Client(),
        TOKEN,
        {"grant_type": "password", "username": "a@example.com", "password": "x"},
        HTTP_HOST="evil.example",
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_request",
        "error_description": f"Host: {HOST_REFUSED}",
    }


def test_a_foreign_host_header_gets_django_s_page_outside_the_api(db):
    response = Client().get("/portal/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert b"<h1>Bad Request (400)</h1>" in response.content


class _FailingOnce:
    """Make the first statement that starts with `start` fail as `error`,
    as the database would in a race with another transaction."""

    def __init__(self, start, error):
        self.start, self.error, self.failed = start, error, False

    def __call__(self, execute, sql, params, many, context):
        if not self.failed and sql.startswith(self.start):
            self.failed = True
            raise self.error
        return execute(sql, params, many, context)


def _conflict(cause):
    """Django's OperationalError for psycopg's `cause`, as Django raises it."""
    error = OperationalError(str(cause))
    error.__cause__ = cause
    return error


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "cause",
    [
        psycopg.errors.DeadlockDetected("deadlock detected"),
        psycopg.errors.SerializationFailure("could not serialize access"),
    ],
    ids=["deadlock", "serialisation failure"],
)
def test_a_command_refused_for_a_conflict_is_run_again(admin, world, cause):
    member = world.north.member
    failing = _FailingOnce('UPDATE "courses_coursemember"', _conflict(cause))
    body = {"Key": "BLOCK", "Ids": [member.id], "Parameters": []}

    with connection.execute_wrapper(failing):
        response = admin.post(f"{SEARCH}/runcommand", body)

    assert failing.failed
    assert response.status_code == 200
    body = response.json()
    assert (body["Message"], body["Value"], body["WasSuccessful"]) == (
        "The command was run correctly.",
        [member.id],
        True,
    )
    member.refresh_from_db()
    assert member.blocked
    # The refused attempt left nothing behind: one change, recorded once.
    changes = Change.objects.filter(entity="CourseMember", action="update")
    assert changes.count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_enrolment_whose_duplicate_was_deleted_meanwhile_is_made(admin, world):
    """The insert met an enrolment that is gone by the time it is looked
    for: there is nothing to refuse, so the customer is enrolled."""
    site = world.north
    failing = _FailingOnce(
        'INSERT INTO "courses_coursemember"', IntegrityError("UNIQUE constraint")
    )
    body = {"CourseId": site.course.id, "CoworkerId": site.spare.id}

    with connection.execute_wrapper(failing):
        response = admin.post(SEARCH, body)

    assert failing.failed
    assert response.status_code == 200, response.content
    [made] = CourseMember.objects.filter(coworker=site.spare)
    body = response.json()
    assert (body["Message"], body["Value"], body["WasSuccessful"]) == (
        "CourseMember was successfully created.",
        {"Id": made.id},
        True,
    )
