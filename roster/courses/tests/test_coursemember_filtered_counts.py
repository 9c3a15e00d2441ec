"""`TotalItems` of filtered searches stays exact as enrolments change.

On PostgreSQL a filtered search keeps its count per course and, next time,
counts again only the courses changed since (see roster.api.partial_counts);
on SQLite it counts every time. Each case asks four filtered searches of
the `roll` fixture, writes one way code can, and asks them again:

| search  | filter                                  | members at first      |
|---------|-----------------------------------------|-----------------------|
| name    | CourseMember_Coworker_FullName=a        | Ana, Lena, Omar       |
| active  | CourseMember_Approved=true              | Ana, Lena, Sven       |
| ops     | CourseMember_Coworker_TeamNames=ops     | Ana, Lena             |
| recent  | from_CourseMember_LastAccess=2025-03-10 | Ana, Lena, Zoë        |

The tests run outside a transaction, as requests do, since kept counts are
kept only there.
"""

import pytest
from django.core.management.color import no_style
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roster.courses.models import CourseMember
from roster.customers.models import Team
from roster.testing import enrol, utc

pytestmark = pytest.mark.django_db(transaction=True)

SEARCH = "/api/content/coursemembers"
SEARCHES = {
    "name": {"CourseMember_Coworker_FullName": "a"},
    "active": {"CourseMember_Approved": "true"},
    "ops": {"CourseMember_Coworker_TeamNames": "ops"},
    "recent": {"from_CourseMember_LastAccess": "2025-03-10"},
}


def totals(api):
    found = {}
    for name, params in SEARCHES.items():
        response = api.get(SEARCH, {**params, "size": 1})
        assert response.status_code == 200, response.content
        found[name] = response.json()["TotalItems"]
    return found


def counts(name, active, ops, recent):
    return {"name": name, "active": active, "ops": ops, "recent": recent}


def enrol_ana_in_pottery(r):
    enrol(r.pottery, r.ana)


def enrol_two_in_one_statement(r):
    CourseMember.objects.bulk_create(
        [
            CourseMember(
                course=r.pottery, coworker=c, business=r.pottery.business, approved=True
            )
            for c in (r.ana, r.omar)
        ]
    )


def unenrol_lena(r):
    r.lena_in_python.delete()


def approve_omar(r):
    CourseMember.objects.filter(pk=r.omar_in_python.pk).update(approved=True)


def approve_everyone_with_plain_sql(r):
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {CourseMember._meta.db_table} SET approved = %s", [True]
        )


def rename_omar_without_an_a(r):
    r.omar.full_name = "Omer Hoddod"
    r.omar.save()


def rename_zoe_with_an_a(r):
    r.zoe.full_name = "Zoë Adams"
    r.zoe.save()


def put_sven_in_an_ops_team(r):
    Team.objects.get(name="Ops North").members.add(r.sven)


def take_ana_out_of_her_team(r):
    Team.objects.get(name="Ops North").members.remove(r.ana)


def move_zoe_s_last_access_back(r):
    r.zoe_in_pottery.last_access = utc("2025-01-01T08:00")
    r.zoe_in_pottery.save()


def unenrol_a_whole_course(r):
    CourseMember.objects.filter(course=r.python).delete()


def empty_the_table_as_flush_does(r):
    table = CourseMember._meta.db_table
    with connection.cursor() as cursor:
        for sql in connection.ops.sql_flush(no_style(), [table], allow_cascade=True):
            cursor.execute(sql)


WRITES = [
    (enrol_ana_in_pottery, counts(4, 3, 3, 3)),
    (enrol_two_in_one_statement, counts(5, 5, 3, 3)),
    (unenrol_lena, counts(2, 2, 1, 2)),
    (approve_omar, counts(3, 4, 2, 3)),
    (approve_everyone_with_plain_sql, counts(3, 5, 2, 3)),
    (rename_omar_without_an_a, counts(2, 3, 2, 3)),
    (rename_zoe_with_an_a, counts(4, 3, 2, 3)),
    (put_sven_in_an_ops_team, counts(3, 3, 3, 3)),
    (take_ana_out_of_her_team, counts(3, 3, 1, 3)),
    (move_zoe_s_last_access_back, counts(3, 3, 2, 2)),
    (unenrol_a_whole_course, counts(0, 1, 0, 1)),
    (empty_the_table_as_flush_does, counts(0, 0, 0, 0)),
]


def test_the_roll_is_counted(admin, roll):
    assert totals(admin) == counts(3, 3, 2, 3)


@pytest.mark.parametrize(
    ("write", "after"), WRITES, ids=[write.__name__ for write, _ in WRITES]
)
def test_filtered_totals_stay_exact_after(admin, roll, write, after):
    assert totals(admin) == counts(3, 3, 2, 3)

    write(roll)

    assert totals(admin) == after
    assert totals(admin) == after


def test_an_administrator_of_one_business_has_counts_of_its_own(
    admin, make_api, roll, north
):
    clerk = make_api("clerk@example.com", ["CourseMember-List"], [north])

    assert totals(admin) == counts(3, 3, 2, 3)
    assert totals(clerk) == counts(3, 2, 2, 3)
    enrol(roll.sourdough, roll.omar)
    assert totals(clerk) == counts(3, 2, 2, 3)
    assert totals(admin) == counts(4, 3, 2, 3)


def test_a_repeated_search_counts_again_only_the_courses_changed(admin, roll):
    """On PostgreSQL; SQLite counts every match every time."""
    params = {**SEARCHES["name"], "size": 1}
    admin.get(SEARCH, params)
    enrol(roll.pottery, roll.ana)

    with CaptureQueriesContext(connection) as captured:
        response = admin.get(SEARCH, params)

    assert response.json()["TotalItems"] == 4
    counted = [q["sql"] for q in captured if "count(" in q["sql"].lower()]
    if connection.vendor == "postgresql":
        # Whether anything changed, then the changed course counted again.
        assert len(counted) == 2
        assert all("pg_visible_in_snapshot" in sql for sql in counted)
        assert not [sql for sql in counted if "GROUP BY" in sql]
    else:
        [every_match] = counted
        assert "pg_visible_in_snapshot" not in every_match
