"""The search's records stay true to the records they are made of.

On SQLite the search reads each CourseMember as the JSON text that
triggers keep (see roster.api.kept_records); on PostgreSQL it renders in
Python. Either way, every record of a page must equal the record the
single-record call renders in Python, after any write to the member or to
a record it shows: the course, the customer, the customer's teams, the
last completed lesson.
"""

import datetime as dt
import logging

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from roster.api.kept_records import PREFIX
from roster.api.resources import REGISTRY
from roster.businesses.models import Business
from roster.courses import services
from roster.courses.models import Course, CourseLesson, CourseMember
from roster.customers.models import Coworker, CoworkerType, Team
from roster.testing import enrol, make_course, make_customer, make_team

SEARCH = "/api/content/coursemembers"
KEPT = REGISTRY["CourseMember"].kept_table
on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="records are kept on SQLite only"
)


def listed(api, **params):
    response = api.get(SEARCH, {"size": 100, **params})
    assert response.status_code == 200, response.content
    return response.json()["Records"]


def assert_true_to_their_records(api):
    """Every listed record equals the one the single-record call renders."""
    records = listed(api)
    assert records, "the search found no members"
    for record in records:
        response = api.get(f"{SEARCH}/{record['Id']}")
        assert response.status_code == 200, response.content
        assert record == response.json()
    return records


def of(records, member):
    [record] = [r for r in records if r["Id"] == member.pk]
    return record


def rename_the_course(r):
    Course.objects.filter(pk=r.python.pk).update(title='Python "3" \\ 100%s')


def save_the_course_with_a_new_title(r):
    r.python.title = "Python Ünïcode 🐍"
    r.python.save()


def rename_the_customer(r):
    Coworker.objects.filter(pk=r.ana.pk).update(full_name="Ana\tSmith\nJones\x01")


def change_what_the_customer_is(r):
    Coworker.objects.filter(pk=r.omar.pk).update(
        coworker_type=CoworkerType.INDIVIDUAL, company_name=None, billing_name="O."
    )


def rename_a_team(r):
    Team.objects.filter(name="Design").update(name="Zen design")


def add_teams_in_code_point_order(r):
    for name in ("ops", "Éclair", "Ops", "alpha", "Ops"):
        r.ana.teams.add(make_team(r.python.business, name))


def leave_a_team(r):
    r.lena.teams.remove(Team.objects.get(name="Design"))


def leave_every_team(r):
    r.lena.teams.clear()


def delete_a_team(r):
    Team.objects.get(name="Ops South").delete()


def rename_the_last_lesson(r):
    CourseLesson.objects.filter(pk=r.variables.pk).update(title="Variables, again")


def delete_the_last_lesson(r):
    """Members pointing at it move to their latest remaining completion."""
    services.delete_lesson(r.loops, "admin@example.com")


def complete_a_lesson(r):
    values = {"member_id": r.omar_in_python.pk, "lesson_id": r.loops.pk}
    services.complete_lesson(values, "admin@example.com")


def approve_and_block(r):
    members = list(CourseMember.objects.filter(course=r.python))
    services.approve_members(members, "admin@example.com")
    services.block_members(members, "admin@example.com")


def access_at_the_end_of_a_second(r):
    moment = dt.datetime(2025, 3, 10, 10, 30, 15, 999999, tzinfo=dt.UTC)
    CourseMember.objects.filter(pk=r.ana_in_python.pk).update(last_access=moment)


def forget_the_last_access(r):
    CourseMember.objects.filter(pk=r.ana_in_python.pk).update(last_access=None)


def enrol_a_new_customer(r):
    enrol(r.python, make_customer(r.python.business, "Nia Okafor"), system_id="x'y")


def enrol_many_in_one_statement(r):
    CourseMember.objects.bulk_create(
        [
            CourseMember(course=r.pottery, coworker=c, business=r.pottery.business)
            for c in (r.ana, r.lena, r.omar)
        ]
    )


def unenrol_a_member(r):
    services.delete_member(r.lena_in_python, "admin@example.com")


