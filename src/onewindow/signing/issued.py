"""Issued documents' verification codes, QR codes and PDF renditions (docs/signing.md,
"Issued documents").

A code is 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L), drawn with
`secrets`: 31**12 ≈ 2**59 codes, so with the verification page's rate limit nobody finds
a document by guessing. People see it as XXXX-XXXX-XXXX and may type it back in any case,
with or without dashes and spaces.

The code and its QR code (the verification page's URL with the code) are part of the
document itself, in a footer on every page, before it is sealed: the seal covers them, so
a document cannot be given another document's code without breaking the seal.
"""

from __future__ import annotations

import base64
import re
import secrets
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from onewindow.documents import font_faces

ALPHABET: Final = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH: Final = 12
GROUP: Final = 4
PDF_VARIANT: Final = "pdf/a-3b"
# The verification link as the document names it (see `code_in_file`).
CODE_IN_TEXT: Final = re.compile(r"[?&]code=([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})")
_SEPARATORS: Final = re.compile(r"[\s\-\u2010-\u2015]+")


def new_code() -> str:
    """A fresh random code (uniqueness is the database's: `IssuedDocument.code` is unique)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def shown(code: str) -> str:
    """XXXX-XXXX-XXXX: how people read, write and say a code."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def normalise(typed: str) -> str | None:
    """The code someone typed or scanned, or None when it cannot be one (wrong length or a
    character outside the alphabet): any case, dashes and spaces ignored."""
    candidate = _SEPARATORS.sub("", typed or "").upper()
    if len(candidate) != CODE_LENGTH or any(char not in ALPHABET for char in candidate):
        return None
    return candidate


def base_url() -> str:
    """`VERIFY_BASE_URL`, else the portal's origin + /verify/ (the language is the
    reader's: the unprefixed URL redirects to it)."""
    configured = getattr(settings, "VERIFY_BASE_URL", "")
    return str(configured or f"{settings.PORTAL_ORIGIN.rstrip('/')}/verify/")


def verify_url(code: str) -> str:
    """The URL the QR code holds: the verification page, pre-filled with the code."""
    return f"{base_url()}?code={quote(shown(code))}"


def code_in_file(data: bytes) -> str | None:
    """The verification code a PDF names in its verification link, if any: in the
    document's keywords (the issued template puts the link there), in a link annotation
    (a stamped PDF), or in the raw bytes. A changed copy of an issued document still names
    the code of its original, so the page can say "changed" rather than "unknown"."""
    for text in [*_pdf_strings(data), data.decode("latin-1")]:
        found = CODE_IN_TEXT.search(text)
        if found:
            return normalise(found.group(1))
    return None


def _pdf_strings(data: bytes) -> list[str]:
    """The document information's keywords and every link's URI, read leniently; nothing
    when the file cannot be read as a PDF."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    strings: list[str] = []
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        info = reader.trailer_view.get("/Info")
        if info is not None:
            strings.append(str(info.get_object().get("/Keywords", "")))
        pages = int(reader.root["/Pages"]["/Count"])
        for index in range(min(pages, 50)):
            page = reader.find_page_for_modification(index)[0].get_object()  # type: ignore[no-untyped-call]
            for annotation in page.get("/Annots", None) or []:
                action = annotation.get_object().get("/A", None)
                if action is not None:
                    strings.append(str(action.get_object().get("/URI", "")))
    except Exception:  # any unreadable file simply names no code
        return strings
    return strings


def qr_png(url: str) -> bytes:
    """The URL as a QR code image (error correction M, 4-module quiet zone)."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=8, border=4)
    qr.add_data(url)
    qr.make(fit=True)
    buffer = BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass(frozen=True)
class Stamp:
    """What the document shows about its own verification."""

    code: str

    @property
    def shown(self) -> str:
        return shown(self.code)

    @property
    def url(self) -> str:
        return verify_url(self.code)

    @property
    def check_at(self) -> str:
        return base_url()

    @property
    def qr_data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(qr_png(self.url)).decode("ascii")


def render_pdf(template: str, context: dict[str, Any], *, stamp: Stamp, language: str) -> bytes:
    """A PDF/A-3b document from `template` (which extends signing/issued_base.html, whose
    footer shows the code, the QR code and where to check), in `language`."""
    from weasyprint import CSS, HTML  # type: ignore[import-untyped]

    lang = language if language in ("ka", "en") else "ka"
    with translation.override(lang):
        html = render_to_string(
            template,
            {
                **context,
                "stamp": stamp,
                "language": lang,
                "portal_name": settings.PORTAL_NAME.get(lang, settings.PORTAL_NAME["ka"]),
            },
        )
    document = HTML(string=html, base_url=str(Path.cwd()))
    return bytes(
        document.write_pdf(stylesheets=[CSS(string=font_faces())], pdf_variant=PDF_VARIANT)
    )


def stamp_existing(pdf: bytes, stamp: Stamp) -> bytes:
    """A PDF made elsewhere, with the code and the QR code stamped on its last page's
    bottom-left corner (pyHanko's QR stamp, with a link to the verification URL)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import QRStamp, QRStampStyle

    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    last_page = int(writer.root["/Pages"]["/Count"]) - 1
    style = QRStampStyle(
        stamp_text="%(code)s\n%(check)s",
        text_box_style=TextBoxStyle(font_size=7),
        border_width=0,
        background=None,
    )
    QRStamp(
        writer,
        stamp.url,
        style,
        text_params={"code": stamp.shown, "check": stamp.check_at},
        box=None,
    ).apply(last_page, 20, 20)
    output = BytesIO()
    writer.write(output)  # type: ignore[no-untyped-call]
    return output.getvalue()
