"""Every operation of the OpenAPI document, fuzzed against the server.

Schemathesis reads `GET /api/openapi.json` and derives requests from it:
its coverage phase walks the edges of every schema (bounds, missing,
mistyped and malformed values, methods a path does not support), then
Hypothesis draws valid and invalid requests at random. Each request goes
through the Django WSGI application over the `world` data, with a real
bearer token, and each answer must be no server error and must match
what the document says: a documented status, its content type and the
schema of its body.

Each case runs in a savepoint that is rolled back, so every case sees
the same `world`, and a failure replays as it was found.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from roster.accounts.roles import ALL_ROLES
from roster.api.tests.conftest import FUZZ_CASES

APPLICATION = get_wsgi_application()
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# The per-operation bound on Hypothesis' random cases; the coverage phase
# adds its own deterministic cases on top. A deeper run sets more.
EXAMPLES = int(os.environ.get("ROSTER_FUZZ_EXAMPLES", "20"))
# One Django test and one `world` per operation, shared by its cases:
# building them per case would multiply the run's time.
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

everything = schemathesis.openapi.from_wsgi("/api/openapi.json", APPLICATION)
# A restricted administrator fuzzes what reads or changes existing records,
# with Hypothesis' cases only, to keep the whole run within two minutes.
restricted = schemathesis.openapi.from_wsgi(
    "/api/openapi.json",
    APPLICATION,
    config=schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}}),
).include(method=["GET", "PUT", "DELETE"])


@pytest.fixture
def fuzzing(settings, pytestconfig):
    """Serve requests as Django's test client does, unthrottled; count them.

    Django closes a connection that is not in autocommit mode when a
    request starts or finishes; the test's transaction is such a one.
    """
    settings.ROSTER_API_REQUESTS_PER_WINDOW = 0
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield pytestconfig.stash[FUZZ_CASES]
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def north_clerk(make_api, world):
    """An administrator with every role, for North Hub only."""
    return make_api(
        "clerk@example.com", roles=sorted(ALL_ROLES), businesses=[world.north.business]
    )


def call_and_check(case, api, tally, who):
    with transaction.atomic():
        response = case.call(headers=api.headers)
        transaction.set_rollback(True)
    tally[who, case.operation.label] += 1
    case.validate_response(response, checks=CHECKS)


@everything.parametrize()
@FUZZ_SETTINGS
def test_fuzz_as_a_full_administrator(case, admin, world, fuzzing):
    call_and_check(case, admin, fuzzing, "a full administrator")


@restricted.parametrize()
@FUZZ_SETTINGS
def test_fuzz_as_an_administrator_of_one_business(case, north_clerk, world, fuzzing):
    call_and_check(case, north_clerk, fuzzing, "an administrator of one business")
