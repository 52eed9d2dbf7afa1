"""The PDF rendition of a submitted application (PDF/A-3b, for keeping), in the language
the citizen used, with Georgian text in Noto Sans Georgian."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from onewindow.documents import font_faces

from .models import Application, Attachment, Draft
from .selectors import answers_summary

PDF_VARIANT = "pdf/a-3b"


def application_pdf(application: Application) -> bytes:
    """The application as submitted: reference, service, agency, applicant, when, the due
    date, every answer and the attached files' names."""
    # ~1 s to import: only in the job that needs it.
    from weasyprint import CSS, HTML  # type: ignore[import-untyped]

    lang = application.language if application.language in ("ka", "en") else "ka"
    with translation.override(lang):
        html = render_to_string("applications/application_pdf.html", _context(application, lang))
    document = HTML(string=html, base_url=str(Path.cwd()))
    return bytes(
        document.write_pdf(stylesheets=[CSS(string=font_faces())], pdf_variant=PDF_VARIANT)
    )


def _context(application: Application, lang: str) -> dict[str, Any]:
    rows = answers_summary(application, lang)
    applicant: Any = application.applicant
    name = (
        f"{applicant.first_name_ka} {applicant.last_name_ka}".strip() if lang == "ka" else ""
    ) or applicant.get_full_name()
    return {
        "application": application,
        "language": lang,
        "service_title": getattr(application.service, f"title_{lang}"),
        "agency_name": getattr(application.agency, f"name_{lang}"),
        "applicant_name": name,
        "personal_number": applicant.personal_number or "",
        "rows": rows,
        "attachments": list(application.attachments.filter(message=None).order_by("uploaded_at")),
        "portal_name": settings.PORTAL_NAME.get(lang, settings.PORTAL_NAME["ka"]),
    }


def draft_pdf(draft: Draft, attachments: Sequence[Attachment]) -> bytes:
    """The draft as it will be signed (PDF/A-3b): service, addressee, applicant, every
    answer, and the chosen attachments embedded as associated files (AFRelationship
    Supplement), so that one signature covers the application and its files."""
    from weasyprint import CSS, HTML
    from weasyprint import Attachment as PdfAttachment

    lang = draft.language if draft.language in ("ka", "en") else "ka"
    owner: Any = draft.owner
    names = {str(item.pk): item.name for item in attachments}
    agency = draft.agency or draft.service.provider
    with translation.override(lang):
        context = {
            "draft": draft,
            "language": lang,
            "service_title": getattr(draft.service, f"title_{lang}"),
            "agency_name": getattr(agency, f"name_{lang}"),
            "applicant_name": _name(owner, lang),
            "personal_number": owner.personal_number or "",
            "rows": answers_summary(draft, lang, file_names=names),
            "attachments": list(attachments),
            "portal_name": settings.PORTAL_NAME.get(lang, settings.PORTAL_NAME["ka"]),
        }
        html = render_to_string("signing/draft_pdf.html", context)
    embedded = []
    for item in attachments:
        with item.file.open("rb") as handle:
            content = handle.read()
        embedded.append(
            PdfAttachment(
                string=content, name=item.name, description=item.name, relationship="Supplement"
            )
        )
    document = HTML(string=html, base_url=str(Path.cwd()))
    return bytes(
        document.write_pdf(
            stylesheets=[CSS(string=font_faces())],
            pdf_variant=PDF_VARIANT,
            attachments=embedded,
        )
    )


def _name(person: Any, lang: str) -> str:
    georgian = f"{person.first_name_ka} {person.last_name_ka}".strip()
    return (georgian if lang == "ka" else "") or person.get_full_name() or georgian
