"""The access log as files the person keeps: CSV (for spreadsheets) and a tagged PDF."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext

from onewindow.documents import font_faces

from .selectors import LogEntry

# Excel opens a CSV as UTF-8 only when it starts with a byte-order mark.
BOM = "\ufeff"


def column_titles() -> list[str]:
    return [
        gettext("When (Tbilisi time)"),
        gettext("Who asked"),
        gettext("Name"),
        gettext("On behalf of"),
        gettext("Purpose"),
        gettext("What data"),
        gettext("Agency"),
        gettext("Source"),
        gettext("Request ID"),
    ]


def access_log_csv(entries: Iterable[LogEntry]) -> bytes:
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow(column_titles())
    for entry in entries:
        writer.writerow(
            [
                entry.accessed_at.strftime("%Y-%m-%d %H:%M:%S"),
                entry.asker_kind,
                _safe_cell(entry.asker_name),
                _safe_cell(entry.on_behalf_of),
                _safe_cell(entry.purpose),
                _safe_cell(entry.data),
                _safe_cell(entry.agency),
                entry.source,
                entry.request_id,
            ]
        )
    return buffer.getvalue().encode("utf-8")


def _safe_cell(value: str) -> str:
    """Agencies report some of these texts: never let a spreadsheet run one as a formula."""
    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def access_log_pdf(
    *,
    entries: Sequence[LogEntry],
    person_name: str,
    personal_number: str,
    filters_text: Sequence[str],
    truncated_at: int | None,
    language: str,
) -> bytes:
    """A tagged PDF (PDF/UA-1) of the entries, with Georgian text in Noto Sans Georgian."""
    # ~1 s to import: only when someone asks for a PDF.
    from weasyprint import CSS, HTML  # type: ignore[import-untyped]

    html = render_to_string(
        "mydata/access_log_pdf.html",
        {
            "entries": entries,
            "columns": column_titles(),
            "person_name": person_name,
            "personal_number": personal_number,
            "filters_text": filters_text,
            "truncated_at": truncated_at,
            "language": language,
            "portal_name": settings.PORTAL_NAME.get(language, settings.PORTAL_NAME["ka"]),
        },
    )
    document = HTML(string=html, base_url=str(Path.cwd()))
    return bytes(document.write_pdf(stylesheets=[CSS(string=font_faces())], pdf_variant="pdf/ua-1"))
