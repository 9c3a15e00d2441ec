"""A resource: one record type of the API, declared once.

A declaration names the record (`CourseMember`), its path, its model, the
path from the model to its business, and its own fields in the order of the
Nexudus record. The fields every record shares are added here, so the search,
the roles and the scoping are written once for all resources.
"""

import operator
from functools import cached_property

from roster.api import fields as f
from roster.api.counting import Counted

REGISTRY = {}


def common_fields(model):
    return (
        f.Integer("Id", "id"),
        f.DateTime("UpdatedOn", "updated_on"),
        f.DateTime("CreatedOn", "created_on"),
        f.Uuid("UniqueId", "unique_id"),
        f.Field("UpdatedBy", "updated_by", filterable=False),
        f.Constant("IsNew", False),
        f.Text("SystemId", "system_id"),
    )


class Resource:
    """The declaration of one record type; subclass it and `register` it."""

    name = None
    path = None
    model = None
    # The path from the model to the id of its business, for scoping.
    business = "business_id"
    # A relation to count records by, with `business` a column of the
    # model's own: counts are then kept by triggers (roster.api.counting).
    counted_by = None
    fields = ()
    label = None

    def __init__(self):
        self.all_fields = (
            *self.fields,
            *common_fields(self.model),
            self.label or f.Label("ToStringText", "{}", "id"),
            f.Constant("LocalizationDetails", None),
            f.Constant("CustomFields", None),
        )
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
        self.loaders = [field for field in self.all_fields if hasattr(field, "load")]
        # A record starts as a copy of one holding the constants, with every
        # key in the declared order; the plain columns are then copied in
        # one step and the other values rendered one by one.
        self.blank = {
            field.key: field.value if isinstance(field, f.Constant) else None
            for field in self.all_fields
        }
        computed = [x for x in self.all_fields if not isinstance(x, f.Constant)]
        self.plain_keys = [x.key for x in computed if x.plain]
        self.pick = _picker([x.source for x in computed if x.plain])
        self.rendered = [(x.key, x.render) for x in computed if not x.plain]

    @cached_property
    def counted(self):
        """How the database counts the records, or None (see counting)."""
        return Counted.of(self)

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

    def render(self, rows):
        """Turn selected rows into records, keys in the declared order."""
        for loader in self.loaders:
            loader.load(rows)
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
