"""The kinds of field a resource declares, and how each filters and renders.

A field is declared with its Nexudus name, dotted through relations
(`Coworker.FullName`), and the Django path it reads (`coworker__full_name`).
The name gives the record key (`CoworkerFullName`) and the filter suffix
(`Coworker_FullName`); the kind decides how a filter value is read, which
condition it becomes, whether ranges apply and how the value is written out.
"""

import datetime as dt
import functools
import re
import uuid

from django.db import connections, router
from django.db.models import Exists, OuterRef, Q

from roster.core.text import fold, search_column

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
# What each kind of integer column holds, the same on every database.
COLUMN_RANGES = {
    "SmallIntegerField": (-(2**15), 2**15 - 1),
    "PositiveSmallIntegerField": (0, 2**15 - 1),
    "IntegerField": (INT32_MIN, INT32_MAX),
    "PositiveIntegerField": (0, INT32_MAX),
    "BigIntegerField": (INT64_MIN, INT64_MAX),
    "PositiveBigIntegerField": (0, INT64_MAX),
    "AutoField": (1, INT32_MAX),
    "BigAutoField": (1, INT64_MAX),
}
MAX_IDS = 10_000
# Each team name is one more condition; SQLite refuses very deep ones.
MAX_TEAM_NAMES = 100


class BadValue(ValueError):
    """A value the field cannot read; the message says what it takes."""


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
    # Kinds that clients may write define `read_value`; the resource makes a
    # field writable when it is the record's own column and not read-only.
    writable = False
    # Listed only by the single-record calls, as Nexudus does for lists.
    single_only = False

    def __init__(
        self,
        name,
        source=None,
        *,
        filterable=None,
        sortable=None,
        read_only=False,
        required=False,
        fixed=False,
    ):
        self.name = name
        self.key = name.replace(".", "")
        self.filter_suffix = name.replace(".", "_")
        self.source = source
        if filterable is not None:
            self.filterable = filterable
        if sortable is not None:
            self.sortable = sortable
        self.read_only = read_only
        self.required = required
        # A fixed field is written on create and can never change after.
        self.fixed = fixed
        self.model_field = None

    @property
    def own(self):
        """Whether the field is a column of the record itself."""
        return "." not in self.name and bool(self.source) and "__" not in self.source

    def bind(self, model):
        """Attach the model field behind a writable field."""
        if self.own and not self.read_only and hasattr(self, "read_value"):
            self.writable = True
            self.model_field = model._meta.get_field(self.source)

    def read(self, value):
        """Read a JSON value for the record's column; raise BadValue."""
        if value is None:
            if self.required:
                raise BadValue("is required.")
            return self.null()
        return self.read_value(value)

    def null(self):
        if self.model_field.null:
            return None
        raise BadValue(f"must be {self.accepts_json}.")

    @property
    def accepts_json(self):
        return self.accepts

    def default(self):
        """The value an update gives a writable field left out of the body."""
        return self.model_field.get_default()

    @property
    def columns(self):
        return (self.source,)

    @property
    def order_column(self):
        return self.source

    def render(self, row):
        return row[self.source]

    def json_sql(self, sql):
        """SQLite SQL writing the value as `render` and orjson would.

        `sql` is the kept records' RecordSql (see roster.api.kept_records).
        """
        return f"json_quote({sql.column(self.source)})"

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


# Beyond 2**53 a float no longer holds every whole number, and the JSON
# parser reads integers past 64 bits as floats: such a float may not be the
# number the client wrote (-2**63 - 1 arrives as -2**63).
EXACT_FLOAT = 2**53


