"""Exact counts of filtered searches, kept per group in the database.

A filtered count (members whose customer's name holds "son", members
approved and active in March) can cost a scan of most of the table, every
time. On PostgreSQL the search counts such a filter once per group (per
course, for CourseMember), in one statement that also reads the database
snapshot it ran in, and keeps the per-group counts and their total in a
`KeptCount` row, which every server process shares.

The triggers of `roster.api.counting` write into each group's RecordCount
row the id of the transaction that last inserted, changed or deleted one
of its records, and into TableChange the one that last changed a table
the filters join (a customer's name). The next search with the same
filters asks, in one small prepared statement, whether any group changed
in a transaction the kept snapshot did not see; only then does a second
statement count those groups again, add the difference to the kept total
and save the new counts with its own snapshot. Any change to a joined
table, or a truncate, means counting everything again, and so does a row
that was not written by the transaction it names (one restored from a
dump of another database). Every kept count is exact as of the snapshot
kept with it, and so is their sum.

Processes that bring the same row up to date at once each answer with
their own exact total; the row is saved only by one whose snapshot is
still the kept one, so a row never mixes counts of two snapshots.

A search counts in the REPEATABLE READ snapshot in which it also reads its
page (see search.one_snapshot), so that its total and its records agree.
The kept row it reads there was committed before that snapshot began, so
it counts nothing the snapshot does not see. The new counts are saved once
the snapshot's transaction has ended, each save in a transaction of its
own: saved inside, a row that another search saved meanwhile could not be
saved over. Counts are never kept inside a transaction that writes (its
own changes would be visible to it but would not look new), and only on
the primary database, which holds the row and sees every committed change.
"""

import hashlib

import orjson
from django.core.exceptions import EmptyResultSet
from django.db import connections, router, transaction
from django.db.models import Count
from django.db.models.expressions import RawSQL

from roster.api.compiled import fetch
from roster.api.counting import CHANGES, COUNTS, XID
from roster.api.models import KeptCount

KEPT = KeptCount._meta.db_table
# How many searches keep counts; the least recently recounted go first.
CAPACITY = 10_000
GROUP = "roster_group"


def kept_alias():
    """The database that holds the kept counts: the primary."""
    return router.db_for_write(KeptCount)


def usable(counted):
    """Whether to keep the counts: on PostgreSQL, outside a transaction or
    in the search's own snapshot."""
    connection = connections[kept_alias()]
    return (
        counted is not None
        and connection.vendor == "postgresql"
        and (not connection.in_atomic_block or _in_snapshot(connection))
        and connection.pg_version >= 130000
    )


def _in_snapshot(connection):
    return getattr(connection, "roster_snapshot", False)


def count(resource, principal, query, records):
    """The number of `records`, the matches of the query's filters."""
    alias = kept_alias()
    counted = resource.counted
    tables = {counted.table}
    tables.update(t for f in query.filtered for t in f.tables(resource.model))
    tables = sorted(tables)
    records = records.using(alias)
    try:
        key = _key(records)
        found = _update(alias, key, counted, tables, records, principal.businesses)
        if found is None:
            found = _recount(alias, key, counted, tables, records)
        return found
    except EmptyResultSet:
        return 0


def _key(records):
    """A digest of the SQL that selects the records, with its values.

    The caller's businesses are part of it, and so is what the filters
    mean: a release that changes how a filter matches counts afresh.
    """
    sql, params = records.order_by().values("pk").query.sql_with_params()
    return hashlib.sha256(orjson.dumps([sql, params], default=str)).hexdigest()


def _recount(alias, key, counted, tables, records):
    """Count every group and keep the counts, if every table is tracked."""
    groups = records.order_by().values(counted.group_path)
    groups_sql, params = groups.annotate(n=Count("pk")).query.sql_with_params()
    sql = (
        f"WITH g (group_id, n) AS ({groups_sql}) "
        "SELECT (SELECT coalesce(sum(n), 0) FROM g), pg_current_snapshot()::text, "
        "(SELECT coalesce(jsonb_object_agg(g.group_id, g.n), '{}')::text FROM g), "
        f"(SELECT count(*) FROM {CHANGES} WHERE table_name = ANY(%s))"
    )
    [(total, snapshot, groups, tracked)] = fetch(alias, sql, [*params, tables])
    # A table without a TableChange row has no trigger telling of changes.
    if tracked == len(tables):
        _after_the_snapshot(alias, _save, key, snapshot, int(total), groups)
    return int(total)


def _after_the_snapshot(alias, save, *values):
    """Save once the search's transaction has ended (at once outside one).

    A failed save loses nothing: the next search counts again.
    """
    transaction.on_commit(lambda: save(alias, *values), using=alias, robust=True)


def _save(alias, key, snapshot, total, groups):
    fetch(
        alias,
        f"INSERT INTO {KEPT} (key, snapshot, total, groups, updated_on, written_by) "
        f"VALUES (%s, %s, %s, %s::jsonb, statement_timestamp(), {XID}) "
        "ON CONFLICT (key) DO UPDATE SET snapshot = EXCLUDED.snapshot, "
        "total = EXCLUDED.total, groups = EXCLUDED.groups, "
        "updated_on = EXCLUDED.updated_on, written_by = EXCLUDED.written_by "
        "RETURNING 1",
        [key, snapshot, total, groups],
    )
    _forget_the_oldest(alias)


