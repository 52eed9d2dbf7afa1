"""The public verification page: by code (typed, or from the QR code's link), by file
(unchanged, changed, not ours), its errors, its rate limit, and axe in real Chromium."""

from __future__ import annotations

import hashlib
import itertools
import os
import re
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from onewindow.catalog.models import Agency
from onewindow.signing import issued, services
from onewindow.signing.models import IssuedDocument

from .issuing import issuing_fixture, sealing_agency_fixture  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CSS = Path(__file__).resolve().parents[2] / "static" / "dist" / "css" / "onewindow.css"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
_addresses = itertools.count(1)


@pytest.fixture
def visitor() -> Client:
    """An anonymous visitor from an address of their own (the rate limit is per address and
    the cache outlives a test)."""
    number = next(_addresses)
    return Client(REMOTE_ADDR=f"198.51.{os.getpid() % 250}.{number % 250}")


@pytest.fixture
def document(issuing: Any, sealing_agency: Agency) -> IssuedDocument:
    def letter(stamp: issued.Stamp) -> bytes:
        context = {
            "application": {"reference": "OW-2026-0000077"},
            "agency_name": "Test Agency",
            "service_title": "A certificate",
            "outcome": "approved",
            "body": "Dear Nino Chavchavadze, your certificate is issued.",
            "enclosed": [],
        }
        return issued.render_pdf("signing/answer_pdf.html", context, stamp=stamp, language="en")

    return services.issue_document(
        letter,
        agency=sealing_agency,
        kind="answer",
        title="Answer to application OW-2026-0000077",
        title_ka="პასუხი განცხადებაზე OW-2026-0000077",
    )


def _bytes(document: IssuedDocument) -> bytes:
    with document.file.open("rb") as stored:
        return stored.read()


def _text(response: Any) -> str:
    html = response.content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _verdict(response: Any) -> str:
    found = re.search(r'id="verify-result" data-verdict="([a-z]+)"', response.content.decode())
    return found.group(1) if found else ""


# --- By code ---------------------------------------------------------------------------------


def test_a_code_says_authentic_with_title_issuer_and_date_only(
    visitor: Client, document: IssuedDocument
) -> None:
    typed = document.code.lower()[:6] + " " + document.code.lower()[6:]
    response = visitor.post("/en/verify/", {"code": typed})
    assert response.status_code == 200 and _verdict(response) == "authentic"
    text = _text(response)
    date = timezone.localtime(document.issued_at).strftime("%d.%m.%Y").lstrip("0")
    assert f"Answer to application OW-2026-0000077 issued by Test Agency on {date}" in text
    assert "Chavchavadze" not in text and "your certificate" not in text
    # The code is the capability: the sealed original, byte for byte.
    download = visitor.get(f"/en/verify/{document.code}/original.pdf")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == _bytes(document)


def test_the_qr_codes_link_opens_the_page_with_the_code_checked(
    visitor: Client, document: IssuedDocument
) -> None:
    link = issued.verify_url(document.code).replace("https://portal.example.ge", "")
    response = visitor.get(link, follow=True)
    assert response.redirect_chain and response.redirect_chain[0][0].startswith("/ka/verify/?code=")
    assert response.status_code == 200 and _verdict(response) == "authentic"
    assert issued.shown(document.code) in response.content.decode()  # pre-filled
    assert "პასუხი განცხადებაზე OW-2026-0000077" in _text(response)


