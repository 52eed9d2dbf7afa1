"""`manage.py exchange_keys`: the test PKI for the portal and the nine agencies (idempotent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from onewindow.exchange.credentials import credentials_forget
from owexchange import AGENCIES
from owexchange.pki import ensure_test_pki


class Command(BaseCommand):
    help = (
        "Create the exchange's test keys and certificates in EXCHANGE_PKI_DIR: a CA, the "
        "portal and the nine sandbox agencies. Existing files are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--directory", type=Path, default=None, help="PKI folder.")

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"] or Path(settings.EXCHANGE_PKI_DIR)
        parties = [settings.EXCHANGE_CLIENT_ID, *AGENCIES]
        try:
            ensure_test_pki(directory, parties)
        except (OSError, ValueError) as error:
            raise CommandError(f"The test PKI was not created: {error}") from error
        credentials_forget()
        self.stdout.write(f"Test PKI ready in {directory}: CA, {', '.join(parties)}.")
