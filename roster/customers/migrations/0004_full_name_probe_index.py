"""An index that answers "does this customer's name hold the term?" alone.

A name search that pages in Id order walks the enrolments and looks up
each one's customer. With the folded full name beside the id in one
index, PostgreSQL reads the index only, not the customer's row: the
search's page query took a quarter less time at a million enrolments.
The full name is the field customers are looked for by; searches of the
other text fields read the rows.
"""

from django.db import migrations

from roster.core.operations import on_postgresql

INDEX = "customers_coworker_id_full_name_idx"


class Migration(migrations.Migration):
    dependencies = [("customers", "0003_more_search_columns_and_unique_email")]

    operations = [
        on_postgresql(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON customers_coworker (id) "
            "INCLUDE (full_name_search)",
            f"DROP INDEX IF EXISTS {INDEX}",
        )
    ]
