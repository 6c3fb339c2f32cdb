"""Create the database cache tables, so `migrate` alone prepares a database."""

from django.db import migrations


def create_tables(apps, schema_editor):
    from radrounds.cachetables import create_cache_tables

    create_cache_tables(using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_tables, migrations.RunPython.noop)]
