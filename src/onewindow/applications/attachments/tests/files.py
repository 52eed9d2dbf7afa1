"""Real files for the tests: PDFs, images, Word and OpenDocument texts, an ASiC-E
container, and the hostile kinds (zip bombs, encrypted archives, polyglots)."""

from __future__ import annotations

import io
import subprocess
import time
import zipfile
from pathlib import Path

from PIL import Image

# A fixed date, so that the same call makes the same bytes (tests compare downloads).
FIXED_DATE = time.struct_time((2026, 11, 1, 9, 0, 0, 6, 305, 0))
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

DOCX_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" '
    b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
DOCX_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


def document_xml(text: str = "გამარჯობა") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
    ).encode()


def pdf(text: str = "application") -> bytes:
    """A real one-page PDF (Pillow's PDF writer)."""
    out = io.BytesIO()
    Image.new("RGB", (60, 40), "white").save(
        out, format="PDF", title=text, creationDate=FIXED_DATE, modDate=FIXED_DATE
    )
    return out.getvalue()


def jpeg(size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="JPEG", quality=80)
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (32, 32), (0, 90, 90, 255)).save(out, format="PNG")
    return out.getvalue()


def _zip(
    entries: list[tuple[str | zipfile.ZipInfo, bytes]], *, stored_first: bool = False
) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(entries):
            compress = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=compress)
    return out.getvalue()


def docx(body: bytes | None = None, extra: list[tuple[str | zipfile.ZipInfo, bytes]] = ()) -> bytes:  # type: ignore[assignment]
    return _zip(
        [
            ("[Content_Types].xml", DOCX_CONTENT_TYPES),
            ("_rels/.rels", DOCX_RELS),
            ("word/document.xml", body if body is not None else document_xml()),
            *extra,
        ]
    )


def odt() -> bytes:
    manifest = (
        b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        b'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        b'manifest:version="1.2">'
        b'<manifest:file-entry manifest:full-path="/" '
        b'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        b"</manifest:manifest>"
    )
    content = (
        b'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        b"<office:body><office:text><text:p>text</text:p></office:text></office:body>"
        b"</office:document-content>"
    )
    return _zip(
        [
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("content.xml", content),
            ("META-INF/manifest.xml", manifest),
        ],
        stored_first=True,
    )


def asice(*, mimetype_compressed: bool = False) -> bytes:
    manifest = (
        b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        b'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        b'<manifest:file-entry manifest:full-path="/" '
        b'manifest:media-type="application/vnd.etsi.asic-e+zip"/>'
        b'<manifest:file-entry manifest:full-path="application.pdf" '
        b'manifest:media-type="application/pdf"/>'
        b"</manifest:manifest>"
    )
    signature = (
        b'<?xml version="1.0" encoding="UTF-8"?><asic:XAdESSignatures '
        b'xmlns:asic="http://uri.etsi.org/02918/v1.2.1#" '
        b'xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:Signature Id="S0"/>'
        b"</asic:XAdESSignatures>"
    )
    return _zip(
        [
            ("mimetype", b"application/vnd.etsi.asic-e+zip"),
            ("application.pdf", pdf()),
            ("META-INF/manifest.xml", manifest),
            ("META-INF/signatures0.xml", signature),
        ],
        stored_first=not mimetype_compressed,
    )


def docx_bomb(megabytes: int = 60) -> bytes:
    """A DOCX whose document part inflates from ~60 KB to `megabytes` of spaces."""
    return docx(body=document_xml() + b" " * (megabytes * 1024 * 1024))


def encrypted_docx(tmp_path: Path) -> bytes:
    """A DOCX protected with a password by Info-ZIP (`zip -P`: real ZipCrypto)."""
    folder = tmp_path / "docx"
    (folder / "_rels").mkdir(parents=True)
    (folder / "word").mkdir()
    (folder / "[Content_Types].xml").write_bytes(DOCX_CONTENT_TYPES)
    (folder / "_rels" / ".rels").write_bytes(DOCX_RELS)
    (folder / "word" / "document.xml").write_bytes(document_xml())
    target = tmp_path / "secret.docx"
    subprocess.run(
        ["zip", "-q", "-r", "-P", "secret", str(target), "[Content_Types].xml", "_rels", "word"],
        cwd=folder,
        check=True,
    )
    return target.read_bytes()


def docx_with_member(name: str) -> bytes:
    return docx(extra=[(name, b"payload")])


HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
