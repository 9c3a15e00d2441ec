import sqlite3
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = (
        "Copy the SQLite database to FILE while the service runs, as one "
        "consistent snapshot. On PostgreSQL use pg_dump (see docs/operations.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        if file.exists():
            raise CommandError(f"{file} exists; choose a new file.")
        if not file.parent.is_dir():
            raise CommandError(f"{file.parent} is not a folder.")
        if connection.vendor != "sqlite":
            raise CommandError("On PostgreSQL, back up with pg_dump -Fc.")
        name = str(connection.settings_dict["NAME"])
        source = _open_existing(name)
        try:
            _copy(source, file)
        except (sqlite3.Error, OSError) as error:
            raise CommandError(f"Could not write {file}: {error}") from None
        finally:
            source.close()
        self.stdout.write(f"Backed up to {file}")


def _open_existing(name):
    """The database read-only; refuse a missing file or one without Roster.

    Opened as it is, a missing file would be created empty and backed up
    as if it were the data.
    """
    where = "ROSTER_DATA_DIR or DATABASE_URL"
    uri = (
        name if name.startswith("file:") else f"{Path(name).resolve().as_uri()}?mode=ro"
    )
    try:
        source = sqlite3.connect(uri, uri=True)
        [(migrated,)] = source.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = 'django_migrations'"
        ).fetchall()
    except sqlite3.Error as error:
        raise CommandError(f"Could not read {name}: {error}; check {where}.") from None
    if not migrated:
        source.close()
        raise CommandError(f"{name} holds no Roster database; check {where}.")
    return source


def _copy(source, file):
    target = sqlite3.connect(file)
    try:
        # SQLite's online backup copies a consistent snapshot page by page
        # while other processes keep reading and writing.
        source.backup(target)
    finally:
        target.close()
