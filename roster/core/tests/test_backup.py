"""`roster backup` copies the SQLite database as one consistent snapshot."""

import os
import sqlite3
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from roster.courses.models import CourseMember


@pytest.mark.django_db(transaction=True)
def test_a_backup_holds_the_records(tmp_path, world, capsys):
    if connection.vendor != "sqlite":
        with pytest.raises(CommandError, match="pg_dump"):
            call_command("backup", str(tmp_path / "copy.sqlite3"))
        return
    copy = tmp_path / "copy.sqlite3"

    call_command("backup", str(copy))

    table = CourseMember._meta.db_table
    with sqlite3.connect(copy) as backup:
        rows = backup.execute(f"SELECT id FROM {table} ORDER BY id").fetchall()
    assert rows == [(world.north.member.id,), (world.south.member.id,)]
    assert capsys.readouterr().out == f"Backed up to {copy}\n"


@pytest.mark.django_db
def test_a_backup_never_overwrites_a_file(tmp_path):
    existing = tmp_path / "old.sqlite3"
    existing.write_text("keep me")

    with pytest.raises(CommandError, match="exists"):
        call_command("backup", str(existing))
    assert existing.read_text() == "keep me"


@pytest.mark.parametrize(
    "found, message",
    [
        (None, "Could not read {db}: unable to open database file; check {where}."),
        (b"", "{db} holds no Roster database; check {where}."),
        (b"not a database" * 100, "Could not read {db}: file is not a database; "),
    ],
    ids=["no file", "an empty file", "another kind of file"],
)
def test_a_backup_of_no_roster_database_is_refused(tmp_path, found, message):
    """Run from the wrong folder, the backup names the database it looked
    for, makes no copy, and leaves no empty database behind."""
    data = tmp_path / "roster-data"
    data.mkdir()
    database = data / "roster.sqlite3"
    if found is not None:
        database.write_bytes(found)
    environment = {**os.environ, "ROSTER_DATA_DIR": str(data)}
    environment.pop("DATABASE_URL", None)
    copy = tmp_path / "copy.sqlite3"

    done = subprocess.run(
        [sys.executable, "-m", "roster.cli", "backup", str(copy)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    expected = message.format(db=database, where="ROSTER_DATA_DIR or DATABASE_URL")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.startswith("CommandError: " + expected)
    assert not copy.exists()
    assert sorted(p.name for p in data.iterdir()) == (
        [] if found is None else ["roster.sqlite3"]
    )
    if found is not None:
        assert database.read_bytes() == found


@pytest.mark.parametrize(
    "found, message",
    [
        (b"not a database" * 100, "file is not a database"),
        (None, "unable to open database file"),
    ],
    ids=["another kind of file", "a file where the folder should be"],
)
def test_migrate_on_no_database_says_so_in_one_line(tmp_path, found, message):
    data = tmp_path / "roster-data"
    if found is None:
        data.write_bytes(b"")
        database = data / "roster.sqlite3"
    else:
        data.mkdir()
        database = data / "roster.sqlite3"
        database.write_bytes(found)
    environment = {**os.environ, "ROSTER_DATA_DIR": str(data)}
    environment.pop("DATABASE_URL", None)

    done = subprocess.run(
        [sys.executable, "-m", "roster.cli", "migrate"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert (done.returncode, done.stderr) == (1, f"roster: {database}: {message}\n")
    if found is not None:
        assert database.read_bytes() == found
