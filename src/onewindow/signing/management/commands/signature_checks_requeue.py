"""`manage.py signature_checks_requeue`: queue again the signature checks still pending
long after their upload (their worker died mid-check); see docs/signing.md, "Validation".
The schedule does the same daily (`signing.tasks.requeue_signature_checks`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from onewindow.signing.services import REQUEUE_AFTER, signatures_check_requeue


class Command(BaseCommand):
    help = "Queue again the signature checks of files uploaded long ago and still pending."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            default=int(REQUEUE_AFTER.total_seconds() // 60),
            metavar="MINUTES",
            help="only checks of files uploaded more than this many minutes ago "
            "(default %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = signatures_check_requeue(older_than=timedelta(minutes=options["older_than"]))
        self.stdout.write(f"queued {count} signature check(s) again")
