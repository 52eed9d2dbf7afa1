"""The messages the sandbox received, in memory: SMS from the gateway's API, mail over SMTP.

The SMTP server runs in its own thread, the HTTP API in uvicorn's loop: a lock keeps them
from seeing a half-added message.
"""

from __future__ import annotations

import itertools
import threading
from collections import deque
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, Final

KEPT: Final = 1000  # messages of each kind; the oldest go first


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Sms:
    id: str
    to: str
    sender: str
    text: str
    received_at: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Mail:
    id: str
    sender: str  # the envelope's MAIL FROM
    to: tuple[str, ...]  # the envelope's recipients (RCPT TO)
    subject: str
    text: str  # the plain-text body
    received_at: str

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "from": self.sender,
            "to": list(self.to),
            "subject": self.subject,
            "text": self.text,
            "received_at": self.received_at,
        }


class Messaging:
    """What the gateway and the mailbox hold."""

    def __init__(self, kept: int = KEPT) -> None:
        self._lock = threading.Lock()
        self._sms: deque[Sms] = deque(maxlen=kept)
        self._mail: deque[Mail] = deque(maxlen=kept)
        self._ids = itertools.count(1)

    def _next_id(self, prefix: str) -> str:
        return f"{prefix}-{next(self._ids):06d}"

    def add_sms(self, *, to: str, sender: str, text: str) -> Sms:
        with self._lock:
            message = Sms(self._next_id("sms"), to, sender, text, _now())
            self._sms.append(message)
        return message

    def add_mail(self, *, sender: str, to: list[str], subject: str, text: str) -> Mail:
        with self._lock:
            message = Mail(self._next_id("mail"), sender, tuple(to), subject, text, _now())
            self._mail.append(message)
        return message

    def sms(self, to: str | None = None) -> list[Sms]:
        """Newest first; only those to `to` when given."""
        with self._lock:
            messages = list(self._sms)
        return [m for m in reversed(messages) if to is None or m.to == to]

    def mail(self, to: str | None = None) -> list[Mail]:
        """Newest first; only those with `to` among the recipients (any case) when given."""
        with self._lock:
            messages = list(self._mail)
        wanted = to.strip().lower() if to else None
        return [
            m
            for m in reversed(messages)
            if wanted is None or wanted in (address.lower() for address in m.to)
        ]
