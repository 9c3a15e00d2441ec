"""The kinds of field a resource declares, and how each filters and renders.

A field is declared with its Nexudus name, dotted through relations
(`Coworker.FullName`), and the Django path it reads (`coworker__full_name`).
The name gives the record key (`CoworkerFullName`) and the filter suffix
(`Coworker_FullName`); the kind decides how a filter value is read, which
condition it becomes, whether ranges apply and how the value is written out.
"""

import datetime as dt
import re
import uuid

from django.db import connections, router
from django.db.models import Exists, OuterRef, Q

from roster.core.text import fold, search_column

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


class BadValue(ValueError):
    """A filter value the field cannot read; the message says what it takes."""


class Field:
    """A property of a record.

    `columns` are the paths the page query selects for it; `render` turns a
    selected row into the JSON value. Subclasses that filter override
    `condition`, and those that take ranges override `bounds`.
    """

    filterable = True
    sortable = True
    ranged = False
    accepts = "a value"

    def __init__(self, name, source=None, *, filterable=None, sortable=None):
        self.name = name
        self.key = name.replace(".", "")
        self.filter_suffix = name.replace(".", "_")
        self.source = source
        if filterable is not None:
            self.filterable = filterable
        if sortable is not None:
            self.sortable = sortable

    @property
    def columns(self):
        return (self.source,)

    @property
    def order_column(self):
        return self.source

    def render(self, row):
        return row[self.source]

    @property
    def plain(self):
        """Whether the value is the selected column as it is."""
        return type(self).render is Field.render

    def tables(self, model):
        """The tables a filter on this field reads, following its relations."""
        models, _nullable = _walk(model, self.source)
        return tuple(m._meta.db_table for m in models)

    def nullable(self, model):
        """Whether the value can be null, through a relation or itself."""
        return _walk(model, self.source)[1]

    def parse(self, raw):
        raise NotImplementedError

    def condition(self, raw):
        """Return the Q for `{Entity}_{Field}=raw`, or raise BadValue."""
        return Q(**{self.source: self.parse(raw)})

    def bounds(self, raw, end):
        """Return the Q for `from_`/`to_` (`end` is "from" or "to")."""
        raise NotImplementedError


def _walk(model, path):
    """The models a Django path passes through, and whether it can be null."""
    *relations, last = path.split("__")
    models, nullable = [model], False
    for name in relations:
        relation = models[-1]._meta.get_field(name)
        nullable = nullable or relation.null
        models.append(relation.related_model)
    return models, nullable or models[-1]._meta.get_field(last).null


class Integer(Field):
    """A whole number: equality and inclusive ranges."""

    ranged = True
    accepts = "a whole number"

    def parse(self, raw):
        if not re.fullmatch(r"[+-]?\d{1,19}", raw) or not (
            INT64_MIN <= int(raw) <= INT64_MAX
        ):
            raise BadValue(f"must be {self.accepts}.")
        return int(raw)

    def bounds(self, raw, end):
        lookup = "gte" if end == "from" else "lte"
        return Q(**{f"{self.source}__{lookup}": self.parse(raw)})


class Reference(Integer):
    """The id of a related record: `CourseId`, filtered as `…_Course`."""

    ranged = False
    accepts = "the whole-number id of a record"

    def __init__(self, name, source, **options):
        super().__init__(name, source + "_id", **options)
        self.key = self.key + "Id"


def contains(column, term):
    """Match a case-folded substring of a text column (see roster.core.text).

    No stored text holds NUL, which PostgreSQL cannot store and refuses in a
    query, so a term with one matches nothing without asking the database.
    """
    if "\x00" in term:
        return Q(pk__in=())
    return Q(**{search_column(column) + "__contains": fold(term)})


class Text(Field):
    """Free text, matched as a case-folded substring."""

    accepts = "text"

    def condition(self, raw):
        return contains(self.source, raw)


class Boolean(Field):
    accepts = "true, false, 1 or 0"
    VALUES = {"true": True, "1": True, "false": False, "0": False}

    def parse(self, raw):
        try:
            return self.VALUES[raw.strip().lower()]
        except KeyError:
            raise BadValue(f"must be {self.accepts}.") from None


class Enum(Field):
    """A choice, written out by name and filtered by number or name."""

    def __init__(self, name, source, choices, **options):
        super().__init__(name, source, **options)
        self.labels = {choice.value: choice.label for choice in choices}
        self.by_text = {str(c.value): c.value for c in choices}
        self.by_text.update({c.label.lower(): c.value for c in choices})
        self.accepts = ", ".join(f"{c.value} ({c.label})" for c in choices)

    def render(self, row):
        return self.labels.get(row[self.source])

    def parse(self, raw):
        try:
            return self.by_text[raw.strip().lower()]
        except KeyError:
            raise BadValue(f"must be one of {self.accepts}.") from None


class Uuid(Field):
    accepts = "a GUID"

    def render(self, row):
        value = row[self.source]
        return str(value) if value is not None else None

    def parse(self, raw):
        try:
            return uuid.UUID(raw.strip())
        except ValueError:
            raise BadValue(f"must be {self.accepts}.") from None


_MOMENT = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:\.(?P<fraction>\d{1,6}))?)?"
    # A "+" left unescaped in a query string arrives as a space.
    r"(?P<zone>[Zz]|[+\- ]\d{2}:?\d{2})?)?"
)


