"""Records kept as the search writes them, by triggers, on SQLite.

A large page spends its time turning rows into records: Python's `sqlite3`
module alone takes 20 to 30 ms to read 5,000 joined rows of twenty-odd
values, before any of them is written out. So on SQLite every record of a
resource that declares `kept_records` is also kept as its JSON text, in a
table of its own, and a page reads one text per record.

The text is written by SQL made from the resource's field declarations
(each kind of field says how SQLite writes its value, in `json_sql`), and
triggers keep it true in the writing transaction, whatever code path
writes: a change of the record itself, of any related record a field reads
(a course's title, a customer's name) and of the rows a list reads (team
memberships and team names). The derived fields therefore always show the
related records as they are now, as the contract requires.

The table's name holds a digest of that SQL, so code that writes records
differently never reads texts an older version wrote: until `install` has
made the new table, the search renders in Python as on PostgreSQL.
`install` runs after every `migrate` and rebuilds the table when it or a
trigger is missing (SQLite drops a table's triggers when a migration
rebuilds it).
"""

import hashlib
import logging
from dataclasses import dataclass, field

import orjson
from django.db import connections, transaction

logger = logging.getLogger(__name__)

PREFIX = "api_kept_records_"
# SQLite's printf takes at most 127 arguments (SQLITE_MAX_FUNCTION_ARG).
MAX_VALUES = 120


class KeptRecords:
    """A page of records already written as JSON, one bytes text each.

    `json_response` writes them out as they are (see `fragment`).
    """

    def __init__(self, texts):
        self.texts = texts

    def __len__(self):
        return len(self.texts)

    def fragment(self):
        """The records as one JSON array; a page of 5,000 is three
        megabytes, so they are copied once, by the join."""
        if not self.texts:
            return orjson.Fragment(b"[]")
        texts = list(self.texts)
        texts[0] = b"[" + texts[0]
        texts[-1] = texts[-1] + b"]"
        return orjson.Fragment(b",".join(texts))


def literal(text):
    """An SQL string literal of text that this module writes itself."""
    return "'" + text.replace("'", "''") + "'"


def json_literal(value):
    """The SQL literal of a constant's JSON text."""
    return literal(orjson.dumps(value).decode())


def when_not_null(column, expression):
    return f"CASE WHEN {column} IS NULL THEN 'null' ELSE {expression} END"


@dataclass
class Trigger:
    """A change to a table after which some kept records are written again.

    `reach` is SQL selecting the ids of the records to write again; it may
    name the changed row as NEW or OLD.
    """

    table: str
    event: str
    reach: str


@dataclass
class _Join:
    alias: str
    table: str
    parent: str
    column: str
    target: str
    # The columns of the joined table that the records read.
    read: set = field(default_factory=set)


class RecordSql:
    """The SQL that writes one resource's records, with what it depends on.

    Field kinds call `column(path)` for the SQL of a column reached by a
    Django path (`coworker__full_name`) and `depend_on` for tables they read
    by themselves; the joins and triggers follow from those calls.
    """

    def __init__(self, resource):
        self.model = resource.model
        self.table = self.model._meta.db_table
        self.joins = {}
        self.extra = []
        values = [(f.key, f.json_sql(self)) for f in resource.list_fields]
        if len(values) > MAX_VALUES:
            raise ValueError(f"{resource.name} has too many fields to keep.")
        template = ",".join(
            f"{orjson.dumps(key).decode()}:%s" for key, _value in values
        )
        arguments = ", ".join(value for _key, value in values)
        self.record = f"printf({literal('{' + template + '}')}, {arguments})"

    def column(self, path):
        """The SQL of the column at the end of a path, joining what it needs."""
        *relations, last = path.split("__")
        model, alias = self.model, "m"
        for depth in range(len(relations)):
            relation = model._meta.get_field(relations[depth])
            prefix = "__".join(relations[: depth + 1])
            if prefix not in self.joins:
                self._read(alias, relation.column)
                self.joins[prefix] = _Join(
                    f"r{len(self.joins)}",
                    relation.related_model._meta.db_table,
                    alias,
                    relation.column,
                    relation.target_field.column,
                )
            model, alias = relation.related_model, self.joins[prefix].alias
        name = model._meta.get_field(last).column
        self._read(alias, name)
        return f'{alias}."{name}"'

    def _read(self, alias, column):
        for join in self.joins.values():
            if join.alias == alias:
                join.read.add(column)

    def depend_on(self, table, event, reach):
        self.extra.append(Trigger(table, event, reach))

    def reach(self, path, values):
        """SQL of the ids of the records whose column at `path` is in values.

        The joins are inner ones: a record that does not reach the column
        cannot hold one of the values.
        """
        *relations, last = path.split("__")
        model, alias, joins = self.model, "m", []
        for name in relations:
            relation = model._meta.get_field(name)
            model = relation.related_model
            joins.append(
                f'JOIN "{model._meta.db_table}" h{len(joins)} '
                f'ON h{len(joins)}."{model._meta.pk.column}" = '
                f'{alias}."{relation.column}"'
            )
            alias = f"h{len(joins) - 1}"
        name = model._meta.get_field(last).column
        return (
            f'SELECT m."{self.model._meta.pk.column}" FROM "{self.table}" m '
            + " ".join(joins)
            + f' WHERE {alias}."{name}" IN ({values})'
        )

    def select(self, where):
        """SELECT of the id and text of the records that `where` keeps."""
        joins = "".join(
            f' LEFT JOIN "{j.table}" {j.alias} ON {j.alias}."{j.target}" = '
            f'{j.parent}."{j.column}"'
            for j in self.joins.values()
        )
        return (
            f'SELECT m."id", {self.record} FROM "{self.table}" m{joins} {where}'
        ).rstrip()

    def triggers(self):
        """Every change after which some records must be written again."""
        found = [
            Trigger(self.table, "INSERT", "SELECT NEW.id"),
            Trigger(self.table, "UPDATE", "SELECT NEW.id"),
        ]
        for prefix, join in self.joins.items():
            reach = self.reach(prefix, f'NEW."{join.target}"')
            read = ", ".join(f'"{c}"' for c in sorted(join.read))
            found.append(Trigger(join.table, "INSERT", reach))
            found.append(Trigger(join.table, f"UPDATE OF {read}", reach))
        return found + self.extra


