"""Attachments' public interface for writes and serving (docs/applications.md): keep a
checked file (`attachment_store`), delete one, decide who may see it, and serve it."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import quote

from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.http import HttpRequest
from django.utils.translation import gettext as _

import structlog

from onewindow.applications.models import Attachment, Draft, Message
from onewindow.backoffice.selectors import staff_agencies
from onewindow.downloads import FileDownload

from .checks import FILE_TYPES, AttachmentRefused, Limits, check_file
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
    accept: Collection[str] = (),
) -> Attachment:
    """Check, scan and keep a file for a draft or a message. Raises AttachmentRefused (with
    a translated message) and keeps nothing when the file is not acceptable. `accept`: the
    type codes a form's file field takes (e.g. `pdf`, `docx`); empty: every accepted type."""
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
    if accept and kind.code not in accept:
        raise refused_type(accept)
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
            if kind.code in ("pdf", "asice"):
                _request_signature_check(attachment, file)
    except BaseException:
        if stored_name:
            storage.delete(stored_name)
        raise
    return attachment


def _request_signature_check(attachment: Attachment, file: IO[bytes]) -> None:
    """Have a stored PDF or ASiC-E's signatures checked by a background job, enqueued in
    the upload's transaction (validation may ask OCSP responders and CRLs: the upload
    does not wait for them). The report is shown beside the file when the job is done."""
    from onewindow.signing.services import signatures_check_request

    file.seek(0)
    signatures_check_request(attachment, file.read())


def refused_type(accept: Collection[str]) -> AttachmentRefused:
    """A file of an accepted kind, but not one this form's question takes."""
    shown = {"jpeg": "JPG", "asice": "ASiC-E"}
    names = [shown.get(kind.code, kind.code.upper()) for kind in FILE_TYPES if kind.code in accept]
    return AttachmentRefused(
        "type",
        _("The selected file must be one of these types: %(types)s") % {"types": ", ".join(names)},
    )


def attachment_delete(*, attachment: Attachment) -> None:
    """Remove the row and then the file (after the commit: a rolled-back delete keeps it)."""
    name = attachment.file.name
    storage = attachment_storage()
    with transaction.atomic():
        attachment.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name), robust=True)


def _is_staff_of(account: Any, agency_id: int) -> bool:
    """Staff as the back-office decides it (an active membership and the agency-staff
    role): someone the back-office turns away does not get the case's files here either."""
    return any(agency.pk == agency_id for agency, _role in staff_agencies(account))


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


def attachment_response(request: HttpRequest, attachment: Attachment) -> FileDownload:
    """The file as a download, never rendered by the browser in the portal's origin.
    Call only after attachment_visible_to()."""
    file = attachment_storage().open(str(attachment.file.name), "rb")
    response = FileDownload(file, content_type=attachment.content_type)
    response["Content-Length"] = str(attachment.size)
    response["Content-Disposition"] = _content_disposition(attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox; frame-ancestors 'none'"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store, max-age=0"
    response["Pragma"] = "no-cache"
    return response
