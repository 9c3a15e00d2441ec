"""The fields every Nexudus record carries."""

import uuid

from django.db import models
from django.utils import timezone

from roster.core.text import fold, search_column


class Record(models.Model):
    """A record of the Nexudus dialect.

    Besides its own fields each record has a creation and update time, a
    lowercase GUID, the email of whoever changed it last, and a free-text
    SystemId that only API clients write. Subclasses list in SEARCHABLE the
    text columns that contains-filters match; each needs a `<column>_search`
    companion, which save() keeps equal to the column's case fold.
    """

    SEARCHABLE = ("system_id",)

    created_on = models.DateTimeField(default=timezone.now, db_index=True)
    updated_on = models.DateTimeField(default=timezone.now, db_index=True)
    unique_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    updated_by = models.CharField(max_length=254, blank=True, default="")
    system_id = models.CharField(max_length=255, null=True, blank=True)
    system_id_search = models.CharField(max_length=255, default="", editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.refresh_search_columns()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = set(update_fields) | {
                search_column(c) for c in self.SEARCHABLE if c in update_fields
            }
        super().save(*args, **kwargs)

    def refresh_search_columns(self):
        """Recompute the case-folded companions of the searchable columns."""
        for column in self.SEARCHABLE:
            setattr(self, search_column(column), fold(getattr(self, column)))


class Change(models.Model):
    """One write to one record, by whom and when, from any face.

    The service functions record a Change for every create, update, delete
    and command, inside the transaction that makes the change, so the
    history holds exactly what happened. `changes` maps each property that
    changed to its old and new values.
    """

    class Action(models.TextChoices):
        CREATE = "create"
        UPDATE = "update"
        DELETE = "delete"

    moment = models.DateTimeField(default=timezone.now)
    actor = models.CharField(max_length=254)
    action = models.CharField(max_length=10, choices=Action.choices)
    entity = models.CharField(max_length=50)
    record_id = models.BigIntegerField()
    summary = models.CharField(max_length=300, blank=True, default="")
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["entity", "record_id", "moment"])]

    def __str__(self):
        return f"{self.actor} {self.action} {self.entity} {self.record_id}"


class RequestCount(models.Model):
    """How many requests one client made in the current throttle window.

    One row per client, counted with one atomic upsert per request, so
    every server process shares the same counts; a new window restarts the
    count in the same statement.
    """

    key = models.CharField(max_length=200, unique=True)
    window = models.BigIntegerField()
    count = models.IntegerField(default=0)

    def __str__(self):
        return f"{self.key} in window {self.window}: {self.count}"
