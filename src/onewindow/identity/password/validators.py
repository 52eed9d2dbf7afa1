"""Password rules beyond Django's: not a password known from breaches and guessing lists.

Django's CommonPasswordValidator knows 20,000 common passwords, nearly all shorter than
our 12-character minimum; this list (`data/breached-passwords.txt.gz`) holds the long
ones people still pick: common words, Georgian names, places and words (Latin and
Georgian script) with years and digits, keyboard walks and repeats.
"""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

BREACHED_LIST = Path(__file__).resolve().parent / "data" / "breached-passwords.txt.gz"


@cache
def breached_passwords(path: Path = BREACHED_LIST) -> frozenset[str]:
    """The list, lower-cased (read once per process)."""
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return frozenset(
            line.strip() for line in lines if line.strip() and not line.startswith("#")
        )


class BreachedPasswordValidator:
    """Refuses a password on the breached list, ignoring case and surrounding spaces."""

    def __init__(self, path: str | None = None) -> None:
        self.path = Path(path) if path else BREACHED_LIST

    def validate(self, password: str, user: Any = None) -> None:
        if password.strip().lower() in breached_passwords(self.path):
            raise ValidationError(
                _(
                    "This password is on a list of passwords known from data breaches, so "
                    "others could guess it. Choose a different password."
                ),
                code="password_breached",
            )

    def get_help_text(self) -> str:
        return _("Your password cannot be one that is known from data breaches.")
