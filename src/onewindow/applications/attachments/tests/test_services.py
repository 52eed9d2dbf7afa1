"""attachment_store and friends: what is kept (row and file), what is refused (neither),
scanning, the storage folder."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

import pytest

from onewindow.applications.attachments import services, storage
from onewindow.applications.attachments.services import AttachmentRefused
from onewindow.applications.models import Attachment, Message

from . import files
from .conftest import World, stored_files, upload

GOOD = [
    (files.pdf, "განცხადება.pdf", "application/pdf"),
    (files.jpeg, "photo.jpeg", "image/jpeg"),
    (files.png, "scan.png", "image/png"),
    (
        files.docx,
        "letter.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (files.odt, "letter.odt", "application/vnd.oasis.opendocument.text"),
    (files.asice, "signed.asice", "application/vnd.etsi.asic-e+zip"),
]


@pytest.mark.parametrize(("make", "name", "content_type"), GOOD)
def test_a_good_file_is_kept_under_its_uuid(
    world: World, attachment_settings: Path, make: Any, name: str, content_type: str
) -> None:
    content = make()
    attachment = services.attachment_store(
        upload(content, name), uploaded_by=world.citizen, draft=world.draft, field="passport"
    )
    attachment.refresh_from_db()
    assert attachment.content_type == content_type
    assert attachment.name == name
    assert attachment.size == len(content)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.scan == Attachment.Scan.NOT_SCANNED
    assert attachment.field == "passport"
    [path] = stored_files(attachment_settings)
    assert path.name == str(attachment.id)  # never the person's file name
    assert path.read_bytes() == content
    assert path.stat().st_mode & 0o077 == 0  # readable by the portal only


BAD = [
    ("pdf-named-jpg", lambda tmp: files.pdf(), "photo.jpg", "mismatch"),
    ("html-named-pdf", lambda tmp: files.HTML, "invoice.pdf", "type"),
    ("empty", lambda tmp: b"", "empty.pdf", "empty"),
    ("docx-bomb", lambda tmp: files.docx_bomb(), "bomb.docx", "zip-bomb"),
    ("encrypted", files.encrypted_docx, "secret.docx", "encrypted"),
    ("windows-traversal", lambda tmp: files.pdf(), "..\\..\\etc\\passwd.pdf", "name"),
    ("nul", lambda tmp: files.pdf(), "passwd.pdf\x00.png", "name"),
    ("polyglot", lambda tmp: files.jpeg() + files.docx(), "photo.jpg", "damaged"),
]


@pytest.mark.parametrize(("case", "make", "name", "reason"), BAD, ids=[row[0] for row in BAD])
def test_a_bad_file_is_refused_and_nothing_is_kept(
    world: World, attachment_settings: Path, tmp_path: Path, case: str, make: Any, name: str,
    reason: str,
) -> None:  # fmt: skip
    with pytest.raises(AttachmentRefused) as caught:
        services.attachment_store(
            upload(make(tmp_path), name), uploaded_by=world.citizen, draft=world.draft
        )
    assert caught.value.reason == reason
    assert caught.value.message
    assert not Attachment.objects.exists()
    assert stored_files(attachment_settings) == []


def test_an_oversized_file_is_refused(
    world: World, settings: Any, attachment_settings: Path
) -> None:
    settings.ATTACHMENT_MAX_FILE_BYTES = 2000
    with pytest.raises(AttachmentRefused) as caught:
        services.attachment_store(
            upload(files.jpeg((300, 300)), "big.jpg"), uploaded_by=world.citizen, draft=world.draft
        )
    assert caught.value.reason == "too-large"
    assert not Attachment.objects.exists() and stored_files(attachment_settings) == []


def test_the_total_per_application_counts_the_files_already_there(
    world: World, settings: Any, attachment_settings: Path
) -> None:
    first, second = files.pdf("one"), files.png()
    settings.ATTACHMENT_MAX_APPLICATION_BYTES = len(first) + len(second) - 1
    services.attachment_store(upload(first, "a.pdf"), uploaded_by=world.citizen, draft=world.draft)
    with pytest.raises(AttachmentRefused) as caught:
        services.attachment_store(
            upload(second, "b.png"), uploaded_by=world.citizen, draft=world.draft
        )
    assert caught.value.reason == "total-too-large"
    assert Attachment.objects.count() == 1 and len(stored_files(attachment_settings)) == 1


def test_an_infected_file_is_refused_and_nothing_kept(
    world: World, settings: Any, attachment_settings: Path, clamd_tcp: tuple[str, Any]
) -> None:
    address, handler = clamd_tcp
    settings.ATTACHMENT_CLAMD_SOCKET = address
    # A real PDF carrying the EICAR test string in a comment.
    infected = files.pdf().replace(b"%PDF-1.4\n", b"%PDF-1.4\n%" + files.EICAR + b"\n", 1)
    assert infected != files.pdf()
    with pytest.raises(AttachmentRefused) as caught:
        services.attachment_store(
            upload(infected, "a.pdf"), uploaded_by=world.citizen, draft=world.draft
        )
    assert caught.value.reason == "infected"
    assert handler.received == [infected]
    assert not Attachment.objects.exists() and stored_files(attachment_settings) == []
    clean = services.attachment_store(
        upload(files.pdf(), "b.pdf"), uploaded_by=world.citizen, draft=world.draft
    )
    assert clean.scan == Attachment.Scan.CLEAN


def test_a_configured_scanner_that_does_not_answer_refuses_the_file(
    world: World, settings: Any, attachment_settings: Path, tmp_path: Path
) -> None:
    settings.ATTACHMENT_CLAMD_SOCKET = f"unix://{tmp_path / 'nobody-here.ctl'}"
    with pytest.raises(AttachmentRefused) as caught:
        services.attachment_store(
            upload(files.pdf(), "a.pdf"), uploaded_by=world.citizen, draft=world.draft
        )
    assert caught.value.reason == "scan-unavailable"
    assert not Attachment.objects.exists() and stored_files(attachment_settings) == []


def test_a_message_file_belongs_to_the_application_too(world: World) -> None:
    message = Message.objects.create(
        application=world.application, direction="to-citizen", author=world.clerk, body="ok"
    )
    attachment = services.attachment_store(
        upload(files.pdf(), "decision.pdf"), uploaded_by=world.clerk, message=message
    )
    assert attachment.application == world.application
    assert attachment.draft is None


def test_exactly_one_owner(world: World) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        services.attachment_store(upload(files.pdf(), "a.pdf"), uploaded_by=world.citizen)


@pytest.mark.django_db(transaction=True)
def test_delete_removes_row_and_file(world: World, attachment_settings: Path) -> None:
    attachment = services.attachment_store(
        upload(files.png(), "a.png"), uploaded_by=world.citizen, draft=world.draft
    )
    assert len(stored_files(attachment_settings)) == 1
    services.attachment_delete(attachment=attachment)
    assert not Attachment.objects.exists()
    assert stored_files(attachment_settings) == []


def test_the_storage_is_outside_the_served_folders(
    settings: Any, attachment_settings: Path
) -> None:
    location = Path(storage.attachment_storage().path("x")).resolve()  # type: ignore[attr-defined]
    assert location.is_relative_to(attachment_settings.resolve())
    for served in (settings.STATIC_ROOT, *settings.STATICFILES_DIRS):
        assert not location.is_relative_to(Path(served).resolve())


def test_the_default_root_is_media_root_else_var_files(settings: Any, tmp_path: Path) -> None:
    del settings.ATTACHMENT_ROOT
    settings.MEDIA_ROOT = tmp_path / "media"
    assert storage.attachment_root() == (tmp_path / "media").resolve()
    settings.MEDIA_ROOT = ""
    root = storage.attachment_root()
    assert root == (Path(settings.VAR_DIR) / "files").resolve()
    assert not root.is_relative_to(Path(settings.STATIC_ROOT).resolve())


@pytest.mark.parametrize("where", ["static-root", "static-root-parent", "staticfiles-dir"])
def test_a_root_in_a_served_folder_is_refused(settings: Any, where: str) -> None:
    settings.ATTACHMENT_ROOT = {
        "static-root": Path(settings.STATIC_ROOT) / "files",
        "static-root-parent": Path(settings.STATIC_ROOT).parent,
        "staticfiles-dir": Path(settings.STATICFILES_DIRS[0]) / "files",
    }[where]
    with pytest.raises(ImproperlyConfigured, match="must not be inside"):
        storage.attachment_storage()


def test_s3_without_django_storages_says_what_to_install(settings: Any) -> None:
    settings.ATTACHMENT_S3_OPTIONS = {"bucket_name": "attachments"}
    try:
        import storages  # noqa: F401
    except ImportError:
        with pytest.raises(ImproperlyConfigured, match="django-storages"):
            storage.attachment_storage()
    else:
        assert type(storage.attachment_storage()).__name__ == "S3Storage"


def test_storage_names_are_the_uuid(world: World) -> None:
    attachment = services.attachment_store(
        upload(files.pdf(), "../../etc/passwd.pdf"), uploaded_by=world.citizen, draft=world.draft
    )
    assert attachment.file.name == f"attachments/{attachment.id.hex[:2]}/{attachment.id}"
    assert attachment.name == "passwd.pdf"  # Django already keeps only the base name
    assert attachment.uploaded_at <= timezone.now()
