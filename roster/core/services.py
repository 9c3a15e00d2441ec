"""Writes that every kind of record shares: save, delete, and their history.

The domain apps' service functions call these inside their own
transactions, so that a change and its history are committed together.
"""

import logging

from django.db import transaction
from django.utils import timezone

from roster.core.models import Change

logger = logging.getLogger(__name__)


def plain(value):
    """A value as the history stores it: JSON types only."""
    if value is None or isinstance(value, bool | int | float | str | list):
        return value
    return str(value)


def _split(record, values):
    """Separate column values from many-to-many lists."""
    columns, lists = {}, {}
    for name, value in values.items():
        field = record._meta.get_field(name)
        (lists if field.many_to_many else columns)[name] = value
    return columns, lists


def _current(record, names):
    values = {}
    for name in names:
        field = record._meta.get_field(name)
        if field.many_to_many:
            values[name] = [] if record.pk is None else _ids(record, name)
        else:
            values[name] = getattr(record, field.attname)
    return values


def _ids(record, name):
    return sorted(getattr(record, name).values_list("pk", flat=True))


def record_change(record, action, actor, changes=None):
    """Add one entry to the history of a record."""
    Change.objects.create(
        actor=actor,
        action=action,
        entity=type(record).__name__,
        record_id=record.pk,
        summary=str(record)[:300],
        changes=changes or {},
    )


@transaction.atomic
def save_record(record, values, actor):
    """Write `values` (attribute names to values) to a new or existing record.

    Many-to-many values are lists of ids that replace the whole set. The
    record's UpdatedBy and UpdatedOn are set, and the change is recorded.
    """
    creating = record.pk is None
    before = _current(record, values)
    columns, lists = _split(record, values)
    for name, value in columns.items():
        setattr(record, record._meta.get_field(name).attname, value)
    record.updated_by = actor
    record.updated_on = timezone.now()
    if creating:
        record.created_on = record.updated_on
    record.save()
    for name, ids in lists.items():
        getattr(record, name).set(ids)

    changes = {
        name: [plain(before[name]), plain(value)]
        for name, value in values.items()
        if creating or before[name] != value
    }
    action = Change.Action.CREATE if creating else Change.Action.UPDATE
    record_change(record, action, actor, changes)
    logger.info("%s %s %sd by %s", type(record).__name__, record.pk, action, actor)
    return record


@transaction.atomic
def delete_record(record, actor):
    """Delete a record (with what cascades from it) and record the deletion."""
    record_change(record, Change.Action.DELETE, actor)
    record_id = record.pk
    record.delete()
    logger.info("%s %s deleted by %s", type(record).__name__, record_id, actor)
