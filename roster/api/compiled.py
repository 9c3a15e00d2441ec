"""Queries the search runs on every request, compiled by the ORM once.

Compiling a query with many joined columns costs the ORM more than the
database spends running it. The page query of a resource depends only on
the order, so it is compiled once per order and database and kept; a
request compiles just the small query that finds the ids of its page and
puts it into the kept SQL.

A small page reads each related column with a subquery rather than a join:
PostgreSQL plans a join of five tables in about a millisecond, three times
longer than it then takes to run it, while subqueries are planned one by
one. A large page joins, which runs faster over thousands of rows.
"""

import datetime as dt
import functools

from django.db import OperationalError, connections
from django.db.models import F, OrderBy, OuterRef, Subquery
from django.db.models.expressions import RawSQL

IDS = "__roster_page_ids__"
# The ids of a page given as one array parameter (PostgreSQL).
ARRAY_IDS = "SELECT unnest(%s)"
# The largest page read with subqueries rather than joins.
NESTED_UP_TO = 100


class PageQuery:
    """The records of a page with their related columns, in order."""

    def __init__(self, resource, order, alias, nested):
        model = resource.model
        records = model.objects.using(alias).filter(pk__in=RawSQL(IDS, ()))
        if nested:
            related = [c for c in resource.columns if "__" in c]
            names = {column: f"related_{n}" for n, column in enumerate(related)}
            values = {names[c]: _related_value(model, c) for c in related}
            local = [c for c in resource.columns if c not in names]
            records = records.values(*local, **values)
            records = records.order_by(*(_renamed(o, names) for o in order))
            column_of = {name: column for column, name in names.items()}
        else:
            records = records.values(*resource.columns).order_by(*order)
            column_of = {}
        compiler = records.query.get_compiler(using=alias)
        self.sql, params = compiler.as_sql()
        assert not params, params
        selected = compiler.select[: compiler.col_count]
        self.expressions = [expression for expression, _sql, _alias in selected]
        self.columns = [column_of.get(name, name) for _e, _s, name in selected]

    def rows(self, ids_sql, ids_params, alias, *, prepare):
        """Fetch the rows of the ids query's page as dicts of the columns."""
        connection = connections[alias]
        sql = self.sql.replace(IDS, ids_sql)
        rows = fetch(alias, sql, ids_params, prepare=prepare)
        converters = _converters(self.expressions, connection)
        if converters:
            rows = [_convert(row, converters, connection) for row in rows]
        columns = self.columns
        return [dict(zip(columns, row, strict=True)) for row in rows]


class KeptPageQuery:
    """The kept texts of a page's records, in order (see kept_records)."""

    def __init__(self, resource, order, alias):
        kept = resource.kept_table.name
        table = f'"{resource.model._meta.db_table}"'
        records = resource.model.objects.using(alias).filter(pk__in=RawSQL(IDS, ()))
        records = records.values(record=RawSQL("k.record", ())).order_by(*order)
        sql, params = records.query.get_compiler(using=alias).as_sql()
        assert not params, params
        # The ORM knows no kept table: its join is written into the SQL.
        base = f" FROM {table}"
        assert base + " " in sql, sql
        joined = f'{base} LEFT JOIN "{kept}" k ON k.id = {table}."id"'
        self.sql = sql.replace(base, joined, 1)

    def texts(self, ids_sql, ids_params, alias):
        """The texts of the ids query's page, or None where one is missing.

        A table that is missing (code newer than the last `migrate`) or a
        record without its text leaves the page to the Python path.
        """
        try:
            rows = fetch(alias, self.sql.replace(IDS, ids_sql), ids_params)
        except OperationalError as error:
            if "no such table" not in str(error):
                raise
            return None
        texts = [text for (text,) in rows]
        return None if None in texts else texts


def page_query(resource, order, alias, size):
    return _kept(resource, order, alias, nested=size <= NESTED_UP_TO)


def kept_page_query(resource, order, alias):
    """The query of the kept records where the database keeps them, or None."""
    if resource.kept_table is None or connections[alias].vendor != "sqlite":
        return None
    return _kept_texts(resource, order, alias)


@functools.lru_cache(maxsize=512)
def _kept_texts(resource, order, alias):
    return KeptPageQuery(resource, order, alias)


