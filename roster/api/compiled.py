"""Queries the search runs on every request, compiled by the ORM once.

Compiling a query with many joined columns costs the ORM more than the
database spends running it. The page query of a resource depends only on
the order, so it is compiled once per order and database and kept; a
request compiles just the small query that finds the ids of its page and
puts it into the kept SQL.
"""

import functools

from django.db import connections
from django.db.models.expressions import RawSQL

IDS = "__roster_page_ids__"


class PageQuery:
    """The records of a page, joined with their related columns, in order."""

    def __init__(self, resource, order, alias):
        ids = RawSQL(IDS, ())
        records = resource.model.objects.using(alias).filter(pk__in=ids)
        records = records.order_by(*order).values(*resource.columns)
        compiler = records.query.get_compiler(using=alias)
        self.sql, params = compiler.as_sql()
        assert not params, params
        self.expressions = [s[0] for s in compiler.select[: compiler.col_count]]
        self.columns = resource.columns

    def rows(self, ids_sql, ids_params, alias):
        """Fetch the rows of the ids query's page as dicts of the columns."""
        connection = connections[alias]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                _read_dates_in_c(cursor)
            cursor.execute(self.sql.replace(IDS, ids_sql), ids_params)
            rows = cursor.fetchall()
        converters = _converters(self.expressions, connection)
        if converters:
            rows = [_convert(row, converters, connection) for row in rows]
        columns = self.columns
        return [dict(zip(columns, row, strict=True)) for row in rows]


@functools.lru_cache(maxsize=512)
def page_query(resource, order, alias):
    return PageQuery(resource, order, alias)


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
        if functions:
            found.append((index, functions, expression))
    return found


def _convert(row, converters, connection):
    row = list(row)
    for index, functions, expression in converters:
        value = row[index]
        for function in functions:
            value = function(value, expression, connection)
        row[index] = value
    return row
