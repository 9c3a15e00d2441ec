"""`POST /api/token`: the password and refresh-token grants.

A success carries exactly the four keys of the contract; every failure is a
400 with exactly `error` and `error_description`, and neither is cached.
"""

import re
import time

import pyotp
import pytest
from django.test import Client

from roster.accounts.services import save_administrator
from roster.conftest import PASSWORD, post_form
from roster.testing import SEARCH, TOKEN

ADMIN = "admin@example.com"
KEYS = ["access_token", "token_type", "expires_in", "refresh_token"]
# 256 random bits, written as unpadded URL-safe base64.
SECRET = re.compile(r"[A-Za-z0-9_-]{43}")
DAY = 24 * 3600
# As long as an address can be: 64 characters, "@" and 189 of domain.
LONGEST_EMAIL = "a" * 64 + "@" + ".".join(["b" * 62, "c" * 62, "d" * 60]) + ".io"


def refusal(error, description):
    return {"error": error, "error_description": description}


UNSUPPORTED = refusal(
    "unsupported_grant_type", "grant_type must be password or refresh_token."
)
WRONG_PASSWORD = refusal("invalid_grant", "The user name or password is incorrect.")
BAD_REFRESH = refusal(
    "invalid_grant", "The refresh token is not valid, has expired or was used."
)
THROTTLED = refusal(
    "invalid_grant", "Too many failed sign-in attempts; try again later."
)
BAD_CLIENT = refusal(
    "invalid_grant", "client_id must be at most 254 printable characters."
)
TWO_FACTOR = refusal(
    "two_factor_auth_check",
    "A valid one-time code (totp) is required for this account.",
)


def ask_token(form, headers=None, **environ):
    return post_form(Client(), TOKEN, form, headers, **environ)


def password_grant(email=ADMIN, password=PASSWORD, **fields):
    return {"grant_type": "password", "username": email, "password": password, **fields}


def refresh_grant(refresh_token, **fields):
    return {"grant_type": "refresh_token", "refresh_token": refresh_token, **fields}


def tokens(response):
    """The body of a successful answer, after checking its shape."""
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert list(body) == KEYS
    return body


def refused(response):
    """The body of a failed answer, after checking its status and headers."""
    assert response.status_code == 400, response.content
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "application/json"
    return response.json()


def search_status(access_token):
    headers = {"Authorization": f"Bearer {access_token}"}
    return Client().get(SEARCH, headers=headers).status_code


# Success


@pytest.mark.parametrize("username", [ADMIN, "Admin@Example.COM", f" {ADMIN} "])
def test_a_password_login_answers_a_bearer_token(admin_user, username):
    body = tokens(ask_token(password_grant(username)))

    assert (body["token_type"], body["expires_in"]) == ("bearer", 3600)
    assert SECRET.fullmatch(body["access_token"])
    assert SECRET.fullmatch(body["refresh_token"])
    assert body["access_token"] != body["refresh_token"]
    assert search_status(body["access_token"]) == 200


def test_the_access_token_lifetime_is_a_setting(admin_user, settings):
    settings.ROSTER_ACCESS_TOKEN_SECONDS = 120

    assert tokens(ask_token(password_grant()))["expires_in"] == 120


def test_a_totp_code_lets_a_guarded_account_in(guarded_user):
    code = pyotp.TOTP(guarded_user.totp_secret).now()

    body = tokens(ask_token(password_grant(totp=code)))

    assert search_status(body["access_token"]) == 200


# Where the client_id comes from


def via_form(client_id):
    return {"client_id": client_id}, None


def via_header(client_id):
    return {}, {"client_id": client_id}


NOWHERE = ({}, None)


@pytest.mark.parametrize(
    ("at_login", "at_refresh", "status"),
    [
        pytest.param(NOWHERE, NOWHERE, 200, id="the email stands in"),
        pytest.param(via_form("app"), via_form("app"), 200, id="form, form"),
        pytest.param(via_header("app"), via_form("app"), 200, id="header, form"),
        pytest.param(via_form("app"), via_header("app"), 200, id="form, header"),
        pytest.param(via_header("app"), via_header("app"), 200, id="header, header"),
        pytest.param(via_form("app"), NOWHERE, 400, id="missing on refresh"),
        pytest.param(NOWHERE, via_form("app"), 400, id="missing at login"),
        pytest.param(via_form("app"), via_form("other"), 400, id="another client"),
        pytest.param(via_header("app"), via_header("App"), 400, id="another case"),
    ],
)
def test_the_client_id_must_match_on_refresh(admin_user, at_login, at_refresh, status):
    login_fields, login_headers = at_login
    refresh_fields, refresh_headers = at_refresh
    first = tokens(ask_token(password_grant(**login_fields), login_headers))

    response = ask_token(
        refresh_grant(first["refresh_token"], **refresh_fields), refresh_headers
    )

    if status == 200:
        assert search_status(tokens(response)["access_token"]) == 200
    else:
        assert refused(response) == BAD_REFRESH


