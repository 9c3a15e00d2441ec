"""Who may call the API, checked on every request to a resource.

The requests go to `GET /api/content/coursemembers`. Bearer tokens come
from `POST /api/token`; HTTP Basic carries the email and password itself.
"""

import base64

import pytest
from django.test import Client

from roster.accounts.services import save_administrator
from roster.conftest import PASSWORD
from roster.testing import (
    DENIED,
    SEARCH,
    basic,
    enrol,
    envelope,
    full_names,
    make_course,
    make_customer,
)

LIST = "CourseMember-List"


def search(authorization=None, **environ):
    headers = {"Authorization": authorization} if authorization is not None else None
    return Client().get(SEARCH, headers=headers, **environ)


def assert_denied(response):
    """A 401 in the contract's shape, with a challenge for both schemes."""
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"] == 'Bearer realm="Roster", Basic realm="Roster"'
    assert response.json() == {"Message": DENIED}


def assert_forbidden(response, role):
    assert response.status_code == 403, response.content
    assert response.json() == {"Message": f"{DENIED} The {role} role is required."}


def raw_basic(payload):
    return "Basic " + base64.b64encode(payload).decode("ascii")


@pytest.fixture
def member(north):
    """One enrolment in North Hub, so that lists have something to show."""
    course = make_course(north, "Python Basics")
    return enrol(course, make_customer(north, "Ana Smith"))


# Refused credentials


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param(None, id="no header"),
        pytest.param("", id="empty"),
        pytest.param("Bearer", id="bearer without token"),
        pytest.param("Bearer ", id="bearer with blank token"),
        pytest.param("Bearer not-a-token", id="unknown token"),
        pytest.param("Bearer " + "x" * 5000, id="huge token"),
        pytest.param("Basic", id="basic without credentials"),
        pytest.param("Basic !!!", id="basic not base64"),
        pytest.param("Basic YWRtaW4", id="basic with bad padding"),
        pytest.param("Basic Zóë", id="basic not ascii"),
        pytest.param(raw_basic(b"admin@example.com"), id="basic without colon"),
        pytest.param(raw_basic(b":" + PASSWORD.encode()), id="basic without email"),
        pytest.param(raw_basic(b"\xff\xfe:\xfd"), id="basic of stray bytes"),
        pytest.param(
            raw_basic(b"admin\x00@example.com:" + PASSWORD.encode()), id="basic NUL"
        ),
        pytest.param(basic("admin@example.com", "wrong"), id="basic wrong password"),
        pytest.param(basic("nobody@example.com", PASSWORD), id="basic unknown"),
        pytest.param("Token abc", id="another scheme"),
        pytest.param("garbage", id="garbage"),
        pytest.param("Digest username=admin@example.com", id="digest"),
    ],
)
def test_missing_or_bad_credentials_are_denied(admin_user, authorization):
    assert_denied(search(authorization))


def test_an_expired_token_is_denied(admin, advance_clock):
    """Access tokens live ROSTER_ACCESS_TOKEN_SECONDS, an hour by default."""
    advance_clock(3599)
    still_valid = admin.get(SEARCH)

    advance_clock(2)

    assert still_valid.status_code == 200
    assert_denied(admin.get(SEARCH))


def test_basic_cannot_sign_in_an_account_that_needs_a_one_time_code(admin_user):
    admin_user.totp_secret = "JBSWY3DPEHPK3PXP"
    admin_user.save()

    assert_denied(search(basic("admin@example.com", PASSWORD)))


def test_basic_is_refused_for_an_account_past_its_failures(admin_user, settings):
    settings.ROSTER_LOGIN_FAILURES_PER_ACCOUNT = 2
    for _ in range(2):
        assert_denied(search(basic("admin@example.com", "wrong")))

    assert_denied(search(basic("admin@example.com", PASSWORD)))


# Accepted credentials


@pytest.mark.parametrize(
    ("password", "encoding"),
    [
        ("plain-ascii-1", "utf-8"),
        ("Zoë-Straße-1", "utf-8"),
        ("Zoë-Straße-1", "latin-1"),
        ("naïve café ½", "latin-1"),
        ("€ and 東京", "utf-8"),
        ("pass:with:colons", "utf-8"),
    ],
)
def test_basic_takes_email_and_password_in_utf8_or_latin1(
    db, member, password, encoding
):
    save_administrator("zoe@example.com", password, full=True)

    response = search(basic("Zoe@Example.com", password, encoding))

    assert full_names(response) == ["Ana Smith"]


def test_a_bearer_token_from_the_token_endpoint_is_accepted(admin, member):
    assert full_names(admin.get(SEARCH)) == ["Ana Smith"]


# Roles and businesses


@pytest.mark.parametrize(
    ("roles", "status"),
    [
        ([], 403),
        (["CourseMember-Read", "Course-List"], 403),
        ([LIST], 200),
    ],
)
def test_searching_needs_the_list_role(make_api, north, member, roles, status):
    bearer = make_api("clerk@example.com", roles, [north])
    responses = [bearer.get(SEARCH), search(basic("clerk@example.com", PASSWORD))]

    for response in responses:
        if status == 200:
            assert full_names(response) == ["Ana Smith"]
        else:
            assert_forbidden(response, LIST)


def test_a_deactivated_user_is_denied_with_the_token_it_holds(admin, admin_user):
    assert admin.get(SEARCH).status_code == 200
    admin_user.is_active = False
    admin_user.save()

    assert_denied(admin.get(SEARCH))
    assert_denied(search(basic("admin@example.com", PASSWORD)))


def test_a_user_whose_roles_are_removed_is_forbidden_at_once(make_api, north):
    clerk = make_api("clerk@example.com", [LIST], [north])
    assert clerk.get(SEARCH).status_code == 200

    save_administrator("clerk@example.com", roles=[], businesses=[north])

    assert_forbidden(clerk.get(SEARCH), LIST)


def test_a_full_administrator_made_restricted_keeps_only_its_roles(admin, north):
    save_administrator("admin@example.com", full=False, roles=["Course-List"])

    assert_forbidden(admin.get(SEARCH), LIST)


def test_an_administrator_without_businesses_sees_no_records(make_api, member):
    clerk = make_api("clerk@example.com", [LIST], [])

    response = clerk.get(SEARCH)

    assert response.status_code == 200
    assert response.json() == envelope([], 1, 25, 0, 0, False, False, 0, 0)


def test_taking_away_the_last_business_hides_its_records_at_once(
    make_api, north, member
):
    clerk = make_api("clerk@example.com", [LIST], [north])
    before = full_names(clerk.get(SEARCH))

    save_administrator("clerk@example.com", roles=[LIST], businesses=[])

    assert before == ["Ana Smith"]
    assert clerk.get(SEARCH).json() == envelope([], 1, 25, 0, 0, False, False, 0, 0)
