"""The inbox's search on PostgreSQL: a trigram index on UPPER(search_text), which serves
Django's `icontains` (`UPPER(search_text) LIKE UPPER('%…%')`) without a scan. SQLite has
no such index; there the search scans the agency's cases. Database schema only: the
model state does not change."""

from typing import Any

from django.db import migrations

INDEX = "applications_application_search_trgm"


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON applications_application "
        "USING gin (UPPER(search_text) gin_trgm_ops)"
    )


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("backoffice", "0001_initial"),
        ("applications", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
