from django.db import migrations

from roster.core.operations import SearchIndexes


class Migration(migrations.Migration):
    dependencies = [("businesses", "0001_initial")]

    operations = [
        SearchIndexes("business"),
    ]
