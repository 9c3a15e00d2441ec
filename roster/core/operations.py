"""Migration operations that only PostgreSQL needs."""

from django.db import migrations

from roster.core.text import SEARCH_SUFFIX, fold


class SearchIndexes(migrations.operations.base.Operation):
    """Trigram indexes on a model's case-folded search columns.

    They serve `LIKE '%term%'` on PostgreSQL; SQLite has no such index and
    scans instead, so there the operation does nothing.
    """

    reduces_to_sql = False
    reversible = True

    def __init__(self, model_name):
        self.model_name = model_name

    def state_forwards(self, app_label, state):
        pass

    def _columns(self, app_label, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        table = model._meta.db_table
        for field in model._meta.fields:
            if field.column.endswith(SEARCH_SUFFIX):
                yield table, field.column, f"{table}_{field.column}_trgm"[:63]

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for table, column, name in self._columns(app_label, to_state):
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
                f'USING gin ("{column}" gin_trgm_ops)'
            )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        for _table, _column, name in self._columns(app_label, from_state):
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    def describe(self):
        return f"Trigram indexes on the search columns of {self.model_name}"

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.model_name], {})


def fill_search_columns(*model_names, app_label):
    """A RunPython step that fills new search columns of existing records.

    Historical models have no `refresh_search_columns`, so the fold is
    written here from the column names.
    """

    def forwards(apps, schema_editor):
        for model_name in model_names:
            model = apps.get_model(app_label, model_name)
            columns = [
                field.name[: -len(SEARCH_SUFFIX)]
                for field in model._meta.fields
                if field.name.endswith(SEARCH_SUFFIX)
            ]
            records = model.objects.using(schema_editor.connection.alias)
            for record in records.iterator(chunk_size=2000):
                for column in columns:
                    setattr(
                        record, column + SEARCH_SUFFIX, fold(getattr(record, column))
                    )
                record.save(update_fields=[c + SEARCH_SUFFIX for c in columns])

    return migrations.RunPython(forwards, migrations.RunPython.noop)


def on_postgresql(sql, reverse_sql):
    """Run `sql` when migrating PostgreSQL, and `reverse_sql` when reversing."""

    def run(statement):
        def apply(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.execute(statement)

        return apply

    return migrations.RunPython(run(sql), run(reverse_sql))


def unlogged(table):
    """Make a PostgreSQL table unlogged.

    A table that only holds what can be rebuilt (throttle counters, kept
    counts) need not pay for the write-ahead log: its writes then commit
    without waiting for a flush to disk. PostgreSQL empties an unlogged
    table after a crash and does not copy it to replicas, which such a
    table can afford. Other databases keep the table as it is.
    """
    return on_postgresql(
        f'ALTER TABLE "{table}" SET UNLOGGED', f'ALTER TABLE "{table}" SET LOGGED'
    )
