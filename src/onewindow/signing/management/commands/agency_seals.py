"""`manage.py agency_seals`: one seal per catalogue agency, in the server's seal token.

Writes the catalogue's agencies to `<pki>/agencies.json`, then runs
`python -m testpki agency-seals` (issue the seal certificates, idempotently) and
`python -m testpki hsm` (import them into the SoftHSM2 token beside SIGNING_HSM_CONF).
The demo's stand-in for an agency ordering its seal from a trust service provider.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from onewindow.catalog.selectors import catalog


def agencies_for_seals() -> list[dict[str, str]]:
    """The active agencies of the catalogue as `testpki agency-seals` reads them."""
    return [
        {"code": agency.code, "name": agency.name_en, "name_ka": agency.name_ka}
        for agency in catalog().agencies
        if getattr(agency, "is_active", True)
    ]


class Command(BaseCommand):
    help = "Issue a seal certificate for every catalogue agency and put it in the seal token."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--pki", type=Path, default=Path(settings.IDCARD_PKI_DIR), help="the test PKI"
        )
        parser.add_argument(
            "--into",
            type=Path,
            default=Path(settings.SIGNING_HSM_CONF).parent,
            help="the HSM folder (softhsm2.conf, tokens/, pin)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        pki: Path = options["pki"]
        agencies = agencies_for_seals()
        if not agencies:
            raise CommandError("The catalogue has no agencies: run `manage.py load_catalog`.")
        agencies_file = pki / "agencies.json"
        agencies_file.write_text(
            json.dumps(agencies, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        self._testpki("agency-seals", str(pki), "--agencies", str(agencies_file))
        self._testpki("hsm", str(pki), "--into", str(options["into"]))

    def _testpki(self, *arguments: str) -> None:
        source = Path(settings.BASE_DIR) / "src"
        path = os.pathsep.join(filter(None, [str(source), os.environ.get("PYTHONPATH")]))
        environment = {**os.environ, "PYTHONPATH": path}
        completed = subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "testpki", *arguments],
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode != 0:
            raise CommandError(f"testpki {arguments[0]}: {completed.stderr.strip()}")
        self.stdout.write(completed.stdout.strip())
