"""`manage.py drafts_expire`: delete expired drafts, remind of those that go soon."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from onewindow.applications.drafts import drafts_expire


class Command(BaseCommand):
    help = "Delete drafts past their date; remind once of drafts deleted in three days."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted, reminded = drafts_expire()
        self.stdout.write(f"deleted {deleted} drafts, sent {reminded} reminders")
