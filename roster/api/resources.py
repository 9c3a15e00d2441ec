"""A resource: one record type of the API, declared once.

A declaration names the record (`CourseMember`), its path, its model, the
path from the model to its business, and its own fields in the order of the
Nexudus record. The fields every record shares are added here, so the
search, the writes, the roles and the scoping are written once for all
resources.

Writes go through the domain's service functions, which a declaration
names: `save(record, values, actor)` for creates and updates, or
`create(values, actor)` and `update(record, values, actor)` where they
differ, and `delete(record, actor)`; `values` maps model attributes to
values already read and checked against the declaration. Without them the
plain writes of `roster.core.services` apply.
"""

import operator
from dataclasses import dataclass
from functools import cached_property

from roster.api import fields as f
from roster.api.counting import Counted
from roster.api.kept_records import KeptTable
from roster.core import services

REGISTRY = {}


def common_fields():
    return (
        f.Integer("Id", "id", read_only=True),
        f.DateTime("UpdatedOn", "updated_on"),
        f.DateTime("CreatedOn", "created_on"),
        f.Uuid("UniqueId", "unique_id"),
        f.Field("UpdatedBy", "updated_by", filterable=False),
        f.Constant("IsNew", False),
        f.Text("SystemId", "system_id"),
    )


@dataclass(frozen=True)
class Command:
    """A command of `runcommand`: `run(records, actor)` in one transaction."""

    key: str
    name: str
    run: object


class Resource:
    """The declaration of one record type; subclass it and `register` it."""

    name = None
    path = None
    model = None
    # The path from the model to the id of its business, for scoping.
    business = "business_id"
    # The reference whose record decides the business of a new record;
    # every other reference written must be of that same business.
    owner = None
    # A relation to count records by, with `business` a column of the
    # model's own: counts are then kept by triggers (roster.api.counting).
    counted_by = None
    # Keep every record as the search writes it, on SQLite, so that large
    # pages read one text per record (see roster.api.kept_records).
    kept_records = False
    fields = ()
    label = None
    can_create = True
    can_delete = True
    commands = ()

    def __init__(self):
        self.all_fields = (
            *self.fields,
            *common_fields(),
            self.label or f.Label("ToStringText", "{}", "id"),
            f.Constant("LocalizationDetails", None),
            f.Constant("CustomFields", None),
        )
        for field in self.all_fields:
            field.bind(self.model)
        self.list_fields = tuple(f for f in self.all_fields if not f.single_only)
        self.writable = tuple(f for f in self.all_fields if f.writable)
        self.references = tuple(f for f in self.writable if hasattr(f, "target"))
        self.command_map = {command.key: command for command in self.commands}
        self._index_filters()

    def _index_filters(self):
        prefix = self.name.lower() + "_"
        self.filters = {
            prefix + field.filter_suffix.lower(): field
            for field in self.all_fields
            if field.filterable
        }
        self.ranges = {
            name: field for name, field in self.filters.items() if field.ranged
        }
        self.orderings = {
            field.key.lower(): field for field in self.all_fields if field.sortable
        }
        self.columns = tuple(
            dict.fromkeys(c for field in self.all_fields for c in field.columns)
        )
        self.loaders = [f for f in self.list_fields if hasattr(f, "load")]
        self.single_loaders = [f for f in self.all_fields if hasattr(f, "load")]
        self.listed = Layout(self.list_fields)
        self.single = Layout(self.all_fields)

    @cached_property
    def counted(self):
        """How the database counts the records, or None (see counting)."""
        return Counted.of(self)

    @cached_property
    def kept_table(self):
        """The table of the kept records, or None."""
        return KeptTable(self) if self.kept_records else None

    def nullable(self, field):
        return field.nullable(self.model)

    def role(self, action):
        return f"{self.name}-{action}"

    def queryset(self, principal):
        """Every record the principal may see."""
        records = self.model.objects.all()
        if principal.businesses is None:
            return records
        return records.filter(**{self.business + "__in": principal.businesses})

    def render(self, rows, *, single=False):
        """Turn selected rows into records, keys in the declared order.

        Lists such as a customer's `Teams` are part of single records only.
        """
        for loader in self.single_loaders if single else self.loaders:
            loader.load(rows)
        return (self.single if single else self.listed).render(rows)

    # The writes, overridden by declarations that name service functions.

    # The service function that writes a new or existing record.
    save = staticmethod(services.save_record)

    def create(self, values, actor):
        return self.save(self.model(), values, actor)

    def update(self, record, values, actor):
        return self.save(record, values, actor)

    def delete(self, record, actor):
        services.delete_record(record, actor)


class Layout:
    """How rows become records for one set of fields, with little Python.

    A record starts as a copy of one holding the constants, with every key
    in the declared order; the plain columns are then copied in one step
    and the other values rendered one by one.
    """

    def __init__(self, fields):
        self.blank = {
            field.key: field.value if isinstance(field, f.Constant) else None
            for field in fields
        }
        computed = [x for x in fields if not isinstance(x, f.Constant)]
        self.plain_keys = [x.key for x in computed if x.plain]
        self.pick = _picker([x.source for x in computed if x.plain])
        self.rendered = [(x.key, x.render) for x in computed if not x.plain]

    def render(self, rows):
        blank, keys, pick = self.blank, self.plain_keys, self.pick
        records = []
        for row in rows:
            record = blank.copy()
            record.update(zip(keys, pick(row), strict=True))
            for key, render in self.rendered:
                record[key] = render(row)
            records.append(record)
        return records


def _picker(sources):
    """A function that gives the values of the sources as a tuple, in C."""
    if len(sources) == 1:
        return lambda row: (row[sources[0]],)
    return operator.itemgetter(*sources) if sources else lambda row: ()


def register(resource_class):
    resource = resource_class()
    REGISTRY[resource.name] = resource
    return resource_class
