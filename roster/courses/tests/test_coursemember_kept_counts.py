"""Counts of filtered searches are kept in the database, for every process.

On PostgreSQL a filtered search keeps its count per course in a KeptCount
row (see roster.api.partial_counts): any server process brings the row up
to date, a row written late from an older snapshot cannot make a total
wrong, and only the most recently recounted searches are kept. SQLite
counts every time, so these tests need PostgreSQL, as the races do.
"""

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roster.api import partial_counts
from roster.api.models import KeptCount
from roster.testing import enrol

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="counts are kept on PostgreSQL"
    ),
]

SEARCH = "/api/content/coursemembers"
NAME_HOLDS_A = {"CourseMember_Coworker_FullName": "a", "size": 1}


def total(api, params=NAME_HOLDS_A):
    response = api.get(SEARCH, params)
    assert response.status_code == 200, response.content
    return response.json()["TotalItems"]


def in_another_thread(send):
    """Run `send()` on a connection of its own, as another process would."""
    found = {}

    def run():
        try:
            with CaptureQueriesContext(connection) as captured:
                found["answer"] = send()
            found["sql"] = [q["sql"] for q in captured]
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return found["answer"], found["sql"]


def group(course):
    return str(course.id)


def test_the_count_is_kept_per_course_for_every_process(admin, roll):
    assert total(admin) == 3
    [kept] = KeptCount.objects.all()
    assert (kept.total, kept.groups) == (3, {group(roll.python): 3})

    enrol(roll.pottery, roll.ana)
    answer, sql = in_another_thread(lambda: total(admin))

    assert answer == 4
    assert not [s for s in sql if "GROUP BY" in s]
    kept.refresh_from_db()
    assert (kept.total, kept.groups) == (
        4,
        {group(roll.python): 3, group(roll.pottery): 1},
    )


def test_a_row_saved_late_from_an_older_snapshot_keeps_totals_exact(admin, roll):
    assert total(admin) == 3
    old = KeptCount.objects.values("snapshot", "total", "groups").get()
    enrol(roll.pottery, roll.ana)
    assert total(admin) == 4

    # A slower process that counted before the enrolment saves its row last.
    KeptCount.objects.update(**old)
    enrol(roll.pottery, roll.omar)

    assert total(admin) == 5
    assert total(admin) == 5


def test_a_row_restored_from_another_database_is_counted_again(admin, roll):
    assert total(admin) == 3
    # A dump of another cluster: its snapshot is later than any transaction
    # here, so no change here would look new to it, and its total is wrong.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {KeptCount._meta.db_table} SET snapshot = %s, total = 999",
            ["999999999:999999999:"],
        )
    enrol(roll.pottery, roll.ana)

    assert total(admin) == 4
    assert KeptCount.objects.get().total == 4


def test_searches_at_once_after_a_change_all_answer_exactly(admin, roll):
    assert total(admin) == 3
    enrol(roll.pottery, roll.ana)
    barrier = threading.Barrier(8)
    answers = []

    def send():
        barrier.wait()
        answers.append(total(admin))
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert answers == [4] * 8
    assert KeptCount.objects.get().total == 4


def test_only_the_most_recently_recounted_searches_are_kept(admin, roll, monkeypatch):
    monkeypatch.setattr(partial_counts, "CAPACITY", 2)
    searches = [
        {"CourseMember_Coworker_FullName": "a"},
        {"CourseMember_Approved": "true"},
        {"CourseMember_Coworker_TeamNames": "ops"},
    ]
    for params in searches:
        total(admin, params)

    assert KeptCount.objects.count() == 2
    assert total(admin, searches[2]) == 2
    assert total(admin, searches[0]) == 3


def test_a_row_saved_while_a_search_counts_keeps_both_answers_exact(admin, roll):
    """A search counts in the snapshot it reads its page in, and saves after
    its transaction ends, only if the row is still the one it read: another
    search that saved meanwhile is neither overwritten nor a failure."""
    assert total(admin) == 3
    enrol(roll.pottery, roll.ana)
    other = {}

    def after_the_check(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not other and "FILTER (WHERE pg_visible_in_snapshot" in sql:
            other["answer"], other["sql"] = in_another_thread(lambda: total(admin))
        return result

    with connection.execute_wrapper(after_the_check):
        mine = total(admin)

    assert (mine, other["answer"]) == (4, 4)
    assert not [s for s in other["sql"] if "GROUP BY" in s]
    kept = KeptCount.objects.get()
    assert (kept.total, kept.groups) == (
        4,
        {group(roll.python): 3, group(roll.pottery): 1},
    )
