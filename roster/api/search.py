"""The paged search of section 3 of the contract, for any resource.

One request costs a fixed number of queries whatever the page size: one
count, one page (the record with its related columns, joined), and one per
derived list such as team names. Filters on lists are EXISTS tests and
relations are many-to-one, so joins never multiply rows and `TotalItems`
stays exact.

The count of a counted resource (see roster.api.counting) adds up the
counts the database keeps when the filters allow it. The page query finds
the page's ids first, on the narrowest index that serves the filters and
the order, and only then joins the related columns of those few records,
so a deep page skips index entries rather than joined rows.
"""

import functools
import logging
import math
import re
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import F, Q

from roster.api import compiled, counting, partial_counts
from roster.api.errors import Invalid, Problem
from roster.api.fields import INT64_MAX, BadValue, Reference
from roster.api.kept_records import KeptRecords

logger = logging.getLogger(__name__)

DIRECTIONS = {"1": 1, "0": 1, "-1": -1}


@dataclass
class Query:
    page: int = 1
    size: int = 25
    order: object = None
    direction: int = 1
    conditions: list = field(default_factory=list)
    # (field, raw value) of the equality filters, and the fields of every
    # filter: they decide how to count and whether an order meets nulls.
    equal: list = field(default_factory=list)
    filtered: set = field(default_factory=set)
    # The filters as given, (name, value): what a kept count is kept for.
    given: list = field(default_factory=list)


def read_query(resource, params):
    """Read and check the query string; raise Invalid listing every fault.

    Parameter names are matched without regard to case; empty values are
    ignored, as clients send them; unknown names are ignored.
    """
    query = Query(size=min(25, settings.ROSTER_MAX_PAGE_SIZE))
    query.order = resource.orderings["id"]
    values, problems = _single_values(params, resource)
    for given, raw, read in values.values():
        try:
            read(query, resource, raw)
        except BadValue as error:
            problems.append(Problem(given, raw, f"{given} {error}"))
    if problems:
        raise Invalid(problems)
    return query


def _reader(resource, name):
    """What reads the parameter `name` (in lower case), or None if unknown."""
    if name in READERS:
        return READERS[name]
    if name in resource.filters:
        return functools.partial(_read_filter, resource.filters[name], name)
    for end in ("from", "to"):
        start = end + "_"
        if name.startswith(start) and name[len(start) :] in resource.ranges:
            found = resource.ranges[name[len(start) :]]
            return functools.partial(_read_range, found, end, name)
    return None


def _read_filter(found, name, query, resource, raw):
    _add(query, found, found.condition(raw), name, raw)
    query.equal.append((found, raw))


def _read_range(found, end, name, query, resource, raw):
    _add(query, found, found.bounds(raw, end), name, raw)


def _add(query, found, condition, name, raw):
    # An empty condition (a list filter of blank items) holds for every record.
    if condition:
        query.conditions.append(condition)
        query.filtered.add(found)
        query.given.append((name, raw))


def _single_values(params, resource):
    """The known parameters by lower-case name, as (given, value, reader),
    without empty values; a known name given twice is a problem."""
    values, problems = {}, []
    for given, raws in params.lists():
        name = given.lower()
        read = _reader(resource, name)
        if read is None:
            continue
        for raw in (raw.strip() for raw in raws):
            if not raw:
                continue
            if name in values:
                problems.append(given_twice(given, raw))
                continue
            values[name] = (given, raw, read)
    return values, problems


def given_twice(given, raw):
    return Problem(given, raw, f"{given} is given more than once.")


def _whole_number(raw, low, high, what):
    if not re.fullmatch(r"[0-9]{1,20}", raw) or not low <= int(raw) <= high:
        raise BadValue(f"must be a whole number from {low} to {high}; {what}.")
    return int(raw)


def _read_page(query, resource, raw):
    query.page = _whole_number(raw, 1, INT64_MAX, "the first page is 1")


def _read_size(query, resource, raw):
    query.size = _whole_number(
        raw, 1, settings.ROSTER_MAX_PAGE_SIZE, "the number of records per page"
    )


def _read_order(query, resource, raw):
    try:
        query.order = resource.orderings[raw.lower()]
    except KeyError:
        names = ", ".join(f.key for f in resource.orderings.values())
        raise BadValue(f"must be a property of the record: {names}.") from None


def _read_direction(query, resource, raw):
    try:
        query.direction = DIRECTIONS[raw]
    except KeyError:
        raise BadValue("must be 1 (ascending), -1 (descending) or 0.") from None


# The paging and order parameters, by lower-case name.
READERS = {
    "page": _read_page,
    "size": _read_size,
    "orderby": _read_order,
    "dir": _read_direction,
}


def ordering(resource, query):
    """Sort on the field, then Id the same way; nulls first when ascending.

    Where no null can be met (a column that is never null, or one a filter
    holds to values), the order says nothing of nulls, so that a plain
    index on the column serves it in either direction.
    """
    column = query.order.order_column
    tie = "id" if query.direction == 1 else "-id"
    if query.order.key == "Id":
        return (tie,)
    if query.order in query.filtered or not resource.nullable(query.order):
        return (column if query.direction == 1 else "-" + column, tie)
    if query.direction == 1:
        return (F(column).asc(nulls_first=True), tie)
    return (F(column).desc(nulls_last=True), tie)


