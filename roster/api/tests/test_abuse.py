"""Abuse of the API: floods, oversized bodies and parameters, deep JSON."""

import os

import pytest

from roster.testing import invalid

SEARCH = "/api/content/coursemembers"
COURSES = "/api/content/courses"
REDIS_URL = os.environ.get("ROSTER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_reachable():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("ROSTER_REQUIRE_REDIS") == "1":
            raise
        return False
    return True


@pytest.fixture(params=["database", "redis"])
def counters(request, settings):
    """The throttle's counters in the database, then in Redis."""
    settings.ROSTER_API_REQUESTS_PER_WINDOW = 3
    settings.ROSTER_API_WINDOW_SECONDS = 60
    if request.param == "redis":
        if not redis_reachable():
            pytest.skip(f"no Redis answers at {REDIS_URL}")
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        settings.ROSTER_CACHE_URL = REDIS_URL
    return request.param


def test_a_client_over_the_limit_is_told_to_wait(admin, world, counters):
    answers = [admin.get(SEARCH) for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 409]
    assert answers[3].json() == {"Message": "Too many requests; try again in a moment."}
    assert 1 <= int(answers[3]["Retry-After"]) <= 60


def test_clients_are_counted_by_their_own_address(admin, world, counters):
    for _ in range(3):
        admin.client.get(SEARCH, headers=admin.headers, REMOTE_ADDR="10.0.0.1")

    other = admin.client.get(SEARCH, headers=admin.headers, REMOTE_ADDR="10.0.0.2")
    forged = admin.client.get(
        SEARCH,
        headers={**admin.headers, "X-Forwarded-For": "10.0.0.3"},
        REMOTE_ADDR="10.0.0.1",
    )

    assert (other.status_code, forged.status_code) == (200, 409)


def test_a_trusted_proxy_s_forwarded_address_is_counted(admin, world, settings):
    settings.ROSTER_API_REQUESTS_PER_WINDOW = 1
    settings.ROSTER_TRUSTED_PROXIES = ["10.0.0.9"]

    def through_proxy(address):
        headers = {**admin.headers, "X-Forwarded-For": address}
        return admin.client.get(SEARCH, headers=headers, REMOTE_ADDR="10.0.0.9")

    answers = [through_proxy("203.0.113.1"), through_proxy("203.0.113.2")]

    assert [a.status_code for a in answers] == [200, 200]
    assert through_proxy("203.0.113.1").status_code == 409


def test_the_throttle_can_be_turned_off(admin, world, settings):
    settings.ROSTER_API_REQUESTS_PER_WINDOW = 0

    assert {admin.get(SEARCH).status_code for _ in range(5)} == {200}


def test_an_oversized_body_is_refused_with_413(admin, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = {"Title": "x" * 2000}

    response = admin.post(COURSES, body)

    message = "The body is larger than the 1000 bytes a request may send."
    assert response.status_code == 413
    assert response.json() == {**invalid(("", None, message)), "Status": 413}


def test_too_many_parameters_are_refused(admin, world):
    query = "&".join(f"p{number}=1" for number in range(1100))

    response = admin.client.get(f"{SEARCH}?{query}", headers=admin.headers)

    assert response.status_code == 400
    [error] = response.json()["Errors"]
    assert "The number of GET/POST parameters exceeded" in error["Message"]


def test_deeply_nested_json_is_refused(admin, world):
    body = "[" * 5000 + "]" * 5000

    response = admin.send("post", COURSES, body)

    assert response.status_code == 400
    [error] = response.json()["Errors"]
    assert error["Message"].startswith("The body is not valid JSON")


def test_a_huge_filter_value_is_answered(admin, world):
    response = admin.get(SEARCH, {"CourseMember_Coworker_FullName": "é" * 100_000})

    assert response.status_code == 200
    assert response.json()["TotalItems"] == 0
