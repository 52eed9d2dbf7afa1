"""The inbox's search on PostgreSQL, per agency and status: a GIN index on (agency_id,
status, UPPER(search_text) gin_trgm_ops) — the first two through `btree_gin` — in place
of 0002's trigram index on the search text alone.

Why: 0002's index finds the matching cases of every agency and every status, and only
then are the agency's open ones kept, so a search cost more the more cases the whole
portal had (bench/README.md: a name at 1,000,000 cases read 500 rows to keep 5, a common
first name 125,000 to keep 1,250). With the agency and the status in the same index, the
index itself keeps only the agency's cases in the statuses asked for: the work follows
the agency's matching cases, not the portal's. The agency must be compared as a bigint
(`backoffice.selectors._of_agency`): btree_gin's int8 operator class has no
cross-type `=`, so `agency_id = 1` (an integer literal) would not use the index.

SQLite has no such index; there the search scans the agency's cases. Database schema
only: the model state does not change.
"""

from typing import Any

from django.db import migrations

OLD = "applications_application_search_trgm"
NEW = "applications_application_agency_status_search_trgm"


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {NEW} ON applications_application "
        "USING gin (agency_id, status, UPPER(search_text) gin_trgm_ops)"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD}")


def drop(apps: Any, schema_editor: Any) -> None:
    """Back to 0002's index (the extension stays: other database objects may use it)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {OLD} ON applications_application "
        "USING gin (UPPER(search_text) gin_trgm_ops)"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {NEW}")


class Migration(migrations.Migration):
    dependencies = [
        ("backoffice", "0002_inbox_search_index"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
