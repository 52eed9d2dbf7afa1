"""Files chosen on a form page of the apply journey (a multipart page form): read without
keeping an over-large file whole, then stored all or nothing through `attachment_store`."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from onewindow.applications.models import Attachment, Draft

from .checks import AttachmentRefused, check_name
from .services import attachment_delete, attachment_store

if TYPE_CHECKING:
    from onewindow.identity.models import Account


class OversizedUpload(SimpleUploadedFile):
    """Stands in for a file that passed the per-file limit while it was read: its bytes
    were dropped, only its name is kept (to say which file was too big)."""


class PageUploadLimiter(FileUploadHandler):
    """First of the upload handlers: passes each file on until it passes `limit`, then
    drops the rest of that file (and only that file), so that a huge file is never written
    to disk whole and the page's other answers, posted after it, are still read."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.oversized = False

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.oversized = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.oversized or start + len(raw_data) > self.limit:
            self.oversized = True
            return None  # the next handlers never see it
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile[bytes] | None:
        if self.oversized:
            return OversizedUpload(self.file_name or "", b"")
        return None


@dataclass(frozen=True)
class FieldUpload:
    """The files chosen for one file question: where they go and how many it takes."""

    field: str
    files: Sequence[UploadedFile[bytes]]
    accept: Collection[str]
    room: int  # how many more files the question takes
    too_many: str  # the message when more were chosen than that


def _shown_name(upload: UploadedFile[bytes]) -> str:
    try:
        return check_name(upload.name or "")[:80]
    except AttachmentRefused:  # a name that tries to climb out of its folder: not repeated
        return ""


def _store_one(
    upload: UploadedFile[bytes],
    *,
    item: FieldUpload,
    draft: Draft,
    uploaded_by: Account,
    limit: int,
) -> Attachment:
    if isinstance(upload, OversizedUpload):
        raise AttachmentRefused(
            "too-large",
            _("The file must be smaller than %(limit)s") % {"limit": filesizeformat(limit)},
        )
    return attachment_store(
        upload, uploaded_by=uploaded_by, draft=draft, field=item.field, accept=item.accept
    )


def store_page_uploads(
    uploads: Sequence[FieldUpload], *, draft: Draft, uploaded_by: Account, limit: int
) -> tuple[list[Attachment], dict[str, str]]:
    """Keep every chosen file, or none: the first refusal (named after its file when
    several were chosen) is the field's error and whatever this post stored is removed
    again. Returns (stored, errors by field name)."""
    stored: list[Attachment] = []
    errors: dict[str, str] = {}
    for item in uploads:
        chosen = [upload for upload in item.files if upload.name or upload.size]
        if not chosen:
            continue
        if len(chosen) > item.room:
            errors[item.field] = item.too_many
            continue
        for upload in chosen:
            try:
                stored.append(
                    _store_one(upload, item=item, draft=draft, uploaded_by=uploaded_by, limit=limit)
                )
            except AttachmentRefused as refused:
                name = _shown_name(upload)
                several = len(chosen) > 1 and name
                errors[item.field] = f"{name}: {refused.message}" if several else refused.message
                break
    if errors:
        for attachment in stored:
            attachment_delete(attachment=attachment)
        return [], errors
    return stored, errors


def chosen_files(files: Mapping[str, Any], field: str) -> list[UploadedFile[bytes]]:
    """The files posted under a field's input (an empty file input posts nothing)."""
    getlist = getattr(files, "getlist", None)
    found = getlist(field) if getlist else files.get(field, [])
    return list(found if isinstance(found, list) else [found])
