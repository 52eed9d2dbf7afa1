"""What a file really is, judged by its content (never its name), its size limits, and the
name it is shown under. Pure Python (Pillow for images); no database.

Accepted: PDF, JPEG, PNG, DOCX, ODT and ASiC-E signature containers. Everything else is
refused, and so is a file whose content contradicts its extension.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO, Final

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from PIL import Image, UnidentifiedImageError

MB: Final = 1024 * 1024
CHUNK: Final = 64 * 1024
NAME_MAX_LENGTH: Final = 120


class AttachmentRefused(Exception):
    """A file the portal will not keep: `reason` is a stable code for logs and tests,
    `message` a translated sentence for the person."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(f"{reason}: {message}")
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class FileType:
    code: str
    content_type: str
    # The extensions a name may carry for this type; the first is the one added if none.
    extensions: tuple[str, ...]


PDF: Final = FileType("pdf", "application/pdf", ("pdf",))
JPEG: Final = FileType("jpeg", "image/jpeg", ("jpg", "jpeg"))
PNG: Final = FileType("png", "image/png", ("png",))
DOCX: Final = FileType(
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ("docx",),
)
ODT: Final = FileType("odt", "application/vnd.oasis.opendocument.text", ("odt",))
ASICE: Final = FileType("asice", "application/vnd.etsi.asic-e+zip", ("asice", "sce"))
FILE_TYPES: Final = (PDF, JPEG, PNG, DOCX, ODT, ASICE)
ALLOWED_EXTENSIONS: Final = frozenset(ext for kind in FILE_TYPES for ext in kind.extensions)

DOCX_MAIN_PART: Final = (
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
)
PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
PNG_END: Final = b"\x00\x00\x00\x00IEND\xaeB`\x82"
JPEG_SIGNATURE: Final = b"\xff\xd8\xff"
JPEG_END: Final = b"\xff\xd9"
ZIP_SIGNATURE: Final = b"PK\x03\x04"
# Windows refuses these as file names whatever the extension.
WINDOWS_DEVICES: Final = frozenset(
    ["con", "prn", "aux", "nul"]
    + [f"com{n}" for n in range(1, 10)]
    + [f"lpt{n}" for n in range(1, 10)]
)


@dataclass(frozen=True)
class Limits:
    file_bytes: int
    application_bytes: int
    zip_entries: int
    zip_uncompressed_bytes: int
    zip_ratio: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            file_bytes=int(getattr(settings, "ATTACHMENT_MAX_FILE_BYTES", 10 * MB)),
            application_bytes=int(getattr(settings, "ATTACHMENT_MAX_APPLICATION_BYTES", 30 * MB)),
            zip_entries=int(getattr(settings, "ATTACHMENT_ZIP_MAX_ENTRIES", 1000)),
            zip_uncompressed_bytes=int(
                getattr(settings, "ATTACHMENT_ZIP_MAX_UNCOMPRESSED_BYTES", 100 * MB)
            ),
            zip_ratio=int(getattr(settings, "ATTACHMENT_ZIP_MAX_RATIO", 100)),
        )


def _not_allowed() -> AttachmentRefused:
    return AttachmentRefused(
        "type",
        _("The file must be a PDF, JPG, PNG, DOCX, ODT or ASiC-E (signed container) file"),
    )


def _damaged(kind: FileType) -> AttachmentRefused:
    return AttachmentRefused(
        "damaged",
        _("The file looks like a %(type)s file but is damaged or incomplete")
        % {"type": kind.code.upper()},
    )


# --- Names -------------------------------------------------------------------------------


def split_extension(name: str) -> tuple[str, str]:
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        return name, ""
    return stem, extension.lower()


def check_name(raw: str) -> str:
    """The base name of an uploaded file, or refused if the name tries to climb out of a
    folder or carries a NUL byte. A Windows full path (old browsers) becomes its last part."""
    if "\x00" in raw:
        raise AttachmentRefused("name", _("The file name contains characters that are not allowed"))
    parts = re.split(r"[\\/]", raw)
    if any(part.strip() == ".." for part in parts):
        raise AttachmentRefused("name", _("The file name contains characters that are not allowed"))
    return parts[-1]


