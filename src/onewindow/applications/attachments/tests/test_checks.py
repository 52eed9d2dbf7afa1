"""The content checks on their own: each accepted type, each hostile file, the names."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from onewindow.applications.attachments import checks
from onewindow.applications.attachments.checks import AttachmentRefused, Limits

from . import files

LIMITS = Limits(
    file_bytes=10 * checks.MB,
    application_bytes=30 * checks.MB,
    zip_entries=1000,
    zip_uncompressed_bytes=100 * checks.MB,
    zip_ratio=100,
)


def check(
    content: bytes, name: str, *, limits: Limits = LIMITS, attached: int = 0
) -> tuple[str, str]:
    kind, shown = checks.check_file(
        io.BytesIO(content), name=name, size=len(content), already_attached=attached, limits=limits
    )
    return kind.content_type, shown


def refused(content: bytes, name: str, **options: object) -> AttachmentRefused:
    with pytest.raises(AttachmentRefused) as caught:
        check(content, name, **options)  # type: ignore[arg-type]
    assert caught.value.message  # a sentence for the person, not just a code
    return caught.value


@pytest.mark.parametrize(
    ("make", "name", "content_type"),
    [
        (files.pdf, "application.pdf", "application/pdf"),
        (files.jpeg, "photo.jpg", "image/jpeg"),
        (files.jpeg, "photo.JPEG", "image/jpeg"),
        (files.png, "scan.png", "image/png"),
        (files.docx, "letter.docx", checks.DOCX.content_type),
        (files.odt, "letter.odt", "application/vnd.oasis.opendocument.text"),
        (files.asice, "signed.asice", "application/vnd.etsi.asic-e+zip"),
    ],
)
def test_good_files_are_accepted_with_the_detected_type(
    make: object, name: str, content_type: str
) -> None:
    detected, shown = check(make(), name)  # type: ignore[operator]
    assert detected == content_type
    assert shown.lower() == name.lower()


def test_a_name_without_extension_gets_the_detected_one() -> None:
    assert check(files.png(), "scan") == ("image/png", "scan.png")


@pytest.mark.parametrize(
    ("content", "name", "reason"),
    [
        (files.pdf(), "photo.jpg", "mismatch"),
        (files.jpeg(), "contract.pdf", "mismatch"),
        (files.docx(), "letter.odt", "mismatch"),
        (files.HTML, "invoice.pdf", "type"),
        (b"MZ\x90\x00" + b"\x00" * 200, "setup.pdf", "type"),
        (b"just some text\n", "notes.txt", "type"),
        (files.EICAR, "eicar.pdf", "type"),
        # A ZIP of no accepted kind, and a macro document renamed .docx.
        (files._zip([("a.txt", b"hello")]), "archive.docx", "type"),
        (files.docx(extra=[("word/vbaProject.bin", b"\x00" * 64)]), "macro.docx", "type"),
        # ODT/ASiC with the mimetype compressed breaks the format's own rule.
        (files.asice(mimetype_compressed=True), "signed.asice", "type"),
    ],
)
def test_content_that_is_not_what_the_name_says_is_refused(
    content: bytes, name: str, reason: str
) -> None:
    assert refused(content, name).reason == reason


def test_a_pdf_named_jpg_is_refused_with_a_clear_message() -> None:
    error = refused(files.pdf(), "photo.jpg")
    assert "PDF" in error.message and ".jpg" in error.message


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (files.pdf()[:-200], "damaged"),  # cut short: no %%EOF at the end
        (files.pdf() + files.docx(), "damaged"),  # PDF + ZIP polyglot
        (files.jpeg() + files.HTML, "damaged"),  # JPEG + HTML polyglot
        (files.jpeg() + files.docx(), "damaged"),  # GIFAR-style JPEG + ZIP
        (files.png() + files.pdf(), "damaged"),
        (files.png()[:40] + files.png()[-12:], "damaged"),  # header and end, no image
        (files.jpeg()[:120] + b"\xff\xd9", "damaged"),  # truncated image data
    ],
)
def test_damaged_files_and_polyglots_are_refused(content: bytes, reason: str) -> None:
    name = {b"%": "a.pdf", b"\xff": "a.jpg", b"\x89": "a.png"}[content[:1]]
    assert refused(content, name).reason == reason


def test_an_empty_file_is_refused() -> None:
    assert refused(b"", "empty.pdf").reason == "empty"


def test_an_oversized_file_is_refused() -> None:
    small = Limits(**{**LIMITS.__dict__, "file_bytes": 1000})
    error = refused(files.jpeg((400, 400)), "big.jpg", limits=small)
    assert error.reason == "too-large"
    assert "1000" in error.message or "KB" in error.message


def test_the_total_of_one_application_is_limited() -> None:
    content = files.pdf()
    assert refused(content, "a.pdf", attached=LIMITS.application_bytes - 10).reason == (
        "total-too-large"
    )
    assert check(content, "a.pdf", attached=LIMITS.application_bytes - len(content))[0]


def test_a_docx_zip_bomb_is_refused() -> None:
    bomb = files.docx_bomb()
    assert len(bomb) < checks.MB  # small on the wire …
    assert refused(bomb, "bomb.docx").reason == "zip-bomb"  # … huge inside


def test_a_bomb_is_stopped_by_what_it_really_inflates_to() -> None:
    # Within the declared-size check but over the absolute limit while reading.
    tight = Limits(**{**LIMITS.__dict__, "zip_uncompressed_bytes": 2 * checks.MB})
    content = files.docx(body=files.document_xml() + b" " * (3 * checks.MB))
    assert refused(content, "big.docx", limits=tight).reason == "zip-bomb"


def test_too_many_entries_are_refused() -> None:
    few = Limits(**{**LIMITS.__dict__, "zip_entries": 5})
    content = files.docx(extra=[(f"word/media/{n}.xml", b"<a/>") for n in range(10)])
    assert refused(content, "many.docx", limits=few).reason == "zip-entries"


def test_an_encrypted_docx_is_refused(tmp_path: Path) -> None:
    error = refused(files.encrypted_docx(tmp_path), "secret.docx")
    assert error.reason == "encrypted"


@pytest.mark.parametrize(
    "member", ["../../etc/passwd", "/etc/passwd", "word/../../x.xml", "C:/Windows/x.xml"]
)
def test_a_zip_with_escaping_member_paths_is_refused(member: str) -> None:
    assert refused(files.docx_with_member(member), "letter.docx").reason == "zip-paths"


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd.pdf", "..\\..\\windows\\system32\\a.pdf", "a\x00.pdf.exe", "ok.pdf\x00.jpg"],
)
def test_path_traversal_and_nul_in_names_are_refused(name: str) -> None:
    assert refused(files.pdf(), name).reason == "name"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("პასპორტის ასლი.pdf", "პასპორტის ასლი.pdf"),
        ("C:\\Users\\ნინო\\Documents\\განცხადება.pdf", "განცხადება.pdf"),
        ("   many    spaces \t here .PDF", "many spaces here.pdf"),
        ("bell\x07and\x1bescape.pdf", "bell and escape.pdf"),
        ("invoice\u202efdp.exe.pdf", "invoice fdp.exe.pdf"),  # right-to-left override
        ('<img src=x onerror="alert(1)">.pdf', "img src x onerror alert(1).pdf"),
        ("....pdf", "document.pdf"),
        (".hidden.pdf", "hidden.pdf"),
        ("CON.pdf", "CON_document.pdf"),
        ("ა" * 300 + ".pdf", "ა" * (checks.NAME_MAX_LENGTH - 4) + ".pdf"),
        ("report", "report.pdf"),
    ],
)
def test_names_are_sanitised(raw: str, shown: str) -> None:
    assert checks.sanitise_name(raw, checks.PDF) == shown
    assert len(shown) <= checks.NAME_MAX_LENGTH