def test_the_longest_email_stands_in_for_a_missing_client_id(db):
    save_administrator(LONGEST_EMAIL, PASSWORD, full=True)

    first = tokens(ask_token(password_grant(LONGEST_EMAIL)))
    second = tokens(ask_token(refresh_grant(first["refresh_token"])))

    assert search_status(second["access_token"]) == 200


@pytest.mark.parametrize(
    "client_id", ["c" * 254, "app ünïcødé", pytest.param(" app ", id="spaces")]
)
def test_a_client_id_of_up_to_254_characters_is_kept(admin_user, client_id):
    first = tokens(ask_token(password_grant(client_id=client_id)))

    response = ask_token(refresh_grant(first["refresh_token"], client_id=client_id))

    assert search_status(tokens(response)["access_token"]) == 200


@pytest.mark.parametrize(
    ("fields", "headers"),
    [
        pytest.param({"client_id": "c" * 255}, None, id="too long"),
        pytest.param({}, {"client_id": "c" * 255}, id="too long, header"),
        pytest.param({"client_id": "app\x00"}, None, id="NUL"),
        pytest.param({"client_id": "app\tone"}, None, id="tab"),
        pytest.param({"client_id": ["app", "c" * 255]}, None, id="given twice"),
    ],
)
def test_a_client_id_the_database_cannot_hold_is_refused(admin_user, fields, headers):
    response = ask_token(password_grant(**fields), headers)

    assert refused(response) == BAD_CLIENT


# Refreshing


def test_a_refresh_replaces_the_refresh_token_and_keeps_access_tokens(admin_user):
    """The old refresh token is spent; both access tokens keep working."""
    first = tokens(ask_token(password_grant()))

    second = tokens(ask_token(refresh_grant(first["refresh_token"])))
    replayed = ask_token(refresh_grant(first["refresh_token"]))

    assert SECRET.fullmatch(second["refresh_token"])
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert refused(replayed) == BAD_REFRESH
    assert search_status(first["access_token"]) == 200
    assert search_status(second["access_token"]) == 200
    assert tokens(ask_token(refresh_grant(second["refresh_token"])))


def test_one_live_refresh_token_per_user_and_client(admin_user):
    """A second login for a client revokes only that client's refresh token."""
    phone = tokens(ask_token(password_grant(client_id="phone")))
    laptop = tokens(ask_token(password_grant(client_id="laptop")))
    phone_again = tokens(ask_token(password_grant(client_id="phone")))

    answers = [
        ask_token(refresh_grant(body["refresh_token"], client_id=client_id))
        for body, client_id in [
            (phone, "phone"),
            (laptop, "laptop"),
            (phone_again, "phone"),
        ]
    ]

    assert refused(answers[0]) == BAD_REFRESH
    assert tokens(answers[1]) and tokens(answers[2])
    assert search_status(phone["access_token"]) == 200


def test_one_user_s_login_leaves_another_user_s_token_alone(admin_user):
    save_administrator("clerk@example.com", PASSWORD, roles=["CourseMember-List"])
    admin = tokens(ask_token(password_grant(client_id="app")))
    tokens(ask_token(password_grant("clerk@example.com", client_id="app")))

    response = ask_token(refresh_grant(admin["refresh_token"], client_id="app"))

    assert tokens(response)


@pytest.mark.parametrize(
    ("lifetime", "seconds_later", "status"),
    [
        (None, 15 * DAY - 60, 200),
        (None, 15 * DAY + 1, 400),
        (60, 59, 200),
        (60, 61, 400),
    ],
)
def test_refresh_tokens_expire(
    admin_user, settings, advance_clock, lifetime, seconds_later, status
):
    """They live 15 days, or ROSTER_REFRESH_TOKEN_SECONDS when it is set."""
    if lifetime is not None:
        settings.ROSTER_REFRESH_TOKEN_SECONDS = lifetime
    first = tokens(ask_token(password_grant()))

    advance_clock(seconds_later)
    response = ask_token(refresh_grant(first["refresh_token"]))

    if status == 200:
        assert search_status(tokens(response)["access_token"]) == 200
    else:
        assert refused(response) == BAD_REFRESH


