"""The database refuses to change or delete the identity room's logs: the audit chain,
login history and terms acceptances (the same triggers as the exchange's logs)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from onewindow.exchange.appendonly import (
    install_append_only_triggers,
    uninstall_append_only_triggers,
)

TABLES = ("identity_auditevent", "identity_signinattempt", "identity_termsacceptance")


def install(apps: Any, schema_editor: Any) -> None:
    install_append_only_triggers(schema_editor, TABLES)


def uninstall(apps: Any, schema_editor: Any) -> None:
    uninstall_append_only_triggers(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0002_roles_terms_sessions_audit"),
        ("exchange", "0002_append_only_triggers"),
    ]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
