"""A first-time registration in progress, kept in the (not yet signed-in) session.

It holds what the Civil Registry said about the card's holder and what the person has
done so far (terms accepted, e-mail and mobile confirmed). Nothing is written to the
database until the last step; abandoning the registration leaves only the session, which
expires as every session does (and the registration itself after `LIFETIME_SECONDS`).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, fields
from typing import Any, Final

from django.http import HttpRequest

SESSION_KEY: Final = "ow_idcard_registration"
LIFETIME_SECONDS: Final = 30 * 60


@dataclass
class PendingRegistration:
    personal_number: str
    # Names from the Civil Registry, in Latin letters and in Georgian.
    first_name: str
    last_name: str
    first_name_ka: str
    last_name_ka: str
    # SHA-256 of the authentication certificate the person signed in with (hex).
    certificate_sha256: str
    started_at: float
    next_path: str = ""
    terms_version: int | None = None  # the version of the terms the person accepted
    email: str = ""
    email_confirmed: bool = False
    mobile: str = ""
    mobile_confirmed: bool = False

    @classmethod
    def load(cls, request: HttpRequest) -> PendingRegistration | None:
        """The session's registration, or None if there is none or it is too old."""
        stored: Any = request.session.get(SESSION_KEY)
        if not isinstance(stored, dict):
            return None
        names = {field.name for field in fields(cls)}
        try:
            registration = cls(**{key: value for key, value in stored.items() if key in names})
        except TypeError:
            return None
        if time.time() - registration.started_at > LIFETIME_SECONDS:
            cls.clear(request)
            return None
        return registration

    def save(self, request: HttpRequest) -> None:
        request.session[SESSION_KEY] = asdict(self)

    @staticmethod
    def clear(request: HttpRequest) -> None:
        request.session.pop(SESSION_KEY, None)

    @property
    def full_name_ka(self) -> str:
        return f"{self.first_name_ka} {self.last_name_ka}".strip()

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