def _forget_the_oldest(alias):
    fetch(
        alias,
        f"DELETE FROM {KEPT} WHERE updated_on <= (SELECT updated_on FROM {KEPT} "
        "ORDER BY updated_on DESC OFFSET %s LIMIT 1) RETURNING 1",
        [CAPACITY],
        prepare=True,
    )


SEEN = "pg_visible_in_snapshot({}.changed_by::text::xid8, kept.snapshot::pg_snapshot)"
# The kept row, and whether every joined table is unchanged since its snapshot.
# A row's snapshot is only meaningful where that row was written: a row
# restored from a dump was written by the restore, not by `written_by`.
KEPT_ROW = (
    f"SELECT snapshot, total, groups FROM {KEPT} WHERE key = %s "
    "AND xmin::text::bigint = written_by %% 4294967296"
)
JOINED = (
    f"SELECT count(*) FILTER (WHERE {SEEN.format('t')}) AS unchanged "
    f"FROM {CHANGES} t, kept WHERE t.table_name = ANY(%s)"
)
# The groups changed since the kept snapshot; {scope} narrows the businesses.
CHANGED = (
    f"SELECT DISTINCT c.group_id AS id FROM {COUNTS} c, kept "
    f"WHERE c.table_name = %s{{scope}} AND NOT {SEEN.format('c')}"
)


def _update(alias, key, counted, tables, records, businesses):
    """The kept total brought up to date, or None when it must be recounted.

    A small prepared statement tells whether anything changed since the
    kept snapshot; only then does a second one count the changed groups
    again and save them.
    """
    scope, scope_params = _scope(businesses)
    check = (
        f"WITH kept AS ({KEPT_ROW}), joined AS ({JOINED}) "
        f"SELECT kept.total, joined.unchanged, "
        f"EXISTS ({CHANGED.format(scope=scope)}) FROM kept, joined"
    )
    params = [key, tables, counted.table, *scope_params]
    rows = fetch(alias, check, params, prepare=True)
    # No kept row, or a joined table changed or lost its trigger.
    if not rows or rows[0][1] != len(tables):
        return None
    total, _unchanged, changed = rows[0]
    if not changed:
        return int(total)
    return _count_changed(alias, key, counted, tables, records, businesses)


def _count_changed(alias, key, counted, tables, records, businesses):
    """Count the changed groups again; save them if the row is still as read.

    The statement finds the changed groups again in its own snapshot, which
    is saved with their counts.
    """
    in_group = records.filter(**{counted.group_path: RawSQL(f"{GROUP}.id", ())})
    group_sql, group_params = in_group.order_by().values("pk").query.sql_with_params()
    scope, scope_params = _scope(businesses)
    changed = (
        f"SELECT {GROUP}.id::text AS name, "
        f"(SELECT count(*) FROM ({group_sql}) AS matching) AS n "
        f"FROM ({CHANGED.format(scope=scope)}) AS {GROUP}"
    )
    delta = (
        "SELECT count(*) AS groups, coalesce(sum(changed.n - coalesce("
        "(kept.groups ->> changed.name)::bigint, 0)), 0) AS difference, "
        "jsonb_object_agg(changed.name, changed.n)::text AS counts "
        "FROM changed, kept"
    )
    sql = (
        f"WITH kept AS ({KEPT_ROW}), joined AS ({JOINED}), "
        # Materialised, so that each group is counted once, not once per use.
        f"changed AS MATERIALIZED ({changed}), delta AS ({delta}) "
        "SELECT kept.total + delta.difference, joined.unchanged, delta.groups, "
        "delta.counts, kept.snapshot, pg_current_snapshot()::text "
        "FROM kept, delta, joined"
    )
    params = [key, tables, *group_params, counted.table, *scope_params]
    # Not prepared: a plan made without the filters' values counted a
    # changed course through the name index, seven times slower.
    rows = fetch(alias, sql, params)
    if not rows or rows[0][1] != len(tables):
        return None
    total, _unchanged, groups, counts, kept, snapshot = rows[0]
    if groups:
        _after_the_snapshot(alias, _save_changed, key, kept, snapshot, total, counts)
    return int(total)


def _save_changed(alias, key, kept, snapshot, total, counts):
    """Save the changed groups' counts, unless another search saved first."""
    fetch(
        alias,
        f"UPDATE {KEPT} SET snapshot = %s, total = %s, "
        "groups = groups || %s::jsonb, updated_on = statement_timestamp(), "
        f"written_by = {XID} WHERE key = %s AND snapshot = %s RETURNING 1",
        [snapshot, total, counts, key, kept],
    )


def _scope(businesses):
    if businesses is None:
        return "", []
    marks = ", ".join(["%s"] * len(businesses))
    return f" AND c.business_id IN ({marks})", list(businesses)
