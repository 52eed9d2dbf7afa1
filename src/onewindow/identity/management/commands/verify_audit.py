"""`manage.py verify_audit`: check the audit log's hash chain end to end."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from onewindow.identity.audit import verify_chain


class Command(BaseCommand):
    help = "Verify the security audit log's hash chain and report the first broken link."

    def handle(self, *args: Any, **options: Any) -> None:
        checked, broken = verify_chain()
        if broken is not None:
            raise CommandError(
                f"Audit chain broken at entry {broken.event_id}: {broken.reason} "
                f"({checked} entries before it verified)."
            )
        self.stdout.write(f"Audit chain intact: {checked} entries verified.")