def test_a_deactivated_account_can_neither_log_in_nor_refresh(admin_user):
    first = tokens(ask_token(password_grant()))
    admin_user.is_active = False
    admin_user.save()

    login = ask_token(password_grant())
    refresh = ask_token(refresh_grant(first["refresh_token"]))

    assert refused(login) == WRONG_PASSWORD
    assert refused(refresh) == BAD_REFRESH


# Failures


FAILURES = [
    pytest.param({"grant_type": "client_credentials"}, UNSUPPORTED, id="unknown"),
    pytest.param({"grant_type": "PASSWORD", "username": ADMIN}, UNSUPPORTED, id="case"),
    pytest.param({"username": ADMIN, "password": PASSWORD}, UNSUPPORTED, id="none"),
    pytest.param({"grant_type": "", "username": ADMIN}, UNSUPPORTED, id="empty"),
    pytest.param(password_grant(password="wrong"), WRONG_PASSWORD, id="wrong password"),
    pytest.param(password_grant(password=""), WRONG_PASSWORD, id="empty password"),
    pytest.param(
        password_grant("nobody@example.com"), WRONG_PASSWORD, id="unknown account"
    ),
    pytest.param(
        {"grant_type": "password", "username": ADMIN}, WRONG_PASSWORD, id="no password"
    ),
    pytest.param(
        {"grant_type": "password", "password": PASSWORD}, WRONG_PASSWORD, id="no user"
    ),
    pytest.param(password_grant("admin\x00@example.com"), WRONG_PASSWORD, id="NUL"),
    pytest.param(password_grant("a" * 300 + "@x.io"), WRONG_PASSWORD, id="long email"),
    pytest.param(refresh_grant("not-a-token"), BAD_REFRESH, id="unknown refresh"),
    pytest.param({"grant_type": "refresh_token"}, BAD_REFRESH, id="no refresh token"),
]


@pytest.mark.parametrize(("form", "expected"), FAILURES)
def test_a_failure_names_one_of_the_three_errors(admin_user, form, expected):
    """A wrong password and an unknown account get the same answer."""
    assert refused(ask_token(form)) == expected


def test_a_json_body_is_an_unsupported_grant(admin_user):
    response = Client().post(TOKEN, password_grant(), content_type="application/json")

    assert refused(response) == UNSUPPORTED


# Two factors


@pytest.fixture
def guarded_user(admin_user):
    """The administrator, with a one-time password generator enrolled."""
    admin_user.totp_secret = pyotp.random_base32()
    admin_user.save()
    return admin_user


def wrong_code(secret):
    """A six-digit code that no window around the current one accepts."""
    totp = pyotp.TOTP(secret)
    now = time.time()
    accepted = {totp.at(now, counter_offset=n) for n in (-1, 0, 1)}
    return next(code for n in range(4) if (code := f"{n:06d}") not in accepted)


@pytest.mark.parametrize(
    "code",
    [
        pytest.param(lambda secret: None, id="missing"),
        pytest.param(lambda secret: "", id="empty"),
        pytest.param(wrong_code, id="wrong"),
        pytest.param(lambda secret: "abcdef", id="letters"),
    ],
)
def test_a_guarded_account_needs_its_one_time_code(guarded_user, code):
    totp = code(guarded_user.totp_secret)
    fields = {} if totp is None else {"totp": totp}

    assert refused(ask_token(password_grant(**fields))) == TWO_FACTOR


def test_a_right_code_does_not_make_up_for_a_wrong_password(guarded_user):
    code = pyotp.TOTP(guarded_user.totp_secret).now()

    response = ask_token(password_grant(password="wrong", totp=code))

    assert refused(response) == WRONG_PASSWORD


# Throttling


@pytest.fixture
def limits(settings):
    """Three failures per account, five per address."""
    settings.ROSTER_LOGIN_FAILURES_PER_ACCOUNT = 3
    settings.ROSTER_LOGIN_FAILURES_PER_ADDRESS = 5
    return settings


def fail(times, email=ADMIN, **environ):
    """Log in with a wrong password; return the answers' bodies."""
    return [
        refused(ask_token(password_grant(email, "wrong"), **environ))
        for _ in range(times)
    ]


