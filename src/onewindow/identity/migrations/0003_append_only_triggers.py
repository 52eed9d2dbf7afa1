"""The database refuses to change or delete the identity room's logs: the audit chain,
login history and terms acceptances (the same triggers as the exchange's logs)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

TABLES = ("identity_auditevent", "identity_signinattempt", "identity_termsacceptance")


def install(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            # exchange_refuse_change() comes from exchange's 0002 migration.
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION exchange_refuse_change();"
            )
        elif vendor == "sqlite":
            for operation in ("UPDATE", "DELETE"):
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} "
                    f"ON {table} BEGIN SELECT RAISE(ABORT, '{table} is append-only: "
                    f"{operation} refused'); END;"
                )


def uninstall(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
        elif vendor == "sqlite":
            for operation in ("update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{operation};")


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0002_roles_terms_sessions_audit"),
        ("exchange", "0002_append_only_triggers"),
    ]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
