"""Bookkeeping the search keeps in the database, written only by triggers.

Database triggers keep these tables, in the same transaction as the change
they record, whatever code path makes the change: the services, the admin
panel, a bulk load or plain SQL. See `roster.api.counting`.
"""

from django.db import models


class RecordCount(models.Model):
    """How many rows of a table belong to one group within one business.

    A counted resource (CourseMember, grouped by course) has one row per
    business and group it has ever had records in; the number of its
    records a caller may see is the sum over the caller's businesses. On
    PostgreSQL `changed_by` holds the id of the last transaction that
    inserted, changed or deleted a record of the group, so that counts of
    filtered searches kept per group know which groups to count again.
    """

    table_name = models.CharField(max_length=63)
    business_id = models.BigIntegerField()
    group_id = models.BigIntegerField()
    records = models.BigIntegerField(default=0)
    changed_by = models.BigIntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["table_name", "business_id", "group_id"],
                name="one_count_per_group",
            )
        ]

    def __str__(self):
        return f"{self.table_name} {self.business_id}/{self.group_id}"


class TableChange(models.Model):
    """The last transaction that changed a table the search reads.

    Kept on PostgreSQL for the tables a counted resource's filters join
    (a customer's name, a team's): a change there can change any group's
    filtered count.
    """

    table_name = models.CharField(max_length=63, primary_key=True)
    changed_by = models.BigIntegerField(null=True)

    def __str__(self):
        return self.table_name


class KeptCount(models.Model):
    """The count of one filtered search, kept per group, shared by all processes.

    `key` is a digest of the resource, the caller's businesses and the
    filters. `groups` maps each group's id to its number of matches
    and `total` is their sum, both exact as of the PostgreSQL
    snapshot in `snapshot`; see `roster.api.partial_counts`. `written_by`
    is the transaction that wrote the row: a row copied by a restore from
    another database's dump has another writer, and its snapshot means
    nothing there. On PostgreSQL the table is unlogged: it is a cache that
    a crash may empty.
    """

    key = models.CharField(max_length=64, primary_key=True)
    snapshot = models.TextField()
    total = models.BigIntegerField()
    groups = models.JSONField(default=dict)
    updated_on = models.DateTimeField(db_index=True)
    written_by = models.BigIntegerField()

    def __str__(self):
        return f"{self.key[:12]}… = {self.total}"
