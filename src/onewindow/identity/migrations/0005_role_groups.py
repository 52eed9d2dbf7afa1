"""The roles besides citizen are Django groups of the same names (identity/roles.py)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

ROLE_GROUPS = ("operator", "agency-staff", "administrator")


def create_groups(apps: Any, schema_editor: Any) -> None:
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


def keep_groups(apps: Any, schema_editor: Any) -> None:
    # Members may have been added since: the groups stay.
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0004_terms_v1"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, keep_groups, elidable=False)]
