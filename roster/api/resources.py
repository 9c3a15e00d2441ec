"""A resource: one record type of the API, declared once.

A declaration names the record (`CourseMember`), its path, its model, the
path from the model to its business, and its own fields in the order of the
Nexudus record. The fields every record shares are added here, so the search,
the roles and the scoping are written once for all resources.
"""

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
        self.getters = [(field.key, field.getter()) for field in self.all_fields]

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
        getters = self.getters
        return [{key: get(row) for key, get in getters} for row in rows]


def register(resource_class):
    resource = resource_class()
    REGISTRY[resource.name] = resource
    return resource_class
