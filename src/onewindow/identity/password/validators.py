"""Password rules beyond Django's: not a known breached password (filled in by the
password sign-in work; see docs/identity.md)."""

from __future__ import annotations

from typing import Any


class BreachedPasswordValidator:
    def validate(self, password: str, user: Any = None) -> None:
        return None

    def get_help_text(self) -> str:
        return ""
