"""The signing room's public reads."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Final

from django.db.models import Q, QuerySet

from . import issued
from .models import IssuedDocument

if TYPE_CHECKING:
    from onewindow.identity.models import Account

    from .reports import ReportText

# A piece of a verification code worth looking for: one printed group (XXXX) or more.
CODE_PIECE_MIN: Final = issued.GROUP
# What people put between a code's groups: dashes (also typographic ones) and spaces.
_CODE_SEPARATORS: Final = re.compile(r"[\s\-\u2010-\u2015]+")


def issued_documents_of(account: Account, *, query: str = "") -> QuerySet[IssuedDocument]:
    """Every sealed document issued to the person, newest first: agencies' answers (with
    their application), the copies enclosed with them, registry extracts and copies.
    `query` narrows by title (either language), verification code (as printed, with or
    without dashes and spaces, or a piece of it), agency name or application reference."""
    rows = (
        IssuedDocument.objects.filter(issued_to=account)
        .select_related("agency", "application")
        .order_by("-issued_at", "-pk")
    )
    query = " ".join(query.split())[:100]
    if query:
        rows = rows.filter(_matching(query))
    return rows


def _matching(query: str) -> Q:
    """What one search box means for an issued document. The code is compared in its
    stored form (no dashes, upper case); words too short or with characters a code never
    has are not compared with codes, so "tax" does not find a code by chance."""
    found = (
        Q(title__icontains=query)
        | Q(title_ka__icontains=query)
        | Q(agency__name_en__icontains=query)
        | Q(agency__name_ka__icontains=query)
        | Q(application__reference__icontains=query)
    )
    code = _code_piece(query)
    if code is not None:
        found |= Q(code__contains=code)
    return found


def _code_piece(query: str) -> str | None:
    """The query as (part of) a stored verification code, or None when it cannot be one:
    dashes and spaces dropped, any case, at least one printed group long."""
    candidate = _CODE_SEPARATORS.sub("", query).upper()
    if not CODE_PIECE_MIN <= len(candidate) <= issued.CODE_LENGTH:
        return None
    if any(char not in issued.ALPHABET for char in candidate):
        return None
    return candidate


def signing_requirement(service: Any) -> str:
    """A service's `signature` (required|optional|none), for the journey's pages."""
    return str(getattr(service, "signature", "none") or "none")


def signed_pdf_of(application: Any) -> bytes | None:
    """The application's signed PDF (its archived document) when it was signed."""
    from .signed_drafts import signature_of

    return signature_of(application)


def signatures_of(application: Any) -> ReportText | None:
    """The validation report of the application's signed PDF in the active language
    (`reports.describe`): per signature "Signed by NINO BERIDZE (personal number …)" or
    "Sealed by …", when, whether it is valid — not valid with the reasons, or cannot be
    confirmed yet — and its level; None when the application was not signed. A signed PDF
    that no longer holds must never read as plainly "Sealed by …". The validation (which
    may ask OCSP responders) is remembered per stored file for a day; the sentences are
    made per request, in the reader's language."""
    from django.core.cache import cache

    from . import reports, validation

    data = signed_pdf_of(application)
    if data is None:
        return None
    key = f"signing:application-signatures:{application.pdf.name}"
    report = cache.get(key)
    if report is None:
        report = validation.validate(data, filename=f"{application.reference}.pdf")
        cache.set(key, report, 24 * 60 * 60)
    return reports.describe(report)
