"""The PDF rendition of a submitted application (PDF/A-3b, for keeping), in the language
the citizen used, with Georgian text in Noto Sans Georgian."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

from .drafts import form_of
from .forms import engine
from .models import Application

FONT_FILES = {
    ("Noto Sans Georgian", 400): "dist/fonts/noto-sans-georgian-georgian-400-normal.woff2",
    ("Noto Sans Georgian", 700): "dist/fonts/noto-sans-georgian-georgian-700-normal.woff2",
    ("Noto Sans", 400): "dist/fonts/noto-sans-latin-400-normal.woff2",
    ("Noto Sans", 700): "dist/fonts/noto-sans-latin-700-normal.woff2",
}
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
        document.write_pdf(stylesheets=[CSS(string=_font_faces())], pdf_variant=PDF_VARIANT)
    )


def _context(application: Application, lang: str) -> dict[str, Any]:
    schema = form_of(application.service)
    rows: Any = []
    if schema is not None:
        rows = engine.summary(
            schema, application.answers, prefilled=application.prefilled, lang=lang
        )
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
        "attachments": list(application.attachments.order_by("uploaded_at")),
        "portal_name": settings.PORTAL_NAME.get(lang, settings.PORTAL_NAME["ka"]),
    }


def _font_faces() -> str:
    rules = []
    for (family, weight), static_path in FONT_FILES.items():
        found = finders.find(static_path)
        path = found if isinstance(found, str) else None
        source = f'url("{Path(path).as_uri()}"), ' if path else ""
        rules.append(
            f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
            f'src: {source}local("{family}"); }}'
        )
    return "\n".join(rules)