def count(resource, principal, query, records):
    """The number of matching records, and the page's ids when found with it.

    Without filters, or filtered by the group only, the count is the sum of
    the counts the database keeps. Other filters on a counted resource use
    the kept per-group counts of roster.api.partial_counts.
    """
    counted = resource.counted
    if counted is not None:
        group = _group(resource, query)
        if not query.conditions or group is not None:
            return _kept_total(resource, principal, query, records, group)
        if partial_counts.usable(counted):
            return partial_counts.count(resource, principal, query, records), None
    return records.count(), None


def _group(resource, query):
    """The id of the group when the only filter is equality with it."""
    if len(query.conditions) != 1 or len(query.equal) != 1:
        return None
    found, raw = query.equal[0]
    if isinstance(found, Reference) and found.source == resource.counted.group_path:
        return found.parse(raw)
    return None


def _kept_total(resource, principal, query, records, group):
    """The kept total; on PostgreSQL with the page's ids, in one statement.

    Neither the best plan of the total nor that of the ids depends on the
    values, so the statement is prepared, and so is the page query that
    then reads the records of those ids.
    """
    counted, businesses = resource.counted, principal.businesses
    if businesses is not None and not businesses:
        return 0, None
    alias = router.db_for_read(resource.model)
    if not compiled.has_arrays(alias):
        return counting.total(counted, businesses, group), None
    total_sql, total_params = counting.total_sql(counted, businesses, group)
    ids_sql, ids_params = _ids(resource, query, records, alias)
    sql = (
        f"WITH kept (n) AS ({total_sql}) "
        f"SELECT n, CASE WHEN n > %s THEN ARRAY({ids_sql}) END FROM kept"
    )
    params = [*total_params, _offset(query), *ids_params]
    [(total, ids)] = compiled.fetch(alias, sql, params, prepare=True)
    return int(total or 0), ids


def _ids(resource, query, records, alias):
    """The SQL of the page's ids, with its limit and offset as parameters."""
    ids = records.using(alias).order_by(*ordering(resource, query)).values("pk")
    sql, params = ids.query.sql_with_params()
    return sql + " LIMIT %s OFFSET %s", (*params, query.size, _offset(query))


def _offset(query):
    # A page past any possible total still has to fit in a bigint parameter.
    return min((query.page - 1) * query.size, INT64_MAX)


def page(resource, query, records, ids=None):
    """The records of the page: ids first, unless known already, then columns.

    Where the database keeps the records written out, they are read as
    they are (see roster.api.kept_records).
    """
    order = ordering(resource, query)
    alias = router.db_for_read(resource.model)
    if ids is None:
        ids_sql, ids_params = _ids(resource, query, records, alias)
    else:
        ids_sql, ids_params = compiled.ARRAY_IDS, [ids]
    written = compiled.kept_page_query(resource, order, alias)
    if written is not None:
        texts = written.texts(ids_sql, ids_params, alias)
        if texts is not None:
            return KeptRecords(texts)
        logger.warning("Rendering %s in Python: kept records missing", resource.name)
    kept = compiled.page_query(resource, order, alias, query.size)
    rows = kept.rows(ids_sql, ids_params, alias, prepare=ids is not None)
    return resource.render(rows)


def search(resource, principal, params):
    """Answer a search with the Nexudus paging envelope."""
    query = read_query(resource, params)

    records = resource.queryset(principal).filter(Q(*query.conditions))
    with one_snapshot(router.db_for_read(resource.model)):
        total, ids = count(resource, principal, query, records)

        found = []
        if (query.page - 1) * query.size < total:
            found = page(resource, query, records, ids)

    return envelope(query, found, total)


@contextmanager
def one_snapshot(alias):
    """Count and read the page in one snapshot of the database.

    Otherwise a write committed between the two statements would make
    `TotalItems` disagree with the records. On SQLite, in write-ahead
    logging, a DEFERRED transaction reads one snapshot and takes no lock;
    the connection's own IMMEDIATE mode, right for writes, would queue
    every search behind the writers. On PostgreSQL a REPEATABLE READ
    transaction reads one snapshot, in which the kept counts are brought
    up to date too (see roster.api.partial_counts). A read replica holds
    the page but not the kept counts, so there the two are read apart.
    """
    connection = connections[alias]
    if connection.in_atomic_block or alias != partial_counts.kept_alias():
        yield
    elif connection.vendor == "sqlite":
        with _deferred(connection):
            yield
    else:
        with transaction.atomic(using=alias):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            connection.roster_snapshot = True
            try:
                yield
            finally:
                connection.roster_snapshot = False


@contextmanager
def _deferred(connection):
    mode = connection.transaction_mode
    connection.transaction_mode = "DEFERRED"
    try:
        with transaction.atomic(using=connection.alias):
            connection.transaction_mode = mode
            yield
    finally:
        connection.transaction_mode = mode


def envelope(query, records, total):
    first = (query.page - 1) * query.size + 1 if records else 0
    pages = math.ceil(total / query.size)
    return {
        "Records": records,
        "CurrentPageSize": query.size,
        "CurrentPage": query.page,
        "CurrentOrderField": query.order.key,
        "CurrentSortDirection": query.direction,
        "FirstItem": first,
        "HasNextPage": query.page < pages,
        "HasPreviousPage": query.page > 1,
        "LastItem": first + len(records) - 1 if records else 0,
        "PageNumber": query.page,
        "PageSize": query.size,
        "TotalItems": total,
        "TotalPages": pages,
    }
