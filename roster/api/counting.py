"""Exact counts of records, kept by database triggers.

Counting a million enrolments on every search costs more than the rest of
the request. A resource that declares `counted_by` (CourseMember, by
course) has its records counted per business and group in `RecordCount`
by triggers on its table: on insert, on delete, on an update (which may
move a record between groups) and on truncate. The triggers run in the
writing transaction, whatever code path writes, so a committed count is
always exact; a search without filters, or filtered only by the group,
then adds up a few rows instead of counting records.

On PostgreSQL the triggers are per statement and read the statement's
transition tables, so a bulk insert or COPY updates each group's row once.
They also record in each group's row, and for the tables the resource's
filters join (a customer's name) in `TableChange`, the id of the
transaction that last changed them, which `roster.api.partial_counts`
uses to keep counts of filtered searches. On SQLite the triggers are per
row.

`install` creates the triggers after every `migrate`, and counts the rows
again when a trigger was missing: SQLite drops a table's triggers when a
migration rebuilds the table.
"""

import logging
from dataclasses import dataclass

from django.db import connections, router, transaction

from roster.api.compiled import fetch
from roster.api.models import RecordCount, TableChange

logger = logging.getLogger(__name__)

COUNTS = RecordCount._meta.db_table
CHANGES = TableChange._meta.db_table
# Transaction ids as bigint: xid8 fits, and SQLite keeps the column empty.
XID = "pg_current_xact_id()::text::bigint"


@dataclass(frozen=True)
class Counted:
    """The table of a counted resource and the columns it is counted by."""

    table: str
    business: str
    group: str
    # The field paths of the business's and the group's ids.
    business_path: str
    group_path: str
    # The tables the resource's filters join, for partial counts.
    joined: tuple

    @classmethod
    def of(cls, resource):
        if not resource.counted_by:
            return None
        model, meta = resource.model, resource.model._meta
        joined = {t for f in resource.filters.values() for t in f.tables(model)}
        group = meta.get_field(resource.counted_by)
        return cls(
            meta.db_table,
            meta.get_field(resource.business).column,
            group.column,
            resource.business,
            group.attname,
            tuple(sorted(joined - {meta.db_table})),
        )


def total(counted, businesses, group=None):
    """The number of records in the businesses (None: all), and the group."""
    if businesses is not None and not businesses:
        return 0
    sql, params = total_sql(counted, businesses, group)
    [(found,)] = fetch(router.db_for_read(RecordCount), sql, params, prepare=True)
    return int(found or 0)


def total_sql(counted, businesses, group=None):
    """The SQL and parameters of `total`, for businesses that are not ()."""
    sql = f"SELECT SUM(records) FROM {COUNTS} WHERE table_name = %s"
    params = [counted.table]
    if businesses is not None:
        sql += " AND business_id IN ({})".format(", ".join(["%s"] * len(businesses)))
        params += businesses
    if group is not None:
        sql += " AND group_id = %s"
        params.append(group)
    return sql, params


def install(counted_tables, using="default"):
    """Create the triggers; count again where one was missing.

    Creating a trigger locks out writers of its table until the commit, so
    no change slips between the triggers and the new counts.
    """
    db = connections[using]
    vendor = _Postgres if db.vendor == "postgresql" else _Sqlite
    counted_names = {c.table for c in counted_tables}
    tracked = sorted({t for c in counted_tables for t in (c.table, *c.joined)})
    with transaction.atomic(using=using), db.cursor() as cursor:
        for table in tracked:
            vendor.track(cursor, table, counted=table in counted_names)
        for counted in counted_tables:
            if vendor.install(cursor, counted):
                _recount(cursor, vendor, counted)


def _recount(cursor, vendor, counted):
    kept = RecordCount.objects.using(cursor.db.alias).filter(table_name=counted.table)
    if kept.exists():
        logger.warning("Counting %s again: its triggers were lost", counted.table)
    else:
        logger.info("Counting %s for the first time", counted.table)
    for statement in vendor.rebuild(counted):
        cursor.execute(statement)


def rebuild_statements(counted, vendor="postgresql"):
    """SQL that counts a table's records again from scratch."""
    return (_Postgres if vendor == "postgresql" else _Sqlite).rebuild(counted)