def change_the_member_with_plain_sql(r):
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {CourseMember._meta.db_table} SET system_id = %s WHERE id = %s",
            ["by hand", r.zoe_in_pottery.pk],
        )


def write_then_roll_back(r):
    with pytest.raises(RuntimeError), transaction.atomic():
        Coworker.objects.filter(pk=r.ana.pk).update(full_name="Nobody")
        raise RuntimeError


WRITES = [
    rename_the_course,
    save_the_course_with_a_new_title,
    rename_the_customer,
    change_what_the_customer_is,
    rename_a_team,
    add_teams_in_code_point_order,
    leave_a_team,
    leave_every_team,
    delete_a_team,
    rename_the_last_lesson,
    delete_the_last_lesson,
    complete_a_lesson,
    approve_and_block,
    access_at_the_end_of_a_second,
    forget_the_last_access,
    enrol_a_new_customer,
    enrol_many_in_one_statement,
    unenrol_a_member,
    change_the_member_with_plain_sql,
    write_then_roll_back,
]


def test_the_roll_is_listed_as_its_records(admin, roll):
    records = assert_true_to_their_records(admin)

    assert len(records) == 5
    assert of(records, roll.lena_in_python)["CoworkerTeamNames"] == "Design, Ops South"
    assert of(records, roll.omar_in_python)["CoworkerTeamNames"] is None


@pytest.mark.parametrize("write", WRITES, ids=[w.__name__ for w in WRITES])
def test_listed_records_stay_true_after(admin, roll, write):
    assert_true_to_their_records(admin)

    write(roll)

    assert_true_to_their_records(admin)


