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
        try:
            self._copy(str(connection.settings_dict["NAME"]), file)
        except (sqlite3.Error, OSError) as error:
            raise CommandError(f"Could not write {file}: {error}") from None
        self.stdout.write(f"Backed up to {file}")

    def _copy(self, name, file):
        source = sqlite3.connect(name, uri=name.startswith("file:"))
        target = sqlite3.connect(file)
        try:
            # SQLite's online backup copies a consistent snapshot page by
            # page while other processes keep reading and writing.
            source.backup(target)
        finally:
            target.close()
            source.close()