def sanitise_name(raw: str, kind: FileType) -> str:
    """The name shown and offered on download: letters of any script (Georgian kept),
    digits and a little punctuation; no paths, control or direction-changing characters;
    spaces collapsed; short; ending in an extension of the detected type."""
    name = unicodedata.normalize("NFC", check_name(raw))
    kept = []
    for char in name:
        category = unicodedata.category(char)
        if category[0] in "LNM" or char in "-_.,()":
            kept.append(char)
        else:  # control, format (RTL override, zero width), symbols, quotes, separators
            kept.append(" ")
    name = " ".join("".join(kept).split())
    stem, extension = split_extension(name)
    stem = stem.strip(" .")
    if extension not in kind.extensions:
        extension = kind.extensions[0]
    if not stem or stem.lower() in WINDOWS_DEVICES:
        stem = f"{stem}_document" if stem else "document"
    stem = stem[: NAME_MAX_LENGTH - len(extension) - 1].rstrip(" .")
    return f"{stem}.{extension}"


def check_extension(raw: str, kind: FileType) -> None:
    """A name with an extension must agree with the content (a PDF named .jpg is refused)."""
    _stem, extension = split_extension(check_name(raw).strip())
    if extension and extension not in kind.extensions:
        raise AttachmentRefused(
            "mismatch",
            _(
                "The file is called .%(extension)s but its content is a %(type)s file. "
                "Rename it or choose the right file"
            )
            % {"extension": extension[:10], "type": kind.code.upper()},
        )


# --- Sizes -------------------------------------------------------------------------------


def check_size(size: int, *, already_attached: int, limits: Limits) -> None:
    if size <= 0:
        raise AttachmentRefused("empty", _("The selected file is empty"))
    if size > limits.file_bytes:
        raise AttachmentRefused(
            "too-large",
            _("The file must be smaller than %(limit)s")
            % {"limit": filesizeformat(limits.file_bytes)},
        )
    if already_attached + size > limits.application_bytes:
        raise AttachmentRefused(
            "total-too-large",
            _("All the files of one application together must be smaller than %(limit)s")
            % {"limit": filesizeformat(limits.application_bytes)},
        )


# --- Content -----------------------------------------------------------------------------


def _head_and_tail(file: IO[bytes], size: int, length: int = 1024) -> tuple[bytes, bytes]:
    file.seek(0)
    head = file.read(length)
    file.seek(max(0, size - length))
    tail = file.read(length)
    file.seek(0)
    return head, tail


def _check_pdf(tail: bytes) -> FileType:
    # The end-of-file marker must close the file: data after it (an appended ZIP or
    # HTML, a polyglot) is refused.
    if b"%%EOF" not in tail[-64:]:
        raise _damaged(PDF)
    return PDF


def _check_image(file: IO[bytes], tail: bytes, kind: FileType) -> FileType:
    trimmed = tail.rstrip(b"\x00\r\n ")
    end = JPEG_END if kind is JPEG else PNG_END
    if not trimmed.endswith(end):
        # Nothing may follow the image's own end (a polyglot carries its payload there).
        raise _damaged(kind)
    expected = "JPEG" if kind is JPEG else "PNG"
    try:
        file.seek(0)
        with Image.open(file) as image:
            if image.format != expected:
                raise _damaged(kind)
            image.verify()
        file.seek(0)
        with Image.open(file) as image:
            image.load()  # verify() does not decode the pixels; a truncated image fails here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _damaged(kind) from None
    finally:
        file.seek(0)
    return kind


def _unsafe_member_name(name: str) -> bool:
    if not name or "\x00" in name or "\\" in name or name.startswith("/"):
        return True
    if re.match(r"^[A-Za-z]:", name):
        return True
    return any(part == ".." for part in name.split("/"))


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> tuple[bytes, int]:
    """The first KB of a member and how many bytes it really inflates to, stopping as soon
    as it passes `budget` (declared sizes can lie). Reading it whole also checks its CRC."""
    first = b""
    total = 0
    with archive.open(info) as member:
        while chunk := member.read(CHUNK):
            if not first:
                first = chunk[:1024]
            total += len(chunk)
            if total > budget or total > info.file_size:
                raise AttachmentRefused(
                    "zip-bomb", _("The file unpacks to too much data to be a normal document")
                )
    return first, total


