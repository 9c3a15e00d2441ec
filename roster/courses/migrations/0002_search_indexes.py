from django.db import migrations

from roster.core.operations import SearchIndexes


class Migration(migrations.Migration):
    dependencies = [("courses", "0001_initial")]

    operations = [
        SearchIndexes("course"),
        SearchIndexes("coursesection"),
        SearchIndexes("courselesson"),
        SearchIndexes("coursemember"),
        SearchIndexes("coursecompletedlesson"),
    ]
