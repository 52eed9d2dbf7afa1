"""`manage.py load_catalog`: load the YAML catalogue (idempotent, all or nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from onewindow.catalog.loader import CatalogFileError, read_catalog
from onewindow.catalog.services import catalog_load


class Command(BaseCommand):
    help = "Load the service catalogue from its YAML files; a file with an error changes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--directory", type=Path, default=None, help="Catalogue folder.")
        parser.add_argument(
            "--generate",
            type=int,
            default=0,
            metavar="N",
            help="Also keep N generated services, for scale tests.",
        )
        parser.add_argument("--check", action="store_true", help="Only check the files.")

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"] or settings.CATALOG_DIR
        if options["generate"] < 0:
            raise CommandError("--generate takes a number of services, 0 or more.")
        try:
            data = read_catalog(directory)
        except CatalogFileError as error:
            raise CommandError(
                f"The catalogue was not loaded: {len(error.problems)} problem(s) found.\n"
                + "\n".join(f"  {problem}" for problem in error.problems)
            ) from error
        if options["check"]:
            self.stdout.write(
                f"The catalogue files are correct: {len(data.categories)} categories, "
                f"{len(data.agencies)} agencies, {len(data.services)} services."
            )
            return
        report = catalog_load(data=data, generate=options["generate"])
        self.stdout.write(str(report))