class KeptTable:
    """The kept records of one resource: its table, SQL and triggers."""

    def __init__(self, resource):
        self.sql = RecordSql(resource)
        self.prefix = f"{PREFIX}{self.sql.table}_"
        # Named by a digest of everything it is made with, under a
        # placeholder name.
        self.name = self.prefix
        made = "\n".join(self.statements()).encode()
        self.name += hashlib.sha256(made).hexdigest()[:12]

    def statements(self):
        """The statements that make the table, its triggers and its rows.

        The SQL that writes records is a view, so that each trigger, which
        every new connection parses with the schema, stays short. The texts
        are kept as bytes, as the response sends them.
        """
        table, view = f'"{self.name}"', f'"{self.name}_view"'
        write = f"INSERT INTO {table} (id, record) SELECT id, record FROM {view}"
        made = [
            f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, record BLOB NOT NULL)",
            f"CREATE VIEW {view} (id, record) AS "
            + self.sql.select("").replace(self.sql.record, self._as_bytes(), 1),
            f'CREATE TRIGGER "{self.name}_delete" AFTER DELETE '
            f'ON "{self.sql.table}" BEGIN DELETE FROM {table} WHERE id = OLD.id; END',
        ]
        for number, trigger in enumerate(self.sql.triggers()):
            # Deleted and written again rather than replaced: the conflict
            # clause of the statement that fires a trigger overrides those in
            # its body, and Django adds to many-to-many sets with INSERT OR
            # IGNORE.
            made.append(
                f'CREATE TRIGGER "{self.name}_{number}" AFTER {trigger.event} '
                f'ON "{trigger.table}" BEGIN '
                f"DELETE FROM {table} WHERE id IN ({trigger.reach}); "
                f"{write} WHERE id IN ({trigger.reach}); END"
            )
        made.append(write)
        return made

    def _as_bytes(self):
        return f"CAST({self.sql.record} AS BLOB)"

    def object_names(self):
        """The names of the table, its view and its triggers."""
        triggers = range(len(self.sql.triggers()))
        return {
            self.name,
            f"{self.name}_view",
            f"{self.name}_delete",
            *(f"{self.name}_{n}" for n in triggers),
        }


def kept_tables():
    from roster.api.resources import REGISTRY

    return [r.kept_table for r in REGISTRY.values() if r.kept_table is not None]


def install(using="default"):
    """Make each resource's table, triggers and texts where any is missing."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for kept in kept_tables():
            present = {name for _kind, name in _names(cursor, kept.prefix)}
            if kept.object_names() <= present:
                continue
            _rebuild(cursor, kept, present)


def _rebuild(cursor, kept, present):
    if kept.name in present:
        logger.warning("Writing the records of %s again: a part was lost", kept.name)
    else:
        logger.info("Writing the records of %s for the search", kept.sql.table)
    _drop(cursor, kept.prefix)
    for statement in kept.statements():
        cursor.execute(statement)


def uninstall(using="default"):
    """Drop every kept table and its triggers.

    Before a migration: SQLite rebuilds a table by renaming a copy into its
    place, and refuses the rename while a trigger on another table names
    the table being replaced. `install` makes them again afterwards.
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with transaction.atomic(using=using), connection.cursor() as cursor:
        _drop(cursor, PREFIX)


def _names(cursor, prefix):
    """The tables and triggers whose names start with the prefix."""
    cursor.execute(
        "SELECT type, name FROM sqlite_master WHERE name LIKE %s ESCAPE '\\'",
        [prefix.replace("_", "\\_") + "%"],
    )
    return [(kind, name) for kind, name in cursor.fetchall() if kind != "index"]


def _drop(cursor, prefix):
    for kind, name in _names(cursor, prefix):
        cursor.execute(f'DROP {kind.upper()} IF EXISTS "{name}"')


def uninstall_before_migrate(sender, using, plan=None, **kwargs):
    if plan:
        uninstall(using)


def install_after_migrate(sender, using, **kwargs):
    install(using)
