"""Fixtures every app's tests share.

Tests talk to the service through the real HTTP stack, with tokens from the
real token endpoint; these fixtures create the named people and places the
tests speak of.
"""

import datetime as dt
import json
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from roster.accounts.services import save_administrator
from roster.businesses.models import Business
from roster.testing import make_site
from roster.testing.browser import chromium, page  # noqa: F401  (fixtures)

PASSWORD = "correct horse battery"
FORM = "application/x-www-form-urlencoded"


def post_form(client, path, data, headers=None, **environ):
    """POST a form the way OAuth2 clients send it.

    `environ` sets WSGI variables such as REMOTE_ADDR, the socket's peer.
    """
    return client.post(
        path, urlencode(data, doseq=True), content_type=FORM, headers=headers, **environ
    )


class Api:
    """A test client that holds a bearer token from `POST /api/token`."""

    def __init__(self, email, password=PASSWORD):
        self.client = Client()
        response = post_form(
            self.client,
            "/api/token",
            {"grant_type": "password", "username": email, "password": password},
        )
        assert response.status_code == 200, response.content
        self.token = response.json()["access_token"]
        self.headers = {"Authorization": f"Bearer {self.token}"}

    def get(self, path, params=None):
        return self.client.get(path, params or {}, headers=self.headers)

    def post(self, path, body):
        return self.send("post", path, body)

    def put(self, path, body):
        return self.send("put", path, body)

    def delete(self, path):
        return self.client.delete(path, headers=self.headers)

    def send(self, method, path, body, content_type="application/json"):
        """Send a body: JSON-encoded unless it is already text or bytes."""
        if not isinstance(body, str | bytes):
            body = json.dumps(body)
        call = getattr(self.client, method)
        return call(path, body, content_type=content_type, headers=self.headers)


class Anonymous(Api):
    """A client that sends no credentials at all."""

    def __init__(self):
        self.client = Client()
        self.headers = {}


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["roster.testing.QuickArgon2PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache(request, django_db_setup, django_db_blocker):
    """Start every test with no failed logins counted.

    The counters live in the shared cache. The database cache is rolled back
    with each test's transaction, but a cache server is not, nor is the
    cache table emptied when a transactional test flushes the database. A
    test that touches no database counts nothing, and on SQLite its
    in-memory test database may be gone, so it is left alone.
    """
    if not _uses_database(request):
        return
    with django_db_blocker.unblock():
        cache.clear()


def _uses_database(request):
    names = set(request.fixturenames)
    return bool(
        names & {"db", "transactional_db", "django_db_reset_sequences"}
        or request.node.get_closest_marker("django_db")
        or getattr(request.node, "cls", None) is not None
    )


@pytest.fixture
def north(db):
    return Business.objects.create(name="North Hub")


@pytest.fixture
def south(db):
    return Business.objects.create(name="South Hub")


@pytest.fixture
def admin_user(db):
    return save_administrator("admin@example.com", PASSWORD, full=True)


@pytest.fixture
def admin(admin_user):
    """A full administrator's API client."""
    return Api(admin_user.email)


@pytest.fixture
def make_api(db):
    """Make an administrator with some roles and businesses; return its client."""

    def make(email, roles=(), businesses=()):
        save_administrator(email, PASSWORD, roles=roles, businesses=businesses)
        return Api(email)

    return make


def sign_in(client, email, password=PASSWORD):
    """Sign in to the Admin Panel through its login form; return the answer."""
    return client.post(
        "/admin/login/", {"username": email, "password": password, "next": "/admin/"}
    )


@pytest.fixture
def make_panel(db):
    """Make an administrator; return a test client signed in to the panel."""

    def make(email, roles=(), businesses=(), full=None):
        save_administrator(
            email, PASSWORD, roles=roles, businesses=businesses, full=full
        )
        client = Client()
        response = sign_in(client, email)
        assert response.status_code == 302, response.content
        return client

    return make


@pytest.fixture
def world(north, south):
    """North Hub and South Hub, each with a record of every kind."""
    return SimpleNamespace(
        north=make_site(north, "North"), south=make_site(south, "South")
    )


@pytest.fixture
def advance_clock(monkeypatch):
    """Move the clock that tokens are checked against forward, in seconds.

    Only `django.utils.timezone.now` moves, and it stops: tokens issued and
    checked afterwards all see the moved time.
    """

    def advance(seconds):
        moment = timezone.now() + dt.timedelta(seconds=seconds)
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return advance