@functools.lru_cache(maxsize=512)
def _kept(resource, order, alias, nested):
    return PageQuery(resource, order, alias, nested)


def _related_value(model, path):
    """The value at the end of a path through many-to-one relations."""
    relation, rest = path.split("__", 1)
    field = model._meta.get_field(relation)
    related = field.related_model.objects.filter(pk=OuterRef(field.attname))
    return Subquery(related.values(rest)[:1])


def _renamed(order, names):
    """An order of the page query, naming related columns by their alias."""
    if isinstance(order, str):
        sign, path = ("-", order[1:]) if order.startswith("-") else ("", order)
        return sign + names.get(path, path)
    name = order.expression.name
    return OrderBy(
        F(names.get(name, name)),
        descending=order.descending,
        nulls_first=order.nulls_first,
        nulls_last=order.nulls_last,
    )


def has_arrays(alias):
    return connections[alias].vendor == "postgresql"


def fetch(alias, sql, params, *, prepare=False):
    """Run one statement and return its rows.

    With `prepare`, for a statement whose best plan does not depend on its
    values, PostgreSQL plans it once per connection: planning the page
    query took longer than running it.
    """
    connection = connections[alias]
    postgres = connection.vendor == "postgresql"
    prepare = prepare and postgres and _may_prepare(connection)
    with _preparing_cursor(connection) if prepare else connection.cursor() as cursor:
        if postgres:
            _read_dates_in_c(cursor)
        cursor.execute(sql, params)
        return cursor.fetchall()


def _may_prepare(connection):
    """Whether the settings allow prepared statements (see settings.py)."""
    return connection.settings_dict["OPTIONS"].get("prepare_threshold") is not None


def _preparing_cursor(connection):
    """A cursor binding values on the server and preparing what it runs.

    It is wrapped like the connection's own cursors, so that queries are
    logged and counted the same way.
    """
    preparing, debug_wrapper = _preparing_classes()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = preparing(connection.connection)
    if connection.queries_logged:
        return debug_wrapper(raw, connection)
    return connection.make_cursor(raw)


@functools.cache
def _preparing_classes():
    from django.db.backends.postgresql.base import (
        CursorDebugWrapper,
        ServerBindingCursor,
    )

    class PreparingCursor(ServerBindingCursor):
        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

    class DebugWrapper(CursorDebugWrapper):
        """Logs a prepared statement with its values, as Django logs others."""

        def debug_sql(
            self, sql=None, params=None, use_last_executed_query=False, many=False
        ):
            if use_last_executed_query:
                sql = self.db.ops.compose_sql(sql, params)
            return super().debug_sql(sql, params, False, many)

    return PreparingCursor, DebugWrapper


def _read_dates_in_c(cursor):
    """Read timestamps with psycopg's own loader, which runs in C.

    Django's loader, written in Python to attach the connection's time
    zone, cost more than the rest of a large page. psycopg's gives the same
    moments in the session's time zone, which Django sets to that zone.
    """
    from psycopg.types.datetime import TimestamptzLoader

    cursor.cursor.adapters.register_loader("timestamptz", TimestamptzLoader)


def _converters(expressions, connection):
    """What the ORM would apply to each value read (SQLite needs some)."""
    found = []
    for index, expression in enumerate(expressions):
        functions = connection.ops.get_db_converters(
            expression
        ) + expression.get_db_converters(connection)
        functions = [_faster(f, connection) for f in functions]
        if functions:
            found.append((index, functions, expression))
    return found


def _faster(function, connection):
    """SQLite's moments read in C rather than by Django's regular expression.

    SQLite keeps them as text in UTC, `2025-03-10 10:30:15.000120`; the
    value is the same aware datetime Django makes of it.
    """
    if function == getattr(connection.ops, "convert_datetimefield_value", None):
        return _sqlite_moment
    return function


def _sqlite_moment(value, expression, connection):
    if value is None or isinstance(value, dt.datetime):
        return value
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _convert(row, converters, connection):
    row = list(row)
    for index, functions, expression in converters:
        value = row[index]
        for function in functions:
            value = function(value, expression, connection)
        row[index] = value
    return row
