"""On SQLite a search's total and its records come from one snapshot.

A write committed between the count and the page must not make
`TotalItems` disagree with the records. The tests' own SQLite database
lives in memory with a shared cache, where a writer waits for a reader's
table locks instead of writing beside it; so the search runs in a child
process on a real file in write-ahead logging, as the server does, and a
second connection enrols a customer right after the count.
"""

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from django.db import connection

SEARCHES = {
    "all members": {"size": 100},
    "by customer name": {"size": 100, "CourseMember_Coworker_FullName": "a"},
    "by course": {"size": 100, "CourseMember_Course": "1"},
}


def test_a_write_between_count_and_page_shows_in_neither(tmp_path):
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

    # Each search answered with the two members that were there when it
    # counted, and the next one saw the member enrolled meanwhile.
    assert json.loads(done.stdout.splitlines()[-1]) == {
        name: {"during": [2 + n, 2 + n], "after": 3 + n}
        for n, name in enumerate(SEARCHES)
    }


def main():
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    from roster.accounts.services import save_administrator
    from roster.api.counting import COUNTS
    from roster.businesses.models import Business
    from roster.conftest import PASSWORD, Api
    from roster.testing import enrol, make_course, make_customer

    setup_test_environment()
    call_command("migrate", verbosity=0)
    north = Business.objects.create(name="North Hub")
    python = make_course(north, "Python")
    assert python.pk == 1
    for name in ["Ana Smith", "Lena Olsen"]:
        enrol(python, make_customer(north, name))
    save_administrator("admin@example.com", PASSWORD, full=True)
    admin = Api("admin@example.com")

    def enrolling(full_name):
        def enrol_another():
            try:
                enrol(python, make_customer(north, full_name))
            finally:
                connection.close()

        return enrol_another

    results = {}
    newcomers = ["Maria Garcia", "Sara Jones", "Paula Kim"]
    for (name, params), newcomer in zip(SEARCHES.items(), newcomers, strict=True):
        with _after_the_count(enrolling(newcomer), COUNTS):
            body = admin.get("/api/content/coursemembers", params).json()
        after = admin.get("/api/content/coursemembers", params).json()
        results[name] = {
            "during": [body["TotalItems"], len(body["Records"])],
            "after": after["TotalItems"],
        }
    sys.stdout.write(json.dumps(results) + "\n")


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


if __name__ == "__main__":
    main()
