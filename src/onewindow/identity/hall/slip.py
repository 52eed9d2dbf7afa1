"""The slip an operator prints for the person: username and one-time password, how to sign
in, and who issued it where and when; in Georgian and English, as a tagged PDF."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from onewindow.documents import font_faces


@dataclass(frozen=True)
class Slip:
    """What goes on a slip. It lives only in the operator's session until it is printed."""

    account: int
    personal_number: str
    username: str
    password: str
    kind: str  # "registered" or "reset"
    name_ka: str
    name_en: str
    made_at: str  # ISO 8601

    def to_session(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_session(cls, data: dict[str, Any]) -> Slip:
        return cls(**data)


def sign_in_url(language: str) -> str:
    with translation.override(language):
        return str(settings.PORTAL_ORIGIN).rstrip("/") + reverse("identity:sign-in")


def slip_pdf(*, slip: Slip, operator_name: str, hall: str) -> bytes:
    # ~1 s to import: only when a slip is printed.
    from weasyprint import CSS, HTML  # type: ignore[import-untyped]

    made_at = timezone.localtime(dt.datetime.fromisoformat(slip.made_at))
    html = render_to_string(
        "identity/hall/slip_pdf.html",
        {
            "slip": slip,
            "operator_name": operator_name,
            "hall": hall,
            "made_at": made_at,
            "url_ka": sign_in_url("ka"),
            "url_en": sign_in_url("en"),
            "portal_name": settings.PORTAL_NAME,
        },
    )
    document = HTML(string=html, base_url=str(Path.cwd()))
    return bytes(document.write_pdf(stylesheets=[CSS(string=font_faces())], pdf_variant="pdf/ua-1"))
