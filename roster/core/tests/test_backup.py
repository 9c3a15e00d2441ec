"""`roster backup` copies the SQLite database as one consistent snapshot."""

import sqlite3

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
