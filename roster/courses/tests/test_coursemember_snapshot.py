"""A search's total and its records come from one snapshot of the database.

A write committed between the count and the page must show in neither:
otherwise `TotalItems` disagrees with the records. Each search below is
interrupted right after its count by another connection, which enrols a
customer and deletes a member, and must answer as the data stood before.

On PostgreSQL the searches run here, each request and the writer on
connections of their own. The tests' own SQLite database lives in memory
with a shared cache, where a writer waits for a reader's table locks
instead of writing beside it; so on SQLite they run in a child process on
a real file in write-ahead logging, as the server does.
"""

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

SEARCH = "/api/content/coursemembers"
FIRST = ["Ana Smith", "Lena Olsen", "Maria Garcia"]
# Each search's writer enrols the first name and deletes the second.
SEARCHES = {
    "all members": ({}, "Sara Jones", "Ana Smith"),
    "by customer name": (
        {"CourseMember_Coworker_FullName": "a"},
        "Paula Kim",
        "Lena Olsen",
    ),
    "by course": ({"CourseMember_Course": "{course}"}, "Nadia Park", "Maria Garcia"),
}
EXPECTED = {
    "all members": {
        "TotalItems": 3,
        "during": ["Ana Smith", "Lena Olsen", "Maria Garcia"],
        "after": ["Lena Olsen", "Maria Garcia", "Sara Jones"],
    },
    "by customer name": {
        "TotalItems": 3,
        "during": ["Lena Olsen", "Maria Garcia", "Sara Jones"],
        "after": ["Maria Garcia", "Paula Kim", "Sara Jones"],
    },
    "by course": {
        "TotalItems": 3,
        "during": ["Maria Garcia", "Paula Kim", "Sara Jones"],
        "after": ["Nadia Park", "Paula Kim", "Sara Jones"],
    },
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's run is the child process"
)
def test_a_write_between_count_and_page_shows_in_neither_on_postgresql(admin_user):
    from roster.conftest import Api

    assert searches_with_writes_between(Api(admin_user.email)) == EXPECTED


def test_a_write_between_count_and_page_shows_in_neither_on_sqlite(tmp_path):
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'roster.sqlite3'}",
        "ROSTER_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "roster.settings",
    }
    done = subprocess.run(
        [sys.executable, "-m", __name__],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr

    assert json.loads(done.stdout.splitlines()[-1]) == EXPECTED


def searches_with_writes_between(admin):
    """Run each search with its write after the count; say what each saw."""
    from roster.api.counting import COUNTS
    from roster.businesses.models import Business
    from roster.courses import services
    from roster.courses.models import CourseMember
    from roster.testing import enrol, make_course, make_customer

    north = Business.objects.create(name="North Hub")
    python = make_course(north, "Python")
    for name in FIRST:
        enrol(python, make_customer(north, name))

    def enrolling_and_deleting(newcomer, leaver):
        def write():
            try:
                enrol(python, make_customer(north, newcomer))
                member = CourseMember.objects.get(coworker__full_name=leaver)
                services.delete_member(member, "admin@example.com")
            finally:
                connection.close()

        return write

    results = {}
    for name, (params, newcomer, leaver) in SEARCHES.items():
        params = {k: v.format(course=python.pk) for k, v in params.items()}
        params["size"] = 100
        with _after_the_count(enrolling_and_deleting(newcomer, leaver), COUNTS):
            during = admin.get(SEARCH, params).json()
        after = admin.get(SEARCH, params).json()
        results[name] = {
            "TotalItems": during["TotalItems"],
            "during": sorted(r["CoworkerFullName"] for r in during["Records"]),
            "after": sorted(r["CoworkerFullName"] for r in after["Records"]),
        }
    return results


class _after_the_count:
    """Run `write` on another connection once the search's count has run."""

    def __init__(self, write, counts_table):
        self.write, self.counts_table, self.done = write, counts_table, False

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        counting = "COUNT(" in sql.upper() or self.counts_table in sql
        if counting and not self.done:
            self.done = True
            with ThreadPoolExecutor(1) as writer:
                writer.submit(self.write).result()
        return result

    def __enter__(self):
        self.wrapped = connection.execute_wrapper(self)
        self.wrapped.__enter__()

    def __exit__(self, *exc):
        self.wrapped.__exit__(*exc)
        assert self.done, "the search ran no count"


def main():
    """The SQLite run, in a child process on a file of its own."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    from roster.accounts.services import save_administrator
    from roster.conftest import PASSWORD, Api

    setup_test_environment()
    call_command("migrate", verbosity=0)
    save_administrator("admin@example.com", PASSWORD, full=True)
    results = searches_with_writes_between(Api("admin@example.com"))
    sys.stdout.write(json.dumps(results) + "\n")


if __name__ == "__main__":
    main()