@pytest.mark.parametrize(
    ("write", "member", "key", "value"),
    [
        (rename_the_course, "ana_in_python", "CourseTitle", 'Python "3" \\ 100%s'),
        (
            rename_the_customer,
            "ana_in_python",
            "ToStringText",
            "Ana\tSmith\nJones\x01 (Python Basics)",
        ),
        (
            add_teams_in_code_point_order,
            "ana_in_python",
            "CoworkerTeamNames",
            "Ops, Ops, Ops North, alpha, ops, Éclair",
        ),
        (leave_every_team, "lena_in_python", "CoworkerTeamNames", None),
        (delete_the_last_lesson, "lena_in_python", "LastCompletedLessonTitle", None),
        (complete_a_lesson, "omar_in_python", "LastCompletedLessonTitle", "Loops"),
        (
            access_at_the_end_of_a_second,
            "ana_in_python",
            "LastAccess",
            "2025-03-10T10:30:15Z",
        ),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
def test_listed_records_show_the_change(admin, roll, write, member, key, value):
    write(roll)

    assert of(listed(admin), getattr(roll, member))[key] == value


@on_sqlite
def test_a_page_reads_the_kept_texts(admin, roll):
    with CaptureQueriesContext(connection) as queries:
        listed(admin, size=5000, orderBy="CoworkerFullName", dir=-1)

    [page] = [q["sql"] for q in queries if "courses_coursemember" in q["sql"]][-1:]
    assert KEPT.name in page


@on_sqlite
def test_lost_triggers_are_made_again_by_migrate(admin, roll):
    """SQLite drops a table's triggers when a migration rebuilds the table."""
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TRIGGER "{KEPT.name}_0"')
    enrol(roll.pottery, roll.ana)

    call_command("migrate", verbosity=0)

    assert len(assert_true_to_their_records(admin)) == 6
    enrol(roll.pottery, roll.lena)
    assert len(assert_true_to_their_records(admin)) == 7


@on_sqlite
def test_migrate_replaces_the_texts_of_an_older_version(admin, roll):
    older = f"{KEPT.prefix}000000000000"
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE "{KEPT.name}" RENAME TO "{older}"')
        cursor.execute(
            f'CREATE TRIGGER "{older}_0" AFTER UPDATE ON courses_course '
            f"BEGIN UPDATE \"{older}\" SET record = '{{}}'; END"
        )

    call_command("migrate", verbosity=0)

    assert _kept_objects() == sorted(
        name for r in REGISTRY.values() if r.kept_table for name in _objects(r)
    )
    rename_the_course(roll)
    assert_true_to_their_records(admin)


@on_sqlite
def test_without_its_table_the_search_renders_in_python(admin, roll, caplog):
    """As it does between an upgrade and the `migrate` that makes the table."""
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE "{KEPT.name}"')

    with caplog.at_level(logging.WARNING, logger="roster.api.search"):
        records = assert_true_to_their_records(admin)

    assert len(records) == 5
    assert "Rendering CourseMember in Python" in caplog.text


def _kept_objects():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE name LIKE %s ESCAPE '\\' "
            "ORDER BY name",
            [PREFIX.replace("_", "\\_") + "%"],
        )
        return [name for (name,) in cursor.fetchall()]


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_migrations_that_rebuild_tables_run_and_keep_the_records_true(make_api):
    """SQLite rebuilds a table to drop a column, renaming a copy into place,
    which a trigger naming that table would refuse: migrate drops the kept
    tables first and makes them again after."""
    call_command("migrate", "customers", "0002_search_indexes", verbosity=0)
    call_command("migrate", verbosity=0)

    assert _kept_objects() == sorted(
        name for r in REGISTRY.values() if r.kept_table for name in _objects(r)
    )
    north = Business.objects.create(name="North Hub")
    course = make_course(north, "Python")
    enrol(course, make_customer(north, "Ana Smith", teams=[make_team(north, "Ops")]))
    roles = ["CourseMember-List", "CourseMember-Read"]
    [record] = assert_true_to_their_records(make_api("a@example.com", roles, [north]))
    assert record["CoworkerTeamNames"] == "Ops"


def _objects(resource):
    return resource.kept_table.object_names()


COMPLETIONS = "/api/content/coursecompletedlessons"


@pytest.fixture
def completions(roll):
    """Ana and Lena have completed Variables; Lena has Loops too."""
    for member, lesson in [
        (roll.ana_in_python, roll.variables),
        (roll.lena_in_python, roll.variables),
        (roll.lena_in_python, roll.loops),
    ]:
        values = {"member_id": member.pk, "lesson_id": lesson.pk}
        services.complete_lesson(values, "admin@example.com")
    return roll


def rename_lenas_company(r):
    r.lena.company_name = "Straße & Töchter"
    r.lena.save()


def listed_completions(api):
    response = api.get(COMPLETIONS, {"size": 100})
    assert response.status_code == 200, response.content
    records = response.json()["Records"]
    for record in records:
        single = api.get(f"{COMPLETIONS}/{record['Id']}")
        assert record == single.json()
    return records


@pytest.mark.parametrize(
    ("write", "key", "values"),
    [
        (
            rename_the_customer,
            "CourseMemberCoworkerFullName",
            ["Ana\tSmith\nJones\x01", "Lena Straße", "Lena Straße"],
        ),
        (
            rename_lenas_company,
            "CourseMemberCoworkerCompanyName",
            [None, "Straße & Töchter", "Straße & Töchter"],
        ),
        (
            add_teams_in_code_point_order,
            "CourseMemberCoworkerTeamNames",
            [
                "Ops, Ops, Ops North, alpha, ops, Éclair",
                "Design, Ops South",
                "Design, Ops South",
            ],
        ),
        (
            rename_a_team,
            "CourseMemberCoworkerTeamNames",
            ["Ops North"] + 2 * ["Ops South, Zen design"],
        ),
        (
            rename_the_last_lesson,
            "CourseLessonTitle",
            ["Variables, again", "Variables, again", "Loops"],
        ),
        (
            unenrol_a_member,
            "CourseMemberCoworkerFullName",
            ["Ana Smith"],
        ),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
def test_listed_completions_show_the_change(admin, completions, write, key, values):
    listed_completions(admin)

    write(completions)

    assert [r[key] for r in listed_completions(admin)] == values