class _Postgres:
    @staticmethod
    def _triggers(cursor, table):
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass "
            "AND NOT tgisinternal",
            [table],
        )
        return {row[0] for row in cursor.fetchall()}

    @classmethod
    def install(cls, cursor, counted):
        """Create or replace the counting triggers; True if any was missing."""
        table = counted.table
        function = f"api_count_{table}"[:63]
        cursor.execute(cls._count_function(function, counted))
        missing = {"api_count_insert", "api_count_update", "api_count_delete"}
        missing -= cls._triggers(cursor, table)
        events = {
            "insert": "INSERT ON {t} REFERENCING NEW TABLE AS new_rows",
            "update": "UPDATE ON {t} REFERENCING OLD TABLE AS old_rows "
            "NEW TABLE AS new_rows",
            "delete": "DELETE ON {t} REFERENCING OLD TABLE AS old_rows",
        }
        for event, clause in events.items():
            cursor.execute(f'DROP TRIGGER IF EXISTS api_count_{event} ON "{table}"')
            cursor.execute(
                f"CREATE TRIGGER api_count_{event} AFTER "
                + clause.format(t=f'"{table}"')
                + f" FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            )
        return bool(missing)

    @staticmethod
    def _count_function(function, counted):
        b, g = f'"{counted.business}"', f'"{counted.group}"'
        upsert = f"""
    INSERT INTO {COUNTS} AS c
      (table_name, business_id, group_id, records, changed_by)
    SELECT TG_TABLE_NAME, b, g, sum(d), {XID}
    FROM ({{rows}}) AS changed (b, g, d)
    GROUP BY b, g ORDER BY b, g
    ON CONFLICT (table_name, business_id, group_id) DO UPDATE
    SET records = c.records + EXCLUDED.records, changed_by = EXCLUDED.changed_by;"""
        new = f"SELECT {b}, {g}, 1 FROM new_rows"
        old = f"SELECT {b}, {g}, -1 FROM old_rows"
        return f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN{upsert.format(rows=new)}
  ELSIF TG_OP = 'DELETE' THEN{upsert.format(rows=old)}
  ELSE{upsert.format(rows=f"{new} UNION ALL {old}")}
  END IF;
  RETURN NULL;
END
$$"""

    @staticmethod
    def track(cursor, table, counted):
        """Record in TableChange every statement that changes the table.

        A counted table records its changes per group, so only a truncate,
        which also drops its counts, is recorded here.
        """
        cursor.execute(
            f"""
CREATE OR REPLACE FUNCTION api_table_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM {COUNTS} WHERE table_name = TG_TABLE_NAME;
  END IF;
  INSERT INTO {CHANGES} AS t (table_name, changed_by)
  VALUES (TG_TABLE_NAME, {XID})
  ON CONFLICT (table_name) DO UPDATE SET changed_by = EXCLUDED.changed_by;
  RETURN NULL;
END
$$"""
        )
        cursor.execute(f'DROP TRIGGER IF EXISTS api_table_changed ON "{table}"')
        events = "TRUNCATE" if counted else "INSERT OR UPDATE OR DELETE OR TRUNCATE"
        cursor.execute(
            f'CREATE TRIGGER api_table_changed AFTER {events} ON "{table}" '
            "FOR EACH STATEMENT EXECUTE FUNCTION api_table_changed()"
        )
        cursor.execute(
            f"INSERT INTO {CHANGES} (table_name, changed_by) VALUES (%s, {XID}) "
            "ON CONFLICT (table_name) DO UPDATE SET changed_by = EXCLUDED.changed_by",
            [table],
        )

    @staticmethod
    def rebuild(counted):
        return (
            f"DELETE FROM {COUNTS} WHERE table_name = '{counted.table}'",
            f"INSERT INTO {COUNTS} "
            "(table_name, business_id, group_id, records, changed_by) "
            f'SELECT \'{counted.table}\', "{counted.business}", "{counted.group}", '
            f'count(*), {XID} FROM "{counted.table}" GROUP BY 2, 3',
            f"INSERT INTO {CHANGES} (table_name, changed_by) "
            f"VALUES ('{counted.table}', {XID}) "
            "ON CONFLICT (table_name) DO UPDATE SET changed_by = EXCLUDED.changed_by",
        )


class _Sqlite:
    @classmethod
    def install(cls, cursor, counted):
        t, b, g = counted.table, counted.business, counted.group
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
            [t],
        )
        present = {row[0] for row in cursor.fetchall()}
        add = (
            f"INSERT INTO {COUNTS} (table_name, business_id, group_id, records) "
            f'VALUES (\'{t}\', NEW."{b}", NEW."{g}", 1) '
            "ON CONFLICT (table_name, business_id, group_id) "
            "DO UPDATE SET records = records + 1;"
        )
        remove = (
            f"UPDATE {COUNTS} SET records = records - 1 WHERE table_name = '{t}' "
            f'AND business_id = OLD."{b}" AND group_id = OLD."{g}";'
        )
        moved = f'OLD."{b}" IS NOT NEW."{b}" OR OLD."{g}" IS NOT NEW."{g}"'
        triggers = {
            f"api_count_{t}_insert": f'AFTER INSERT ON "{t}" BEGIN {add} END',
            f"api_count_{t}_delete": f'AFTER DELETE ON "{t}" BEGIN {remove} END',
            f"api_count_{t}_update": f'AFTER UPDATE OF "{b}", "{g}" ON "{t}" '
            f"WHEN {moved} BEGIN {remove} {add} END",
        }
        for name, body in triggers.items():
            if name not in present:
                cursor.execute(f'CREATE TRIGGER "{name}" {body}')
        return not set(triggers) <= present

    @staticmethod
    def track(cursor, table, counted):
        """Nothing to do: partial counts are kept on PostgreSQL only."""

    @staticmethod
    def rebuild(counted):
        return (
            f"DELETE FROM {COUNTS} WHERE table_name = '{counted.table}'",
            f"INSERT INTO {COUNTS} (table_name, business_id, group_id, records) "
            f'SELECT \'{counted.table}\', "{counted.business}", "{counted.group}", '
            f'count(*) FROM "{counted.table}" GROUP BY 2, 3',
        )


def counted_resources():
    from roster.api.resources import REGISTRY

    return [c for c in (Counted.of(r) for r in REGISTRY.values()) if c]


def install_after_migrate(sender, using, **kwargs):
    """Run after the api app migrates, when every table exists."""
    install(counted_resources(), using)
