"""Migrations carry a populated database forward without losing anything."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from roster.api import kept_records

# The state before the search columns of every text field were added.
BEFORE = [
    ("core", "0001_shared_cache_table"),
    ("businesses", "0002_search_indexes"),
    ("customers", "0002_search_indexes"),
    ("courses", "0002_search_indexes"),
    ("accounts", "0001_initial"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_records_of_an_older_schema_survive_and_become_searchable():
    # As `migrate` does before and after migrating (see kept_records).
    kept_records.uninstall()
    old = migrate(BEFORE)
    business = old.get_model("businesses", "Business").objects.create(
        name="Harbour", address="Quai Saint-Antoine", name_search="harbour"
    )
    course = old.get_model("courses", "Course").objects.create(
        business=business,
        title="Céramique",
        title_search="céramique",
        summary_text="Tour de POTIER",
    )
    old.get_model("customers", "Coworker").objects.create(
        invoicing_business=business,
        full_name="Zoë Quinn",
        full_name_search="zoë quinn",
        email="ZOE@example.com",
        email_search="zoe@example.com",
    )

    executor = MigrationExecutor(connection)
    new = migrate(executor.loader.graph.leaf_nodes())
    kept_records.install()

    Course = new.get_model("courses", "Course")
    Business = new.get_model("businesses", "Business")
    migrated = Course.objects.get(pk=course.pk)
    assert (migrated.title, migrated.summary_text, migrated.summary_text_search) == (
        "Céramique",
        "Tour de POTIER",
        "tour de potier",
    )
    assert Business.objects.get(pk=business.pk).address_search == "quai saint-antoine"
    Coworker = new.get_model("customers", "Coworker")
    assert Coworker.objects.get().email == "ZOE@example.com"