_MICROSECOND = dt.timedelta(microseconds=1)


def parse_moment(raw):
    """Read a date or time as the first and last microsecond it names, in UTC.

    The span is the precision given: a whole day for a date, a minute for
    `HH:mm`, a second with seconds. A time without a zone is UTC. The last
    microsecond, rather than the next moment, keeps 9999-12-31 readable.
    """
    match = _MOMENT.fullmatch(raw.strip())
    if not match:
        raise ValueError(raw)
    parts = match.groupdict()
    day = dt.date.fromisoformat(parts["date"])
    if parts["hour"] is None:
        start = dt.datetime.combine(day, dt.time(), dt.UTC)
        return start, start + (dt.timedelta(days=1) - _MICROSECOND)
    fraction = parts["fraction"] or ""
    start = dt.datetime.combine(
        day,
        dt.time(
            int(parts["hour"]),
            int(parts["minute"]),
            int(parts["second"] or 0),
            int(fraction.ljust(6, "0")) if fraction else 0,
        ),
        _zone(parts["zone"]),
    ).astimezone(dt.UTC)
    if fraction:
        unit = dt.timedelta(microseconds=10 ** (6 - len(fraction)))
    elif parts["second"] is not None:
        unit = dt.timedelta(seconds=1)
    else:
        unit = dt.timedelta(minutes=1)
    return start, start + (unit - _MICROSECOND)


def _zone(text):
    if not text or text in "Zz":
        return dt.UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return dt.timezone(sign * offset)


class DateTime(Field):
    """A moment, filtered within the day, minute or second given."""

    ranged = True
    accepts = (
        "a date (YYYY-MM-DD) or a time (YYYY-MM-DDTHH:mm, UTC unless an offset follows)"
    )

    def render(self, row):
        value = row[self.source]
        if value is None:
            return None
        if value.utcoffset():
            value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"

    def parse(self, raw):
        try:
            return parse_moment(raw)
        except (ValueError, OverflowError):
            raise BadValue(f"must be {self.accepts}.") from None

    def condition(self, raw):
        first, last = self.parse(raw)
        return Q(**{f"{self.source}__gte": first, f"{self.source}__lte": last})

    def bounds(self, raw, end):
        first, last = self.parse(raw)
        if end == "from":
            return Q(**{f"{self.source}__gte": first})
        return Q(**{f"{self.source}__lte": last})


class Constant(Field):
    """A key every record carries with one fixed value."""

    filterable = False
    sortable = False

    def __init__(self, name, value):
        super().__init__(name)
        self.value = value

    @property
    def columns(self):
        return ()

    def tables(self, model):
        return ()

    def render(self, row):
        return self.value


class Label(Field):
    """`ToStringText`: a readable label made from some selected columns."""

    filterable = False
    sortable = False

    def __init__(self, name, template, *sources):
        super().__init__(name)
        self.template = template
        self.sources = sources

    @property
    def columns(self):
        return self.sources

    def render(self, row):
        return self.template.format(*(row[s] or "" for s in self.sources))


class TeamNames(Field):
    """The names of a customer's teams, sorted and joined with ", ".

    The filter takes a comma-separated list and keeps records whose customer
    belongs to a team whose name contains any item. It is an EXISTS test, so
    a customer in several matching teams is still one record. The names of a
    page are read by one extra query, see `load`.
    """

    sortable = False

    def __init__(self, name, coworker_source, **options):
        super().__init__(name, coworker_source + "_id", **options)

    def condition(self, raw):
        from roster.customers.models import Team

        items = [item.strip() for item in raw.split(",") if item.strip()]
        if not items:
            return Q()
        names = Q()
        for item in items:
            names |= contains("team__name", item)
        memberships = Team.members.through.objects.filter(
            names, coworker_id=OuterRef(self.source)
        )
        return Q(Exists(memberships))

    def tables(self, model):
        from roster.customers.models import Team

        through = Team.members.through
        return (model._meta.db_table, Team._meta.db_table, through._meta.db_table)

    def load(self, rows):
        """Attach the team names of every row's customer in one query."""
        from roster.customers.models import Team

        ids = sorted({row[self.source] for row in rows})
        if not ids:
            return
        through = Team.members.through
        link = through._meta
        coworker = link.get_field("coworker").column
        team = link.get_field("team").column
        connection = connections[router.db_for_read(through)]
        if connection.vendor == "postgresql":
            # One array is planned much faster than thousands of constants.
            wanted, params = "= ANY(%s)", [ids]
        else:
            wanted, params = "IN ({})".format(", ".join(["%s"] * len(ids))), ids
        sql = (
            f'SELECT l."{coworker}", t."{Team._meta.get_field("name").column}" '
            f'FROM "{link.db_table}" l JOIN "{Team._meta.db_table}" t '
            f'ON t."{Team._meta.pk.column}" = l."{team}" '
            f'WHERE l."{coworker}" {wanted}'
        )
        from roster.api.compiled import fetch

        names = {}
        for coworker_id, name in fetch(connection.alias, sql, params, prepare=True):
            names.setdefault(coworker_id, []).append(name)
        joined = {key: ", ".join(sorted(value)) for key, value in names.items()}
        for row in rows:
            row[self.key] = joined.get(row[self.source])

    def render(self, row):
        return row[self.key]
