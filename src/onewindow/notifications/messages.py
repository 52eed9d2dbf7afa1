"""The texts of notifications: per event and language, one template
(`notifications/messages/<event>.<language>.txt`) renders the subject, the e-mail (also
the inbox text) and the SMS, chosen by `part`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation

LANGUAGES = ("ka", "en")
# GSM 03.38's basic characters: a message of only these may be 160 long; any other
# character (Georgian letters) makes it UCS-2, 70 characters.
_GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


class Event(StrEnum):
    APPLICATION_SUBMITTED = "application-submitted"
    APPLICATION_RECEIVED = "application-received"
    INFORMATION_REQUESTED = "information-requested"
    APPLICATION_ANSWERED = "application-answered"
    APPLICATION_CLOSED = "application-closed"
    AGENCY_MESSAGE = "agency-message"
    DRAFT_EXPIRING = "draft-expiring"
    CASE_ESCALATED = "case-escalated"


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    body: str
    sms: str


def sms_limit(text: str) -> int:
    """The longest single SMS for this text: 160 (GSM 7-bit) or 70 (UCS-2)."""
    return 160 if set(text) <= _GSM7 else 70


def absolute(path: str) -> str:
    return f"{settings.PORTAL_ORIGIN.rstrip('/')}{path}"


def first_url(*candidates: tuple[str, tuple[Any, ...]]) -> str:
    """The first of the named URLs that exists (other rooms' pages may not yet)."""
    for name, args in candidates:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return reverse("notifications:inbox")


def application_url(application: Any, *, staff: bool = False) -> str:
    """The page of an application (path, in the active language): the citizen's, or for
    agency staff the back-office case page."""
    if staff:
        return first_url(("backoffice:case", (application.reference,)), ("backoffice:inbox", ()))
    return first_url(("applications:detail", (application.reference,)))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _paragraphs(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def render_message(event: str, language: str, context: dict[str, Any]) -> RenderedMessage:
    """Render the three parts in `language` (URLs in the context are that language's)."""
    template = f"notifications/messages/{event}.{language}.txt"
    with translation.override(language):
        parts = {
            part: render_to_string(template, {**context, "part": part})
            for part in ("subject", "body", "sms")
        }
    return RenderedMessage(
        subject=_one_line(parts["subject"])[:200],
        body=_paragraphs(parts["body"]),
        sms=_one_line(parts["sms"]),
    )
