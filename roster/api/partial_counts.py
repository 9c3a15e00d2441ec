"""Exact counts of filtered searches, kept per group and brought up to date.

A filtered count (members whose customer's name holds "son", members
approved and active in March) can cost a scan of most of the table, every
time. On PostgreSQL the search counts such a filter once per group (per
course, for CourseMember), in one statement that also reads the database
snapshot it ran in, and keeps the per-group counts in the process.

The triggers of `roster.api.counting` write into each group's RecordCount
row the id of the transaction that last inserted, changed or deleted one
of its records, and into TableChange the one that last changed a table
the filters join (a customer's name). The next search with the same
filters asks, in one statement, which groups changed in a transaction the
kept snapshot did not see, and counts those groups again in that same
statement; any change to a joined table, or a truncate, means counting
everything again. Every kept count is therefore exact as of the snapshot
kept with it, and so is their sum.

Counts are kept only outside a transaction: inside one, the transaction's
own changes are visible to it but would not look new.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count
from django.db.models.expressions import RawSQL

from roster.api.compiled import fetch
from roster.api.counting import CHANGES, COUNTS

CAPACITY = 256
KEPT = "roster_kept"


@dataclass(frozen=True)
class _Search:
    counted: object
    tables: tuple
    records: object
    businesses: tuple
    alias: str


@dataclass
class _Entry:
    snapshot: str = ""
    groups: dict = field(default_factory=dict)
    total: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class PartialCounts:
    """The kept counts of one process, for the most recently used filters."""

    def __init__(self, capacity=CAPACITY):
        self.capacity = capacity
        self.entries = OrderedDict()
        self.lock = threading.Lock()

    def usable(self, counted, alias):
        connection = connections[alias]
        return (
            counted is not None
            and connection.vendor == "postgresql"
            and not connection.in_atomic_block
            and connection.pg_version >= 130000
        )

    def count(self, resource, principal, query, records, alias):
        """The number of `records`, the matches of the query's filters."""
        counted = resource.counted
        tables = {counted.table}
        tables.update(t for f in query.filtered for t in f.tables(resource.model))
        search = _Search(
            counted, tuple(sorted(tables)), records, principal.businesses, alias
        )
        key = (resource.name, alias, principal.businesses, tuple(sorted(query.given)))
        entry = self._entry(key)
        with entry.lock:
            try:
                if entry.snapshot:
                    return self._update(entry, search)
                return self._recount(entry, search)
            except EmptyResultSet:
                return 0

    def _entry(self, key):
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                entry = self.entries[key] = _Entry()
                if len(self.entries) > self.capacity:
                    self.entries.popitem(last=False)
            else:
                self.entries.move_to_end(key)
            return entry

    def _recount(self, entry, search):
        """Count every group, and note the snapshot and whether it can be kept."""
        counted, tables = search.counted, search.tables
        groups = search.records.order_by().values(
            counted.business_path, counted.group_path
        )
        groups_sql, params = groups.annotate(n=Count("pk")).query.sql_with_params()
        sql = (
            f"SELECT pg_current_snapshot()::text, "
            f"(SELECT count(*) FROM {CHANGES} WHERE table_name = ANY(%s)), g.* "
            f"FROM (SELECT 1) AS one LEFT JOIN ({groups_sql}) AS g ON true"
        )
        rows = fetch(search.alias, sql, [list(tables), *params])
        found = {(b, g): n for _s, _t, b, g, n in rows if n}
        total = sum(found.values())
        snapshot, tracked = rows[0][0], rows[0][1]
        # A table without a TableChange row has no trigger telling of changes.
        if tracked == len(tables):
            entry.snapshot, entry.groups, entry.total = snapshot, found, total
        return total

    def _update(self, entry, search):
        """Count again the groups changed since the kept snapshot."""
        counted, tables, businesses = search.counted, search.tables, search.businesses
        in_group = search.records.filter(
            **{
                counted.business_path: RawSQL(f"{KEPT}.business_id", ()),
                counted.group_path: RawSQL(f"{KEPT}.group_id", ()),
            }
        )
        group_sql, group_params = (
            in_group.order_by().values("pk").query.sql_with_params()
        )
        scope, scope_params = "", []
        if businesses is not None:
            scope = " AND {}.business_id IN ({})".format(
                KEPT, ", ".join(["%s"] * len(businesses))
            )
            scope_params = list(businesses)
        sql = (
            "SELECT pg_current_snapshot()::text, "
            f"(SELECT count(*) FILTER (WHERE pg_visible_in_snapshot("
            "t.changed_by::text::xid8, %s::pg_snapshot)) "
            f"FROM {CHANGES} t WHERE t.table_name = ANY(%s)), "
            f"{KEPT}.business_id, {KEPT}.group_id, "
            f"(SELECT count(*) FROM ({group_sql}) AS matching) "
            f"FROM (SELECT 1) AS one LEFT JOIN {COUNTS} AS {KEPT} "
            f"ON {KEPT}.table_name = %s{scope} AND NOT pg_visible_in_snapshot("
            f"{KEPT}.changed_by::text::xid8, %s::pg_snapshot)"
        )
        params = [
            entry.snapshot,
            list(tables),
            *group_params,
            counted.table,
            *scope_params,
            entry.snapshot,
        ]
        rows = fetch(search.alias, sql, params, prepare=True)
        # Every joined table must still be tracked and unchanged.
        if rows[0][1] != len(tables):
            return self._recount(entry, search)
        groups = entry.groups
        for _snapshot, _joined, business, group, n in rows:
            if group is None:
                continue
            entry.total += n - groups.pop((business, group), 0)
            if n:
                groups[(business, group)] = n
        entry.snapshot = rows[0][0]
        return entry.total


KEPT_COUNTS = PartialCounts()