def whole_number(value):
    """Read a JSON integer, an integral number (2.0) or a string of digits.

    Return None for anything else: a fraction, a boolean, text, a list, or
    a number with a fraction or an exponent too large to be exact.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        exact = value.is_integer() and abs(value) <= EXACT_FLOAT
        return int(value) if exact else None
    if isinstance(value, str) and re.fullmatch(r"[+-]?[0-9]{1,30}", value.strip()):
        return int(value)
    return None


def record_id(raw):
    """The id in a path or query value, or None.

    Only ASCII digits: `str.isdigit` also takes "²" and "٣", which `int`
    then refuses or reads as another number.
    """
    if not re.fullmatch(r"[0-9]{1,19}", raw) or not 1 <= int(raw) <= INT64_MAX:
        return None
    return int(raw)


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

    def json_sql(self, sql):
        return f"ifnull({sql.column(self.source)}, 'null')"

    def parse(self, raw):
        if not re.fullmatch(r"[+-]?[0-9]{1,19}", raw) or not (
            INT64_MIN <= int(raw) <= INT64_MAX
        ):
            raise BadValue(f"must be {self.accepts}.")
        return int(raw)

    def bounds(self, raw, end):
        lookup = "gte" if end == "from" else "lte"
        return Q(**{f"{self.source}__{lookup}": self.parse(raw)})

    @property
    def column_range(self):
        column = getattr(self.model_field, "target_field", self.model_field)
        return COLUMN_RANGES[column.get_internal_type()]

    @property
    def accepts_json(self):
        low, high = self.column_range
        return f"a whole number from {low} to {high}"

    def read_value(self, value):
        number = whole_number(value)
        low, high = self.column_range
        if number is None or not low <= number <= high:
            raise BadValue(f"must be {self.accepts_json}.")
        return number


class Reference(Integer):
    """The id of a related record: `CourseId`, filtered as `…_Course`.

    `target` names the resource of the related record; a written id must be
    one of those records that the caller may see.
    """

    ranged = False
    accepts = "the whole-number id of a record"

    def __init__(self, name, source, target=None, **options):
        super().__init__(name, source + "_id", **options)
        self.key = self.key + "Id"
        self.target = target or name.rsplit(".", 1)[-1]

    @property
    def accepts_json(self):
        return self.accepts

    def read_value(self, value):
        number = whole_number(value)
        if number is None or not 1 <= number <= INT64_MAX:
            raise BadValue(f"must be {self.accepts}.")
        return number

    def ids(self, value):
        return () if value is None else (value,)


class IdList(Field):
    """The ids of many related records, such as a customer's `Teams`.

    Written as a JSON list that replaces the whole set, and listed only by
    the single-record calls.
    """

    filterable = False
    sortable = False
    single_only = True
    accepts = f"a list of at most {MAX_IDS} whole-number ids"

    def __init__(self, name, source, target, **options):
        super().__init__(name, source, **options)
        self.target = target

    @property
    def columns(self):
        return ()

    def bind(self, model):
        super().bind(model)
        related = model._meta.get_field(self.source)
        if related.auto_created:
            # The reverse side of a many-to-many, such as a customer's teams.
            field = related.field
            self.through = related.through
            self.near, self.far = field.m2m_reverse_name(), field.m2m_field_name()
        else:
            self.through = related.remote_field.through
            self.near, self.far = related.m2m_field_name(), related.m2m_reverse_name()

    def null(self):
        return []

    def default(self):
        return []

    def read_value(self, value):
        if not isinstance(value, list) or len(value) > MAX_IDS:
            raise BadValue(f"must be {self.accepts}.")
        numbers = [whole_number(item) for item in value]
        if any(n is None or not 1 <= n <= INT64_MAX for n in numbers):
            raise BadValue(f"must be {self.accepts}.")
        return sorted(set(numbers))

    def ids(self, value):
        return value

    def load(self, rows):
        """Attach the related ids of every row in one query."""
        own, other = self.near, self.far
        ids = {}
        pairs = self.through.objects.filter(**{own + "__in": [r["id"] for r in rows]})
        for record_id, related_id in pairs.values_list(own, other):
            ids.setdefault(record_id, []).append(related_id)
        for row in rows:
            row[self.key] = sorted(ids.get(row["id"], []))

    def render(self, row):
        return row[self.key]


def contains(column, term):
    """Match a case-folded substring of a text column (see roster.core.text).

    No stored text holds NUL, which PostgreSQL cannot store and refuses in a
    query, so a term with one matches nothing without asking the database.
    """
    if "\x00" in term:
        return Q(pk__in=())
    return Q(**{search_column(column) + "__folded_contains": fold(term)})


class Text(Field):
    """Free text, matched as a case-folded substring."""

    accepts = "text"

    def condition(self, raw):
        return contains(self.source, raw)

    def null(self):
        # An optional text column that cannot hold null holds "" instead.
        return None if self.model_field.null else ""

    @property
    def accepts_json(self):
        limit = self.model_field.max_length
        return f"text of at most {limit} characters" if limit else "text"

    def read_value(self, value):
        if not isinstance(value, str):
            raise BadValue(f"must be {self.accepts_json}.")
        limit = self.model_field.max_length
        if limit and len(value) > limit:
            raise BadValue(f"must be {self.accepts_json}.")
        if "\x00" in value:
            raise BadValue("must not contain the NUL character.")
        if self.required and not value.strip():
            raise BadValue("is required.")
        return value


class Email(Text):
    """An email address, matched as text.

    The domain's service checks the address when it is written; the kind
    lets the OpenAPI document say that only an address is accepted.
    """


class Boolean(Field):
    accepts = "true, false, 1 or 0"
    accepts_json = "true or false"
    VALUES = {"true": True, "1": True, "false": False, "0": False}

    def json_sql(self, sql):
        column = sql.column(self.source)
        return f"CASE {column} WHEN 1 THEN 'true' WHEN 0 THEN 'false' ELSE 'null' END"

    def parse(self, raw):
        try:
            return self.VALUES[raw.strip().lower()]
        except KeyError:
            raise BadValue(f"must be {self.accepts}.") from None

    def read_value(self, value):
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        raise BadValue(f"must be {self.accepts_json}.")


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

    def json_sql(self, sql):
        from roster.api.kept_records import json_literal

        cases = " ".join(
            f"WHEN {value} THEN {json_literal(label)}"
            for value, label in self.labels.items()
        )
        return f"CASE {sql.column(self.source)} {cases} ELSE 'null' END"

    def parse(self, raw):
        try:
            return self.by_text[raw.strip().lower()]
        except KeyError:
            raise BadValue(f"must be one of {self.accepts}.") from None

    @property
    def accepts_json(self):
        return f"one of {self.accepts}"

    def read_value(self, value):
        number = whole_number(value)
        if number in self.labels:
            return number
        if isinstance(value, str) and value.strip().lower() in self.by_text:
            return self.by_text[value.strip().lower()]
        raise BadValue(f"must be {self.accepts_json}.")


class Uuid(Field):
    """A GUID, written out by the JSON encoder in its usual hyphenated form."""

    accepts = "a GUID"

    def json_sql(self, sql):
        """SQLite keeps a GUID as 32 hexadecimal digits, in lower case."""
        from roster.api.kept_records import when_not_null

        hex_ = sql.column(self.source)
        parts = ", ".join(
            f"substr({hex_}, {start}, {length})"
            for start, length in ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))
        )
        return when_not_null(hex_, f"""printf('"%s-%s-%s-%s-%s"', {parts})""")

    def parse(self, raw):
        try:
            return uuid.UUID(raw.strip())
        except ValueError:
            raise BadValue(f"must be {self.accepts}.") from None


_MOMENT = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})"
    r"(?:[T ](?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})"
    r"(?::(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]{1,6}))?)?"
    # A "+" left unescaped in a query string arrives as a space.
    r"(?P<zone>[Zz]|[+\- ][0-9]{2}:?[0-9]{2})?)?"
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
    """A moment, filtered within the day, minute or second given.

    The database gives moments in UTC (TIME_ZONE is UTC) and the JSON
    encoder writes them to the second, as `2025-03-10T10:30:15Z`: a page
    of thousands of records spends no Python on its dates.
    """

    ranged = True
    accepts = (
        "a date (YYYY-MM-DD) or a time (YYYY-MM-DDTHH:mm, UTC unless an offset follows)"
    )

    def json_sql(self, sql):
        """Django keeps a moment on SQLite as `2025-03-10 10:30:15.000120`,
        in UTC; the record shows it to the second, cut like orjson's."""
        from roster.api.kept_records import when_not_null

        moment = sql.column(self.source)
        text = f"""'"' || substr({moment}, 1, 10) || 'T' || substr({moment}, 12, 8)"""
        return when_not_null(moment, text + """ || 'Z"'""")

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

    def json_sql(self, sql):
        from roster.api.kept_records import json_literal

        return json_literal(self.value)


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

    def json_sql(self, sql):
        from roster.api.kept_records import literal

        texts = self.template.split("{}")
        parts = [literal(texts[0])]
        for source, text in zip(self.sources, texts[1:], strict=True):
            parts += [f"ifnull({sql.column(source)}, '')", literal(text)]
        return f"json_quote({' || '.join(parts)})"


