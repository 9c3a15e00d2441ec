"""`TotalItems` stays exact however enrolments are written.

CourseMember counts are kept per business and course by database triggers
(see roster.api.counting), and searches without filters, or filtered by
course only, add them up. Each case writes enrolments one way code can,
then reads the totals through the API: everything for a full
administrator, North Hub for an administrator of North Hub only, and each
course of the `roll` fixture (Python 3, Pottery 1, Sourdough 1 members).
"""

import uuid

import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

from roster.courses.models import CourseMember
from roster.testing import enrol, search_queries, utc

SEARCH = "/api/content/coursemembers"


def totals(admin, clerk, roll):
    def total(api, params):
        response = api.get(SEARCH, {**params, "size": 1})
        assert response.status_code == 200, response.content
        return response.json()["TotalItems"]

    courses = {
        "python": roll.python,
        "pottery": roll.pottery,
        "sourdough": roll.sourdough,
    }
    return {
        "all": total(admin, {}),
        "north": total(clerk, {}),
        **{
            name: total(admin, {"CourseMember_Course": course.id})
            for name, course in courses.items()
        },
    }


def expected(all_, north, python, pottery, sourdough):
    return {
        "all": all_,
        "north": north,
        "python": python,
        "pottery": pottery,
        "sourdough": sourdough,
    }


@pytest.fixture
def clerk(make_api, north):
    return make_api("clerk@example.com", ["CourseMember-List"], [north])


def enrol_ana_in_pottery(r):
    enrol(r.pottery, r.ana)


def enrol_three_in_one_statement(r):
    CourseMember.objects.bulk_create(
        [
            CourseMember(course=r.pottery, coworker=c, business=r.pottery.business)
            for c in (r.ana, r.lena, r.omar)
        ]
    )


def unenrol_lena(r):
    r.lena_in_python.delete()


def unenrol_a_whole_course(r):
    CourseMember.objects.filter(course=r.python).delete()


def move_omar_to_pottery(r):
    CourseMember.objects.filter(pk=r.omar_in_python.pk).update(course=r.pottery)


def move_zoe_to_another_business(r):
    CourseMember.objects.filter(pk=r.zoe_in_pottery.pk).update(
        course=r.sourdough, business=r.sourdough.business
    )


def approve_everyone(r):
    CourseMember.objects.update(approved=True, last_access=utc("2025-04-01T10:00"))


def insert_with_plain_sql(r):
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {CourseMember._meta.db_table} (created_on, updated_on, "
            "unique_id, updated_by, system_id_search, approved, blocked, "
            "business_id, course_id, coworker_id) "
            "VALUES (%s, %s, %s, '', '', %s, %s, %s, %s, %s)",
            [
                utc("2025-04-01T10:00"),
                utc("2025-04-01T10:00"),
                uuid.uuid4().hex,
                False,
                False,
                r.python.business_id,
                r.python.id,
                r.zoe.id,
            ],
        )


def delete_everything_with_plain_sql(r):
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {CourseMember._meta.db_table}")


def empty_the_table_as_flush_does(r):
    """TRUNCATE on PostgreSQL, DELETE on SQLite."""
    table = CourseMember._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The test's transaction still owes deferred foreign-key checks,
            # which TRUNCATE refuses to leave pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for sql in connection.ops.sql_flush(no_style(), [table], allow_cascade=True):
            cursor.execute(sql)


def enrol_then_roll_back(r):
    with pytest.raises(RuntimeError), transaction.atomic():
        enrol(r.pottery, r.ana)
        raise RuntimeError


WRITES = [
    (enrol_ana_in_pottery, expected(6, 5, 3, 2, 1)),
    (enrol_three_in_one_statement, expected(8, 7, 3, 4, 1)),
    (unenrol_lena, expected(4, 3, 2, 1, 1)),
    (unenrol_a_whole_course, expected(2, 1, 0, 1, 1)),
    (move_omar_to_pottery, expected(5, 4, 2, 2, 1)),
    (move_zoe_to_another_business, expected(5, 3, 3, 0, 2)),
    (approve_everyone, expected(5, 4, 3, 1, 1)),
    (insert_with_plain_sql, expected(6, 5, 4, 1, 1)),
    (delete_everything_with_plain_sql, expected(0, 0, 0, 0, 0)),
    (empty_the_table_as_flush_does, expected(0, 0, 0, 0, 0)),
    (enrol_then_roll_back, expected(5, 4, 3, 1, 1)),
]


def test_the_roll_is_counted(admin, clerk, roll):
    assert totals(admin, clerk, roll) == expected(5, 4, 3, 1, 1)


@pytest.mark.parametrize(
    ("write", "after"), WRITES, ids=[write.__name__ for write, _ in WRITES]
)
def test_totals_stay_exact_after(admin, clerk, roll, write, after):
    totals(admin, clerk, roll)

    write(roll)

    assert totals(admin, clerk, roll) == after
    assert after["all"] == CourseMember.objects.count()


def test_lost_triggers_are_made_again_by_migrate_with_exact_counts(admin, clerk, roll):
    """SQLite drops a table's triggers when a migration rebuilds the table."""
    _drop_count_triggers()
    enrol(roll.pottery, roll.ana)

    call_command("migrate", verbosity=0)

    assert totals(admin, clerk, roll) == expected(6, 5, 3, 2, 1)
    enrol(roll.pottery, roll.lena)
    assert totals(admin, clerk, roll) == expected(7, 6, 3, 3, 1)


def _drop_count_triggers():
    table = CourseMember._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass "
                "AND tgname LIKE 'api_count%%'",
                [table],
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP TRIGGER "{name}" ON "{table}"')
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = %s AND name LIKE 'api_count%%'",
                [table],
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP TRIGGER "{name}"')


def test_an_administrator_without_businesses_counts_nothing(make_api, roll):
    nobody = make_api("nobody@example.com", ["CourseMember-List"], [])

    response = nobody.get(SEARCH, {"CourseMember_Course": roll.python.id})

    assert response.json()["TotalItems"] == 0


def test_counts_come_from_the_kept_counts(admin, roll, django_assert_num_queries):
    """No query counts the enrolments themselves."""
    with django_assert_num_queries(search_queries()) as captured:
        admin.get(SEARCH, {"CourseMember_Course": roll.python.id})

    member_table = CourseMember._meta.db_table
    assert not [
        q["sql"]
        for q in captured.captured_queries
        if "COUNT(" in q["sql"].upper() and member_table in q["sql"]
    ]
