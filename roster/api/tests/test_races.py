"""Concurrent requests against one record end in one consistent state.

Each request runs in its own thread with its own database connection, all
released at once by a barrier. Only a database server runs transactions
side by side, so these tests need PostgreSQL; on SQLite writers queue one
after another and there is no race to observe.
"""

import threading
from urllib.parse import urlencode

import pytest
from django.db import connection

from roster.accounts.models import RefreshToken
from roster.conftest import FORM, PASSWORD, Api
from roster.core.models import Change
from roster.courses.models import CourseCompletedLesson, CourseMember

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="races need a database server"
    ),
]

MEMBERS = "/api/content/coursemembers"


def at_once(count, send):
    """Run `send(number)` in `count` threads released together; return answers."""
    barrier = threading.Barrier(count)
    answers = [None] * count

    def run(number):
        try:
            barrier.wait()
            answers[number] = send(number)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_fifty_enrolments_of_one_customer_make_one_member(admin, world):
    site = world.north
    body = {"CourseId": site.course.id, "CoworkerId": site.spare.id}

    answers = at_once(50, lambda n: admin.post(MEMBERS, body))

    codes = sorted(answer.status_code for answer in answers)
    assert codes == [200] + [400] * 49
    refused = [a.json() for a in answers if a.status_code == 400]
    assert {r["Errors"][0]["Message"] for r in refused} == {
        "CoworkerId is already enrolled in this course."
    }
    assert CourseMember.objects.filter(coworker=site.spare).count() == 1


def test_two_refreshes_with_one_token_give_one_new_token(admin_user):
    client = Api(admin_user.email).client
    first = client.post(
        "/api/token",
        urlencode(
            {
                "grant_type": "password",
                "username": admin_user.email,
                "password": PASSWORD,
            }
        ),
        content_type=FORM,
    ).json()
    form = urlencode(
        {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    )

    answers = at_once(2, lambda n: client.post("/api/token", form, content_type=FORM))

    assert sorted(a.status_code for a in answers) == [200, 400]
    [refused] = [a.json() for a in answers if a.status_code == 400]
    assert refused["error"] == "invalid_grant"
    live = RefreshToken.objects.filter(user=admin_user, revoked__isnull=True)
    assert live.count() == 1


def test_approve_and_block_at_once_both_take_effect(admin, world):
    member = world.north.member
    CourseMember.objects.filter(pk=member.pk).update(approved=False, blocked=False)
    keys = ["APPROVE", "BLOCK"]

    answers = at_once(
        2,
        lambda n: admin.post(
            f"{MEMBERS}/runcommand", {"Key": keys[n], "Ids": [member.id]}
        ),
    )

    assert [a.status_code for a in answers] == [200, 200]
    after = CourseMember.objects.get(pk=member.pk)
    assert (after.approved, after.blocked) == (True, True)
    changes = Change.objects.filter(entity="CourseMember", record_id=member.pk)
    assert sorted(next(iter(c.changes)) for c in changes) == ["approved", "blocked"]


def test_completing_one_lesson_at_once_records_it_once(admin, world):
    site = world.north
    body = {"CourseLessonId": site.second_lesson.id, "CourseMemberId": site.member.id}

    answers = at_once(
        10, lambda n: admin.post("/api/content/coursecompletedlessons", body)
    )

    assert sorted(a.status_code for a in answers) == [200] + [400] * 9
    completions = CourseCompletedLesson.objects.filter(lesson=site.second_lesson)
    assert completions.count() == 1
    after = CourseMember.objects.get(pk=site.member.pk)
    assert after.last_completed_lesson_id == site.second_lesson.id