class TeamNames(Field):
    """The names of a customer's teams, sorted and joined with ", ".

    The filter takes a comma-separated list and keeps records whose customer
    belongs to a team whose name contains any item. It is an EXISTS test, so
    a customer in several matching teams is still one record. The names of a
    page are read by one extra query, see `load`.
    """

    sortable = False

    def __init__(self, name, coworker_source="", **options):
        # An empty path names the record itself: a customer's own teams.
        source = coworker_source + "_id" if coworker_source else "id"
        super().__init__(name, source, **options)

    def condition(self, raw):
        from roster.customers.models import Team

        items = [item.strip() for item in raw.split(",") if item.strip()]
        if not items:
            return Q()
        if len(items) > MAX_TEAM_NAMES:
            raise BadValue(f"must list at most {MAX_TEAM_NAMES} team names.")
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

    def json_sql(self, sql):
        """The names in SQLite's binary order, which is the code point order
        of Python's sort; a window's frame is read in its order."""
        from roster.customers.models import Team

        link = Team.members.through._meta
        links, teams = link.db_table, Team._meta.db_table
        coworker = link.get_field("coworker").column
        team = link.get_field("team").column
        name = Team._meta.get_field("name").column
        names = (
            f'SELECT group_concat(t."{name}", \', \') OVER (ORDER BY t."{name}" '
            "ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS names "
            f'FROM "{links}" l JOIN "{teams}" t ON t."id" = l."{team}" '
            f'WHERE l."{coworker}" = {sql.column(self.source)}'
        )
        reach = functools.partial(sql.reach, self.source)
        sql.depend_on(links, "INSERT", reach(f'NEW."{coworker}"'))
        sql.depend_on(links, "DELETE", reach(f'OLD."{coworker}"'))
        sql.depend_on(links, "UPDATE", reach(f'OLD."{coworker}", NEW."{coworker}"'))
        members = f'SELECT "{coworker}" FROM "{links}" WHERE "{team}" = NEW."id"'
        sql.depend_on(teams, f'UPDATE OF "{name}"', reach(members))
        return f"ifnull((SELECT json_quote(names) FROM ({names}) LIMIT 1), 'null')"

    def render(self, row):
        return row[self.key]