def test_an_unknown_code_is_an_error_and_reveals_nothing(db: None, visitor: Client) -> None:
    response = visitor.get("/en/verify/?code=ABCD-EFGH-JKMN")
    assert response.status_code == 404
    assert "No document was issued with this code" in _text(response)
    assert "govuk-error-summary" in response.content.decode() and not _verdict(response)
    assert visitor.get("/en/verify/ABCDEFGHJKMN/original.pdf").status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Enter the verification code or choose the file to check"),
        ({"code": "ABCD-EFGH"}, "Enter the verification code as it is printed on the document"),
        (
            {"code": "ABCD-EFGH-JKM0"},
            "Enter the verification code as it is printed on the document",
        ),
    ],
)
def test_an_empty_or_malformed_form_is_an_error(
    db: None, visitor: Client, data: dict[str, str], message: str
) -> None:
    response = visitor.post("/en/verify/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html and message in html
    assert 'href="#verify-code"' in html


# --- By file -----------------------------------------------------------------------------------


def _one_byte_changed(pdf: bytes) -> bytes:
    """One byte in the middle of the document's largest stream (an embedded font or the QR
    image, in the part the seal covers): the file still parses and names its code."""
    signed_part = pdf[: pdf.index(b"/ByteRange")]
    streams = [
        (match.end(), signed_part.index(b"endstream", match.end()))
        for match in re.finditer(rb"stream\r?\n", signed_part)
        if signed_part.find(b"endstream", match.end()) > 0
    ]
    start, end = max(streams, key=lambda span: span[1] - span[0])
    changed = bytearray(pdf)
    changed[(start + end) // 2] ^= 0x01
    return bytes(changed)


def _upload(visitor: Client, data: bytes, name: str = "document.pdf") -> Any:
    return visitor.post("/en/verify/", {"file": SimpleUploadedFile(name, data)})


def test_the_issued_file_is_authentic_and_unchanged(
    visitor: Client, document: IssuedDocument
) -> None:
    response = _upload(visitor, _bytes(document))
    assert response.status_code == 200 and _verdict(response) == "authentic"
    text = _text(response)
    assert "Authentic and unchanged" in text
    assert "Answer to application OW-2026-0000077" in text
    assert "Test Agency Valid seal (B-LTA)" in text  # the validation report
    assert "original.pdf" not in response.content.decode()  # a file never leads to a download


def test_one_changed_byte_is_a_changed_document(visitor: Client, document: IssuedDocument) -> None:
    sealed = _one_byte_changed(_bytes(document))
    assert hashlib.sha256(sealed).hexdigest() != document.sha256
    response = _upload(visitor, bytes(sealed))
    assert response.status_code == 200 and _verdict(response) == "changed"
    assert "This file was changed after it was issued" in _text(response)
    assert "Valid seal" not in _text(response)


def test_a_file_the_portal_did_not_issue_is_not_ours(
    db: None, pki_settings: Any, visitor: Client, small_pdf: bytes
) -> None:
    response = _upload(visitor, small_pdf)
    assert response.status_code == 200 and _verdict(response) == "unknown"
    text = _text(response)
    assert "This document was not issued by this portal" in text
    assert "The file has no electronic signature or seal" in text


def test_a_file_that_is_not_a_pdf_or_too_big_is_an_error(
    db: None, visitor: Client, small_pdf: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    response = _upload(visitor, b"PK\x03\x04 not a pdf", "document.zip")
    assert response.status_code == 400 and "The selected file must be a PDF" in _text(response)
    monkeypatch.setattr("onewindow.signing.views_verify.MAX_FILE_BYTES", len(small_pdf) - 1)
    response = _upload(visitor, small_pdf)
    assert response.status_code == 400
    assert "The selected file must be smaller than 20 MB" in _text(response)
    assert 'href="#verify-file"' in response.content.decode()


# --- Rate limit, footer ------------------------------------------------------------------------


def test_checks_are_rate_limited_per_address(db: None, settings: Any, visitor: Client) -> None:
    settings.VERIFY_RATE_LIMIT = (3, 600)
    for _ in range(3):
        assert visitor.get("/en/verify/?code=ABCD-EFGH-JKMN").status_code == 404
    limited = visitor.post("/en/verify/", {"code": "ABCD-EFGH-JKMN"})
    assert limited.status_code == 429
    assert "You can check up to 3 documents in 10 minutes" in _text(limited)
    assert visitor.get("/en/verify/ABCDEFGHJKMN/original.pdf").status_code == 429
    # Another address is not limited; the plain form is not a check.
    assert visitor.get("/en/verify/").status_code == 200
    other = Client(REMOTE_ADDR="203.0.113.77")
    assert other.get("/en/verify/?code=ABCD-EFGH-JKMN").status_code == 404


def test_the_footer_links_to_the_page(db: None, visitor: Client) -> None:
    html = visitor.get("/en/verify/").content.decode()
    assert 'href="/en/verify/">Check a document</a>' in html


# --- Accessibility -----------------------------------------------------------------------------


def _standalone(html: str) -> str:
    """The page with the portal's CSS inline and no scripts (set_content has no server)."""
    html = re.sub(r"<script\b.*?</script>", "", html, flags=re.DOTALL)
    html = re.sub(r'<link rel="stylesheet"[^>]*>', "", html)
    return html.replace("</head>", f"<style>{CSS.read_text()}</style></head>", 1)


def test_every_state_of_the_page_has_no_axe_violations(
    settings: Any, document: IssuedDocument, small_pdf: bytes
) -> None:
    settings.VERIFY_RATE_LIMIT = (100, 600)
    visitor = Client(REMOTE_ADDR="203.0.113.99")
    changed = _one_byte_changed(_bytes(document))
    states = {
        "empty": visitor.get("/en/verify/"),
        "errors": visitor.post("/en/verify/", {"code": "nope"}),
        "authentic-code": visitor.get(f"/ka/verify/?code={document.code}"),
        "authentic-file": _upload(visitor, _bytes(document)),
        "changed-file": _upload(visitor, bytes(changed)),
        "unknown-file": _upload(visitor, small_pdf),
    }
    settings.VERIFY_RATE_LIMIT = (0, 600)
    states["limited"] = visitor.get("/en/verify/?code=ABCD-EFGH-JKMN")
    assert states["limited"].status_code == 429
    pages = {name: _standalone(response.content.decode()) for name, response in states.items()}
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is needed at {CHROMIUM} (set CHROMIUM)")
    axe = Axe()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            tab = browser.new_page()
            for name, html in pages.items():
                tab.set_content(html)
                tab.evaluate("() => document.fonts.ready.then(() => true)")
                results = axe.run(tab, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
                violations = results.response["violations"]
                assert violations == [], (
                    name,
                    [(v["id"], [n["target"] for n in v["nodes"][:3]]) for v in violations],
                )
                assert tab.locator("#verify-code").count() == 1, name
        finally:
            browser.close()
