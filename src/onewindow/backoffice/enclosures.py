"""The documents a clerk encloses with an answer, as the citizen receives them
(docs/signing.md, "Document copies").

An agency's answer is only as trustworthy as what comes with it, so each enclosed document
is issued by the agency as a sealed, verifiable document copy (`document-copy`): its own
code and QR code, the agency's seal (B-LTA), an `IssuedDocument` row the citizen finds
under "Sealed documents" and anyone checks on /verify/.

- A PDF is sealed as it is: the code and QR code are stamped on its last page and the seal
  is an incremental update, so the clerk's original stays byte for byte the first revision
  of the sealed copy. No separate "internal" original is kept: it would be a second,
  unsealed copy of the same bytes, and the case has nowhere private to keep files (a
  message's files are the citizen's).
- A photo or scan (JPEG, PNG) cannot carry a PDF seal, so it is first put on an A4 PDF
  page (WeasyPrint, PDF/A-3b) with its name; the picture itself is embedded unchanged
  (JPEG data as it is, PNG pixels losslessly), and that page is sealed.
- Other files (DOCX, ODT, an ASiC-E container with its own signatures) cannot be turned
  into a faithful PDF here: they go as they are, and the sealed answer letter names each
  with its SHA-256, so the letter's seal still vouches for their content.

Everything happens inside the answer's transaction: a document that cannot be sealed
refuses the whole answer, and the files of copies already sealed for it are removed.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

import structlog

from onewindow.applications.attachments.checks import AttachmentRefused, Limits, check_file
from onewindow.documents import font_faces

if TYPE_CHECKING:
    from onewindow.applications.models import Application

log = structlog.get_logger(__name__)

SEALED_AS_COPY = frozenset({"pdf"})
PUT_ON_A_PAGE = frozenset({"jpeg", "png"})
PDF_VARIANT = "pdf/a-3b"


class EnclosureRefused(Exception):
    """An enclosed document cannot be sent; `message` says why to the clerk (translated)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Enclosure:
    """One enclosed document as it goes to the citizen: the file to attach, how the answer
    letter lists it, and the issued copy (None when it goes unsealed)."""

    upload: UploadedFile[bytes]
    listed_as: str
    issued: Any = None


def sealed_enclosures(
    application: Application, documents: Sequence[UploadedFile[bytes]]
) -> list[Enclosure]:
    """Each enclosed document as the citizen will receive it (see the module's docstring).
    Raises `EnclosureRefused` after removing the files of the copies already sealed."""
    enclosures: list[Enclosure] = []
    try:
        for upload in documents:
            enclosures.append(_enclosure(application, upload))
    except BaseException:
        forget_issued([enclosure.issued for enclosure in enclosures])
        raise
    return enclosures


def forget_issued(documents: Sequence[Any]) -> None:
    """Remove the stored files of documents issued for an answer that is not sent (their
    rows go with the answer's rolled-back transaction)."""
    for document in documents:
        if document is not None and document.file.name:
            document.file.storage.delete(document.file.name)


def _enclosure(application: Application, upload: UploadedFile[bytes]) -> Enclosure:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    name = upload.name or ""
    try:
        kind, shown_name = check_file(
            BytesIO(data),
            name=name,
            size=len(data),
            already_attached=0,
            limits=Limits.from_settings(),
        )
    except AttachmentRefused as refused:
        raise EnclosureRefused(f"{name}: {refused.message}") from refused
    if kind.code in SEALED_AS_COPY:
        _check_readable(data, shown_name)
        return _issued_copy(application, data, shown_name)
    if kind.code in PUT_ON_A_PAGE:
        page = image_page(application, data, content_type=kind.content_type, name=shown_name)
        copy_name = f"{PurePath(shown_name).stem}.pdf"
        return _issued_copy(application, page, copy_name, original_name=shown_name)
    digest = hashlib.sha256(data).hexdigest()
    return Enclosure(upload=upload, listed_as=f"{shown_name} (SHA-256 {digest})")


def _check_readable(data: bytes, name: str) -> None:
    """Refuse, before anything is sealed, a PDF the seal could not be added to."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        encrypted = reader.encrypted
        pages = int(reader.root["/Pages"]["/Count"])
    except Exception as unreadable:  # any malformed file: pyHanko raises many kinds
        log.info("backoffice.enclosure-unreadable", error=type(unreadable).__name__)
        raise EnclosureRefused(
            _("%(name)s could not be read as a PDF, so it cannot be sealed. Nothing was sent.")
            % {"name": name}
        ) from unreadable
    if encrypted or pages < 1:
        raise EnclosureRefused(
            _(
                "%(name)s is password-protected or has no pages, so it cannot be sealed. "
                "Enclose a copy without a password. Nothing was sent."
            )
            % {"name": name}
        )


def _issued_copy(
    application: Application, pdf: bytes, name: str, *, original_name: str = ""
) -> Enclosure:
    """Issue `pdf` as the agency's sealed document copy, to the applicant."""
    from onewindow.signing import services as signing

    shown = original_name or name
    try:
        document = signing.issue_document(
            pdf,
            agency=application.agency,
            kind=signing.Kind.DOCUMENT_COPY,
            title=f"Document copy: {shown} (application {application.reference})",
            title_ka=f"დოკუმენტის ასლი: {shown} (განცხადება {application.reference})",
            application=application,
            issued_to=application.applicant,
        )
    except signing.IssuingRefused as refused:
        raise EnclosureRefused(refused.message) from refused
    with document.file.open("rb") as sealed:
        content = sealed.read()
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    return Enclosure(upload=upload, listed_as=name, issued=document)


def image_page(application: Application, data: bytes, *, content_type: str, name: str) -> bytes:
    """A photo or scan on an A4 PDF/A-3b page, in the application's language, with room
    at the bottom for the code and QR code stamped when it is issued."""
    from weasyprint import CSS, HTML  # type: ignore[import-untyped]

    language = application.language if application.language in ("ka", "en") else "ka"
    source = f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"
    with translation.override(language):
        html = render_to_string(
            "backoffice/enclosure_pdf.html",
            {
                "language": language,
                "name": name,
                "image": source,
                "reference": application.reference,
                "agency_name": getattr(application.agency, f"name_{language}", ""),
                "portal_name": settings.PORTAL_NAME.get(language, settings.PORTAL_NAME["ka"]),
            },
        )
    document = HTML(string=html, base_url=str(Path.cwd()))
    return bytes(
        document.write_pdf(stylesheets=[CSS(string=font_faces())], pdf_variant=PDF_VARIANT)
    )
