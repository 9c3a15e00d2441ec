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

from dataclasses import dataclass

from roster.api import fields as f
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
        fields = self.all_fields if single else self.list_fields
        for loader in self.single_loaders if single else self.loaders:
            loader.load(rows)
        return [{field.key: field.render(row) for field in fields} for row in rows]

    # The writes, overridden by declarations that name service functions.

    # The service function that writes a new or existing record.
    save = staticmethod(services.save_record)

    def create(self, values, actor):
        return self.save(self.model(), values, actor)

    def update(self, record, values, actor):
        return self.save(record, values, actor)

    def delete(self, record, actor):
        services.delete_record(record, actor)


def register(resource_class):
    resource = resource_class()
    REGISTRY[resource.name] = resource
    return resource_class
