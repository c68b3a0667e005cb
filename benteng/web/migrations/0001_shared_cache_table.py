"""The database cache's table (settings.CACHES without REDIS_URL): the API's rate limits and the
sign-in back-off count there, shared by every process. ``createcachetable`` does nothing for a
Redis cache and for a table that exists, so this is safe to run anywhere, any number of times."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):  # type: ignore[no-untyped-def]
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies: list[tuple[str, str]] = []

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
