"""The database refuses to change or delete an application's history."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from onewindow.exchange.appendonly import (
    install_append_only_triggers,
    uninstall_append_only_triggers,
)

TABLES = ("applications_statuschange",)


def install(apps: Any, schema_editor: Any) -> None:
    install_append_only_triggers(schema_editor, TABLES)


def uninstall(apps: Any, schema_editor: Any) -> None:
    uninstall_append_only_triggers(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0001_initial"),
        ("exchange", "0002_append_only_triggers"),
    ]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
