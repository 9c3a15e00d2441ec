"""The `roster` command: every Django management command, plus the ones below.

    roster demo [--host H] [--port P] [--data-dir D]   the demo on SQLite
    roster serve                                       the production server
    roster migrate                                     create or update tables
    roster createadmin --email E [...]                 add an administrator

Settings come from the environment (see roster/settings.py). `--data-dir`
must be known before Django reads its settings, so it is read here first.
"""

import os
import sys


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    data_dir = _take_option(argv, "--data-dir")
    if data_dir:
        os.environ["ROSTER_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roster.settings")

    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    try:
        execute_from_command_line(["roster", *(argv or ["help"])])
    except DatabaseError as error:
        # A database that cannot be opened or is not Roster's: one line
        # naming it, rather than a traceback.
        sys.exit(f"roster: {_database_name()}: {error}")


def _database_name():
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database.get("HOST"):
        return f"{database['NAME']} on {database['HOST']}"
    return str(database["NAME"])


def _take_option(argv, name):
    """Remove `name VALUE` or `name=VALUE` from argv and return VALUE."""
    for index, word in enumerate(argv):
        if word == name and index + 1 < len(argv):
            value = argv[index + 1]
            del argv[index : index + 2]
            return value
        if word.startswith(name + "="):
            del argv[index]
            return word.partition("=")[2]
    return None


if __name__ == "__main__":
    main()
