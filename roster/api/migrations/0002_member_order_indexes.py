"""Indexes that serve the CourseMember search's commonest orders.

Newest or oldest first, for everyone and per business, ending with the id
that breaks ties. The search asks for these orders without NULLS FIRST or
LAST, since the column is never null, so an index scan in either direction
gives the page's ids. They are created here rather than declared on the
model so that the app owning the table keeps its own migration history.
"""

from django.db import migrations

INDEXES = {
    "api_member_created_idx": "(created_on, id)",
    "api_member_business_created_idx": "(business_id, created_on, id)",
}


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_record_counts"),
        ("courses", "0002_search_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {name} ON courses_coursemember {columns}",
            f"DROP INDEX IF EXISTS {name}",
        )
        for name, columns in INDEXES.items()
    ]