def _check_zip(file: IO[bytes], size: int, limits: Limits) -> FileType:
    bomb = AttachmentRefused(
        "zip-bomb", _("The file unpacks to too much data to be a normal document")
    )
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _not_allowed() from None
    with archive:
        infos = archive.infolist()
        if not infos:
            raise _not_allowed()
        if len(infos) > limits.zip_entries:
            raise AttachmentRefused(
                "zip-entries", _("The file contains too many parts to be a normal document")
            )
        names = [info.filename for info in infos]
        if len(set(names)) != len(names) or any(_unsafe_member_name(n) for n in names):
            raise AttachmentRefused(
                "zip-paths", _("The file contains parts with names that are not allowed")
            )
        if any(info.flag_bits & 0x1 for info in infos):
            raise AttachmentRefused(
                "encrypted",
                _("The file is protected with a password. Remove the password and try again"),
            )
        declared = sum(info.file_size for info in infos)
        if declared > limits.zip_uncompressed_bytes or declared > size * limits.zip_ratio:
            raise bomb
        firsts: dict[str, bytes] = {}
        total = 0
        for info in infos:
            budget = min(limits.zip_uncompressed_bytes, size * limits.zip_ratio) - total
            try:
                first, inflated = _read_member(archive, info, budget)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
                raise _not_allowed() from None
            except RuntimeError:  # an encrypted member not flagged as such
                raise AttachmentRefused(
                    "encrypted",
                    _("The file is protected with a password. Remove the password and try again"),
                ) from None
            total += inflated
            firsts[info.filename] = first
        return _zip_kind(infos, firsts)


def _zip_kind(infos: list[zipfile.ZipInfo], firsts: dict[str, bytes]) -> FileType:
    first = infos[0]
    if first.filename == "mimetype":
        # ODF and ASiC: `mimetype` first and stored uncompressed, so its bytes sit at a
        # fixed offset where other programs look for them.
        mimetype = firsts["mimetype"].strip()
        if first.compress_type != zipfile.ZIP_STORED:
            raise _not_allowed()
        if mimetype == ASICE.content_type.encode() and "META-INF/manifest.xml" in firsts:
            return ASICE
        if (
            mimetype == ODT.content_type.encode()
            and {
                "content.xml",
                "META-INF/manifest.xml",
            }
            <= firsts.keys()
        ):
            return ODT
        raise _not_allowed()
    content_types = firsts.get("[Content_Types].xml", b"")
    if (
        DOCX_MAIN_PART in content_types
        and "word/document.xml" in firsts
        # A document with macros is not accepted even when renamed to .docx.
        and not any(name.lower().endswith("vbaproject.bin") for name in firsts)
    ):
        return DOCX
    raise _not_allowed()


def detect(file: IO[bytes], size: int, limits: Limits) -> FileType:
    """The type of the file from its content, after checking that it is whole and safe to
    open; refused if it is none of the accepted types."""
    head, tail = _head_and_tail(file, size)
    if head.startswith(b"%PDF-"):
        return _check_pdf(tail)
    if head.startswith(JPEG_SIGNATURE):
        return _check_image(file, tail, JPEG)
    if head.startswith(PNG_SIGNATURE):
        return _check_image(file, tail, PNG)
    if head.startswith(ZIP_SIGNATURE):
        try:
            return _check_zip(file, size, limits)
        finally:
            file.seek(0)
    raise _not_allowed()


def check_file(
    file: IO[bytes], *, name: str, size: int, already_attached: int, limits: Limits
) -> tuple[FileType, str]:
    """All the checks in order: the name, the sizes, the content, the extension. Returns
    the detected type and the sanitised name; raises AttachmentRefused."""
    check_name(name)
    check_size(size, already_attached=already_attached, limits=limits)
    kind = detect(file, size, limits)
    check_extension(name, kind)
    return kind, sanitise_name(name, kind)
