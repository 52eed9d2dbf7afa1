"""Attachments' public interface for writes and serving (docs/applications.md): keep a
checked file (`attachment_store`), delete one, decide who may see it, and serve it."""

from __future__ import annotations

import hashlib
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import quote

from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _

import structlog

from onewindow.applications.models import Attachment, Draft, Message
from onewindow.backoffice.models import StaffMembership

from .checks import AttachmentRefused, Limits, check_file
from .scan import ScanError, scan
from .storage import attachment_storage, storage_name

if TYPE_CHECKING:
    from onewindow.identity.models import Account

__all__ = [
    "AttachmentRefused",
    "attachment_delete",
    "attachment_response",
    "attachment_store",
    "attachment_visible_to",
]

logger = structlog.get_logger(__name__)


def _sha256(file: IO[bytes]) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    while chunk := file.read(64 * 1024):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _already_attached(*, draft: Draft | None, message: Message | None) -> int:
    if draft is not None:
        rows = Attachment.objects.filter(draft=draft)
    elif message is not None:
        rows = Attachment.objects.filter(message=message)
    else:
        return 0
    total: int | None = rows.aggregate(total=Sum("size"))["total"]
    return total or 0


def _lock_owner(*, draft: Draft | None, message: Message | None) -> None:
    """Serialise uploads to one draft or message so two at once cannot pass the total."""
    if draft is not None:
        Draft.objects.select_for_update().filter(pk=draft.pk).first()
    elif message is not None:
        Message.objects.select_for_update().filter(pk=message.pk).first()


def attachment_store(
    uploaded_file: UploadedFile[bytes],
    *,
    uploaded_by: Account,
    draft: Draft | None = None,
    message: Message | None = None,
    field: str = "",
) -> Attachment:
    """Check, scan and keep a file for a draft or a message. Raises AttachmentRefused (with
    a translated message) and keeps nothing when the file is not acceptable."""
    if (draft is None) == (message is None):
        raise ValueError("An attachment belongs to exactly one draft or one message.")
    limits = Limits.from_settings()
    name = uploaded_file.name or ""
    size = int(uploaded_file.size or 0)
    file: IO[bytes] | None = uploaded_file.file
    if file is None:
        raise AttachmentRefused("missing", _("Select a file"))
    # Checked once before the (slow) scan, and the total once more under the lock below.
    kind, shown_name = check_file(
        file,
        name=name,
        size=size,
        already_attached=_already_attached(draft=draft, message=message),
        limits=limits,
    )
    try:
        result = scan(file)
    except ScanError:
        logger.exception("attachment.scan_failed")
        raise AttachmentRefused(
            "scan-unavailable",
            _("The file could not be checked for viruses just now. Try again in a few minutes"),
        ) from None
    if result.infected:
        logger.warning("attachment.infected", signature=result.signature)
        raise AttachmentRefused(
            "infected", _("The file contains a virus or other malware and was not uploaded")
        )
    attachment = Attachment(
        uploaded_by=uploaded_by,
        draft=draft,
        message=message,
        application=message.application if message is not None else None,
        field=field[:80],
        name=shown_name,
        content_type=kind.content_type,
        size=size,
        sha256=_sha256(file),
        scan=result.verdict,
    )
    storage = attachment_storage()
    stored_name = ""
    try:
        with transaction.atomic():
            _lock_owner(draft=draft, message=message)
            total = _already_attached(draft=draft, message=message)
            if total + size > limits.application_bytes:
                check_file(file, name=name, size=size, already_attached=total, limits=limits)
            stored_name = storage.save(storage_name(attachment.id), uploaded_file)
            attachment.file.name = stored_name
            attachment.save(force_insert=True)
    except BaseException:
        if stored_name:
            storage.delete(stored_name)
        raise
    return attachment


def attachment_delete(*, attachment: Attachment) -> None:
    """Remove the row and then the file (after the commit: a rolled-back delete keeps it)."""
    name = attachment.file.name
    storage = attachment_storage()
    with transaction.atomic():
        attachment.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))


def _is_staff_of(account: Any, agency_id: int) -> bool:
    return StaffMembership.objects.filter(
        account=account, agency_id=agency_id, is_active=True
    ).exists()


def attachment_visible_to(account: Account | AnonymousUser | None, attachment: Attachment) -> bool:
    """The uploader; the applicant of the application (or of the message's application)
    or the owner of the draft; active staff of the application's agency. Nobody else."""
    if account is None or not account.is_authenticated or not account.is_active:
        return False
    if attachment.uploaded_by_id == account.pk:
        return True
    application = attachment.application
    if application is None and attachment.message is not None:
        application = attachment.message.application
    if application is not None:
        return application.applicant_id == account.pk or _is_staff_of(
            account, application.agency_id
        )
    if attachment.draft is not None:
        return attachment.draft.owner_id == account.pk
    return False


def _content_disposition(name: str) -> str:
    fallback = name.encode("ascii", "ignore").decode().replace('"', "").replace("\\", "")
    fallback = " ".join(fallback.split()) or "document"
    if fallback.startswith("."):
        fallback = f"document{fallback}"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def attachment_response(request: HttpRequest, attachment: Attachment) -> FileResponse:
    """The file as a download, never rendered by the browser in the portal's origin.
    Call only after attachment_visible_to()."""
    file = attachment_storage().open(str(attachment.file.name), "rb")
    response = FileResponse(file, content_type=attachment.content_type)
    response["Content-Length"] = str(attachment.size)
    response["Content-Disposition"] = _content_disposition(attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox; frame-ancestors 'none'"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store, max-age=0"
    response["Pragma"] = "no-cache"
    return response