@pytest.mark.parametrize(
    "email",
    [
        pytest.param(ADMIN, id="account"),
        pytest.param("nobody@example.com", id="no account"),
        pytest.param(LONGEST_EMAIL, id="longest account"),
        pytest.param("x" + LONGEST_EMAIL, id="longer than any account"),
    ],
)
def test_an_account_past_its_failures_refuses_even_the_right_password(
    admin_user, limits, email
):
    """The answers are the same whether the account exists or not."""
    save_administrator(LONGEST_EMAIL, PASSWORD, full=True)
    failures = fail(3, email)

    response = ask_token(password_grant(email))

    assert failures == [WRONG_PASSWORD] * 3
    assert refused(response) == THROTTLED


def test_an_account_s_failures_leave_other_accounts_alone(admin_user, limits):
    save_administrator("clerk@example.com", PASSWORD, roles=["CourseMember-List"])
    fail(3)

    assert tokens(ask_token(password_grant("clerk@example.com")))
    assert refused(ask_token(password_grant())) == THROTTLED


def test_failures_are_remembered_for_the_whole_window(admin_user, limits):
    """Not merely for the cache's default timeout, here one second."""
    default = limits.CACHES["default"]
    limits.CACHES = {"default": {**default, "TIMEOUT": 1}}
    fail(3)

    time.sleep(1.1)

    assert refused(ask_token(password_grant())) == THROTTLED


def test_failures_are_forgotten_once_the_window_has_passed(admin_user, limits):
    limits.ROSTER_LOGIN_WINDOW_SECONDS = 1
    fail(3)

    time.sleep(1.1)

    assert tokens(ask_token(password_grant()))


def test_wrong_one_time_codes_count_as_failures(guarded_user, limits):
    """Asking for the code is no failure; guessing it wrongly is."""
    secret = guarded_user.totp_secret
    asked = [refused(ask_token(password_grant())) for _ in range(3)]
    guessed = [
        refused(ask_token(password_grant(totp=wrong_code(secret)))) for _ in range(3)
    ]

    response = ask_token(password_grant(totp=pyotp.TOTP(secret).now()))

    assert asked == guessed == [TWO_FACTOR] * 3
    assert refused(response) == THROTTLED


ATTACKER, VISITOR = "203.0.113.7", "198.51.100.2"
PROXY, INNER_PROXY = "10.0.0.2", "10.0.0.3"


@pytest.mark.parametrize(
    ("attack", "login", "status"),
    [
        pytest.param((ATTACKER, None), (ATTACKER, None), 400, id="same peer"),
        pytest.param((ATTACKER, None), (VISITOR, None), 200, id="another peer"),
        pytest.param((PROXY, ATTACKER), (PROXY, ATTACKER), 400, id="proxied"),
        pytest.param(
            (PROXY, ATTACKER), (PROXY, VISITOR), 200, id="the proxy's other client"
        ),
        pytest.param((PROXY, ATTACKER), (ATTACKER, None), 400, id="proxy, direct"),
        pytest.param(
            (PROXY, f"{VISITOR}, {ATTACKER}"),
            (PROXY, ATTACKER),
            400,
            id="one hop per proxy",
        ),
        pytest.param(
            (PROXY, f"{ATTACKER}, {INNER_PROXY}"),
            (ATTACKER, None),
            400,
            id="two trusted proxies",
        ),
        pytest.param(
            (ATTACKER, VISITOR), (ATTACKER, "192.0.2.1"), 400, id="forged header"
        ),
        pytest.param(
            (ATTACKER, VISITOR), (VISITOR, None), 200, id="forged victim unharmed"
        ),
    ],
)
def test_an_address_past_its_failures_is_refused_for_every_account(
    admin_user, limits, attack, login, status
):
    """Only a trusted proxy's X-Forwarded-For names the client's address."""
    limits.ROSTER_TRUSTED_PROXIES = [PROXY, INNER_PROXY]
    limits.ROSTER_LOGIN_FAILURES_PER_ACCOUNT = 100
    for n in range(5):
        ask_token(password_grant(f"guess{n}@example.com", "x"), **sent_from(*attack))

    response = ask_token(password_grant(), **sent_from(*login))

    if status == 200:
        assert tokens(response)
    else:
        assert refused(response) == THROTTLED


def sent_from(peer, forwarded):
    """The test client's arguments for a request from `peer`."""
    headers = {"X-Forwarded-For": forwarded} if forwarded else None
    return {"REMOTE_ADDR": peer, "headers": headers}


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_another_method_is_refused_in_the_contract_shape(method):
    response = Client().generic(method, TOKEN)

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {
        "Message": "The requested resource does not support this HTTP method."
    }
