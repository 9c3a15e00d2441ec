from django.db import migrations

from roster.core.operations import SearchIndexes


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]

    operations = [
        SearchIndexes("coworker"),
        SearchIndexes("team"),
    ]
