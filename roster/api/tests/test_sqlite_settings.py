"""How Roster sets up SQLite for many small requests, several processes
sharing one file."""

import pytest
from django.db import connection

from roster.settings import _database

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite settings only"),
]


def pragma(name):
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        return cursor.fetchone()[0]


def test_writers_wait_for_each_other_for_up_to_twenty_seconds():
    assert pragma("busy_timeout") == 20000


def test_connections_are_kept_and_read_through_the_system_s_cache():
    """A new connection parses the whole schema, triggers included; a
    mapped file is read from the operating system's cache, which every
    process shares, instead of each connection's own."""
    config = _database("sqlite:////tmp/roster.sqlite3")

    assert config["CONN_MAX_AGE"] == 600
    assert config["OPTIONS"]["init_command"].split("; ") == [
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=NORMAL",
        "PRAGMA mmap_size=268435456;",
    ]
