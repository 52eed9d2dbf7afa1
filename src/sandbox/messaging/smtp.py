"""The mailbox's SMTP server (aiosmtpd, in its own thread, loopback only)."""

from __future__ import annotations

from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any, Final

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from .store import Messaging

HOST: Final = "127.0.0.1"


class MailboxHandler:
    """Keeps every message it is given (aiosmtpd's DATA hook)."""

    def __init__(self, messaging: Messaging) -> None:
        self.messaging = messaging

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        message: Any = message_from_bytes(content, policy=default)
        self.messaging.add_mail(
            sender=str(envelope.mail_from or ""),
            to=[str(address) for address in envelope.rcpt_tos],
            subject=str(message.get("Subject", "")),
            text=_text(message),
        )
        return "250 Message accepted for delivery"


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    return str(part.get_content()).strip()


def start_smtp(messaging: Messaging, port: int) -> Controller:
    """Start the SMTP server on 127.0.0.1:`port`; `.stop()` the result to end it."""
    controller = Controller(MailboxHandler(messaging), hostname=HOST, port=port)
    controller.start()
    return controller
