"""The signing room's public write interface: issuing sealed, verifiable documents
(docs/signing.md, "Issued documents").

`issue_document` is all or nothing: the code and QR code go into the document, the agency
seals it on the server (B-LTA), and only then are the file and its row kept, together.
A refusal of the seal (`SigningRefused`) or an unusable token (`SealUnavailable`) becomes
`IssuingRefused` with a translated message, and nothing is kept. When the transaction that
wrote the row is rolled back later (a caller's larger transaction failing), the stored file
goes too (`_forget_file_on_rollback`).
"""

from __future__ import annotations

import hashlib
import io
import weakref
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

import structlog

from . import issued
from .errors import SigningRefused
from .models import IssuedDocument

if TYPE_CHECKING:
    from onewindow.applications.models import Application
    from onewindow.catalog.models import Agency
    from onewindow.identity.models import Account

log = structlog.get_logger(__name__)

Kind = IssuedDocument.Kind
Renderer = Callable[[issued.Stamp], bytes]
_CODE_ATTEMPTS = 5

# My data's informational service behind each extract, and the registry's catalogue code.
EXTRACTS: dict[str, tuple[str, str]] = {
    Kind.ENTREPRENEURS_EXTRACT: ("enterprise-participation", "napr"),
    Kind.REAL_ESTATE_EXTRACT: ("real-estate", "napr"),
}
EXTRACT_TITLES: dict[str, tuple[str, str]] = {
    Kind.ENTREPRENEURS_EXTRACT: (
        "Extract from the Registry of Entrepreneurs",
        "ამონაწერი მეწარმეთა და არასამეწარმეო (არაკომერციული) იურიდიული პირების რეესტრიდან",
    ),
    Kind.REAL_ESTATE_EXTRACT: (
        "Extract from the Real Estate Registry",
        "ამონაწერი საჯარო რეესტრიდან (უძრავი ქონება)",
    ),
}


class IssuingRefused(Exception):
    """The document could not be issued; `message` says so to the person (translated)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _unused_code() -> str:
    for _attempt in range(_CODE_ATTEMPTS):
        code = issued.new_code()
        if not IssuedDocument.objects.filter(code=code).exists():
            return code
    raise IssuingRefused("no-code", _("The document could not be issued. Try again."))


def _seal(pdf: bytes, agency: Agency, reason: str) -> bytes:
    from . import hsm, pades

    try:
        return pades.seal_on_server(pdf, agency_code=agency.code, reason=reason)
    except SigningRefused as refused:
        log.warning("signing.issue-refused", agency=agency.code, code=refused.code)
        raise IssuingRefused(
            refused.code,
            _(
                "The agency's seal could not be applied just now (%(code)s), so nothing was "
                "issued or sent. Try again in a few minutes."
            )
            % {"code": refused.code},
        ) from refused
    except hsm.SealUnavailable as unavailable:
        log.error("signing.seal-unavailable", agency=agency.code, error=str(unavailable))
        raise IssuingRefused(
            "seal-unavailable",
            _(
                "The agency's seal is not available, so nothing was issued or sent. "
                "Tell the portal's operator."
            ),
        ) from unavailable


def issue_document(
    pdf: bytes | Renderer,
    *,
    agency: Agency,
    kind: str,
    title: str,
    title_ka: str,
    application: Application | None = None,
    issued_to: Account | None = None,
    request_key: str | None = None,
) -> IssuedDocument:
    """Stamp a new verification code and its QR code on the document, have `agency` seal
    it on the server (B-LTA) and keep the file with its row; raises `IssuingRefused`.

    `pdf` is either a finished PDF (the code and QR code are stamped on its last page) or,
    better, a function that renders the document with the given `issued.Stamp` in its
    footer (`issued.render_pdf` with a template extending signing/issued_base.html).

    `request_key` (with `issued_to`): the one-time key of the person's button press
    (`signing.issue_requests`). The document already issued for it is returned instead of
    a new one — also when two requests with the key race: the database's unique
    constraint lets one row in, and the other request returns that row."""
    if kind not in Kind.values:
        raise ValueError(f"unknown kind {kind!r}")
    if request_key:
        if issued_to is None:
            raise ValueError("a request key needs the person it is issued to")
        earlier = _issued_for_request(issued_to, request_key)
        if earlier is not None:
            return earlier
    stamp = issued.Stamp(_unused_code())
    body = pdf(stamp) if callable(pdf) else issued.stamp_existing(pdf, stamp)
    sealed = _seal(body, agency, reason=title)
    document = IssuedDocument(
        code=stamp.code,
        sha256=hashlib.sha256(sealed).hexdigest(),
        title=title[:300],
        title_ka=title_ka[:300],
        kind=kind,
        agency=agency,
        application=application,
        issued_to=issued_to,
        size=len(sealed),
        request_key=request_key or "",
    )
    stored = ""
    try:
        with transaction.atomic():
            document.file.save(f"{stamp.code}.pdf", ContentFile(sealed), save=False)
            stored = document.file.name or ""
            document.save(force_insert=True)
            _forget_file_on_rollback(document.file.storage, stored)
    except IntegrityError:
        if stored:
            document.file.storage.delete(stored)
        earlier = (
            _issued_for_request(issued_to, request_key)
            if issued_to is not None and request_key
            else None
        )
        if earlier is None:
            raise
        log.info("signing.issued-once", kind=kind, document=str(earlier.pk))
        return earlier
    except BaseException:
        if stored:
            document.file.storage.delete(stored)
        raise
    log.info("signing.issued", kind=kind, agency=agency.code, document=str(document.pk))
    return document


def _issued_for_request(issued_to: Account, request_key: str) -> IssuedDocument | None:
    return IssuedDocument.objects.filter(issued_to=issued_to, request_key=request_key).first()


class _KeepFile:
    """The commit callback of a stored issued file: running marks the file as kept."""

    __slots__ = ("__weakref__", "state")

    def __init__(self, state: dict[str, bool]) -> None:
        self.state = state

    def __call__(self) -> None:
        self.state["kept"] = True


def _forget_file_on_rollback(storage: Storage, name: str) -> None:
    """Delete the stored file `name` when the transaction (or savepoint) that wrote its row
    is rolled back; keep it when it commits.

    Django has no rollback hook, but it promises the opposite: a commit callback
    registered in a transaction that is rolled back, or in a savepoint rolled back to, is
    discarded and never called (`transaction.on_commit`). The callback here is held by
    nothing but Django's list of pending callbacks, so when Django discards it the object
    is freed at once (CPython frees on the last reference) and its finalizer deletes the
    file, unless it ran, i.e. the row committed. Like any commit callback it would be
    dropped if an earlier, non-robust commit callback of the same transaction raised, so
    every commit callback in the portal is robust (a test walks the sources). A process
    killed mid-transaction leaves the file behind (the finalizer does not run)."""
    state = {"kept": False}
    keep = _KeepFile(state)
    weakref.finalize(keep, _delete_unless_kept, storage, name, state)
    transaction.on_commit(keep, robust=True)


def _delete_unless_kept(storage: Storage, name: str, state: dict[str, bool]) -> None:
    if state["kept"]:
        return
    try:
        storage.delete(name)
    except Exception:  # a finalizer must not raise; the file is then left behind
        log.exception("signing.issued-file-not-deleted", file=name)
        return
    log.info("signing.issued-file-rolled-back", file=name)


# --- The agency's answer --------------------------------------------------------------------


def answer_file_name(application: Application) -> str:
    return f"Answer {application.reference}.pdf"


def issue_answer(
    application: Application, *, body: str, outcome: str, enclosed: Sequence[str] = ()
) -> IssuedDocument:
    """The agency's answer letter (agency, reference, date, outcome, text and the enclosed
    documents' names), in the application's language, sealed by the agency."""
    language = application.language if application.language in ("ka", "en") else "ka"
    with translation.override(language):
        outcome_label = str(dict(application.Outcome.choices).get(outcome, outcome))
    context: dict[str, Any] = {
        "application": application,
        "agency_name": getattr(application.agency, f"name_{language}"),
        "service_title": getattr(application.service, f"title_{language}"),
        "answered_on": timezone.localdate(),
        "outcome": outcome_label,
        "body": body.strip(),
        "enclosed": list(enclosed),
    }
    return issue_document(
        lambda stamp: issued.render_pdf(
            "signing/answer_pdf.html", context, stamp=stamp, language=language
        ),
        agency=application.agency,
        kind=Kind.ANSWER,
        title=f"Answer to application {application.reference}",
        title_ka=f"პასუხი განცხადებაზე {application.reference}",
        application=application,
        issued_to=application.applicant,
    )


# --- Registry extracts from My data ---------------------------------------------------------


def issue_extract(
    *, account: Account, kind: str, language: str, request_key: str | None = None
) -> IssuedDocument:
    """An extract of the registry's data about the signed-in person, asked now through the
    exchange (and so recorded in their data-access log), sealed by the registry's agency.
    Refused, with nothing kept, when the registry does not answer. `request_key`: see
    `issue_document` (the view has already answered a key it knows)."""
    from onewindow.catalog.selectors import catalog
    from onewindow.mydata.services import personal_data_service

    service_code, agency_code = EXTRACTS[kind]
    agency = catalog().agencies_by_code.get(agency_code)
    section = personal_data_service(account=account, code=service_code)
    if agency is None or section is None:
        raise IssuingRefused("no-registry", _("This extract is not available."))
    if section.failed:
        raise IssuingRefused(
            "registry-unavailable",
            _("The registry did not answer, so no extract was made. Try again later."),
        )
    title, title_ka = EXTRACT_TITLES[kind]
    context: dict[str, Any] = {
        "title": title_ka if language == "ka" else title,
        "agency_name": getattr(agency, f"name_{language}", agency.name_ka),
        "section": section,
        "person_name": _person_name(account, language),
        "personal_number": account.personal_number,
        "as_of": timezone.localtime(),
    }
    return issue_document(
        lambda stamp: issued.render_pdf(
            "signing/extract_pdf.html", context, stamp=stamp, language=language
        ),
        agency=agency,
        kind=kind,
        title=title,
        title_ka=title_ka,
        issued_to=account,
        request_key=request_key,
    )


def _person_name(account: Account, language: str) -> str:
    if language == "ka":
        name = f"{account.first_name_ka} {account.last_name_ka}".strip()
        if name:
            return name
    return account.get_full_name() or account.get_username()


__all__ = [
    "EXTRACTS",
    "IssuingRefused",
    "SignatureMissing",
    "answer_file_name",
    "issue_answer",
    "issue_document",
    "issue_extract",
    "signature_for_submission",
    "signature_submitted",
    "signatures_check",
    "signatures_check_request",
    "signatures_check_requeue",
    "signatures_check_run",
]


# --- The signing step of the apply journey (signing.signed_drafts) -------------------------


class SignatureMissing(Exception):
    """The draft cannot be submitted: it needs a valid signature of what it says now."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def signature_for_submission(draft: Any, account: Any) -> tuple[bytes, Any] | None:
    """The signed application (B-LTA) to keep as the application's document, with its
    session (for `signature_submitted`), or None when the draft is sent unsigned.

    Raises `SignatureMissing` (translated) when the service needs a signature and there is
    no valid one, when the answers changed after signing, or when the archive timestamp
    cannot be had (fail closed: nothing is submitted). Called outside the submit
    transaction (it asks the TSA)."""
    from . import signed_drafts

    needed = signed_drafts.requirement(draft)
    if needed == "none":
        return None
    stale = signed_drafts.has_stale_signature(draft)
    session = None if stale else signed_drafts.valid_signature(draft, account)
    if session is None:
        if stale:
            raise SignatureMissing(
                _(
                    "Your answers changed after you signed, so the signature no longer "
                    "matches the application. Sign it again before sending."
                )
            )
        if needed == "required" or signed_drafts.current_signature(draft) is not None:
            raise SignatureMissing(
                _("This application must be signed with your ID card before it is sent.")
                if not draft.acting_for
                else _("This application must be sealed with the company's seal before it is sent.")
            )
        return None
    try:
        return signed_drafts.archived_pdf(session), session
    except SigningRefused as refused:
        raise SignatureMissing(
            _("Nothing has been sent. %(reason)s") % {"reason": refused.message}
        ) from refused


def signature_submitted(session: Any) -> None:
    """After the application is stored with its signed PDF: drop the session's copy."""
    from . import signed_drafts

    signed_drafts.forget_signed_file(session)


# --- Validation of signed attachments (docs/signing.md, "Validation") --------------------------
#
# The upload only records that a file's signatures are to be checked and enqueues the job
# (`signatures_check_request`, in the upload's transaction); the job validates, which may ask
# OCSP responders and CRLs (`signatures_check_run`). A citizen's upload never waits on a
# third party's responder.

SIGNED_CONTENT_TYPES = frozenset({"application/pdf", "application/vnd.etsi.asic-e+zip"})
# Unexpected failures of the job are tried again after these delays, then the check is
# recorded as `failed` ("could not be checked"): it never stays pending silently.
CHECK_RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=10))


def _unsigned_pdf(data: bytes) -> bool:
    """A readable PDF with no signature and no document timestamp: what
    `validation.validate` reports as "unsigned", judged the same way (pyHanko's reader,
    no network), so the upload can finish it at once. Anything else, including a PDF that
    does not read, is left to the job (which reports it)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    max_bytes = int(getattr(settings, "ATTACHMENT_MAX_FILE_BYTES", 10 * 1024 * 1024))
    if not data.startswith(b"%PDF-") or len(data) > max_bytes:
        return False
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signed = any(True for _ in reader.embedded_regular_signatures) or any(
            True for _ in reader.embedded_timestamp_signatures
        )
    except Exception:  # unreadable here: the job's validation reports it
        return False
    return not signed


def signatures_check_request(attachment: Any, data: bytes) -> Any:
    """Called by the upload inside its transaction: for a PDF or ASiC-E, record that its
    signatures are to be checked (a `pending` `SignatureCheck`) and enqueue
    `check_signatures`, so the job commits (or vanishes) with the upload. None, and
    nothing recorded, for other files and for PDFs that plainly carry no signature.
    Never uses the network."""
    from .models import SignatureCheck
    from .tasks import check_signatures

    if attachment.content_type not in SIGNED_CONTENT_TYPES:
        return None
    if attachment.content_type == "application/pdf" and _unsigned_pdf(data):
        return None
    check, _created = SignatureCheck.objects.update_or_create(
        attachment=attachment,
        defaults={
            "status": SignatureCheck.Status.PENDING,
            "report": {},
            "valid": False,
            "checked_at": None,
        },
    )
    check_signatures.enqueue(str(attachment.pk))
    return check


def signatures_check(attachment: Any, data: bytes | None = None) -> Any:
    """Validate a stored PDF or ASiC-E attachment now and keep its report (a `done`
    `signing.models.SignatureCheck`, replaced on a re-check); None for other files and
    for PDFs without any signature (nothing to report beside them: a pending row is
    removed). May use the network (OCSP, CRLs): call it from a job, not a request.
    `data`: the file's bytes when the caller has them, else read from the attachment."""
    from .models import SignatureCheck
    from .validation import validate

    if attachment.content_type not in SIGNED_CONTENT_TYPES:
        return None
    if data is None:
        with attachment.file.open("rb") as file:
            data = file.read()
    report = validate(data, filename=attachment.name)
    if report.format == "unsigned":
        SignatureCheck.objects.filter(attachment=attachment).delete()
        return None
    check, _created = SignatureCheck.objects.update_or_create(
        attachment=attachment,
        defaults={
            "status": SignatureCheck.Status.DONE,
            "report": report.to_json(),
            "valid": report.valid,
            "checked_at": timezone.now(),
        },
    )
    log.info("signing.signatures_checked", attachment=str(attachment.pk), valid=report.valid)
    return check


def signatures_check_run(*, attachment_id: str, attempt: int = 1) -> str:
    """The job's work (`signing.tasks.check_signatures`): validate the attachment and keep
    its report. Idempotent: a check already done is kept as it is ("already-done"), a file
    deleted since is skipped ("gone"). An unexpected failure is tried again later
    ("retry"); after the last attempt the check is recorded as `failed` ("failed")."""
    from onewindow.applications.models import Attachment

    from .models import SignatureCheck
    from .tasks import check_signatures

    attachment = (
        Attachment.objects.select_related("signature_check").filter(pk=attachment_id).first()
    )
    if attachment is None:
        return "gone"
    try:
        existing = attachment.signature_check
    except SignatureCheck.DoesNotExist:
        existing = None
    if existing is not None and existing.status == SignatureCheck.Status.DONE:
        return "already-done"
    try:
        check = signatures_check(attachment)
    except Exception as error:  # recorded below: never left pending silently
        log.exception("signing.signatures_check_failed", attachment=attachment_id, attempt=attempt)
        if attempt <= len(CHECK_RETRY_DELAYS):
            run_after = timezone.now() + CHECK_RETRY_DELAYS[attempt - 1]
            check_signatures.using(run_after=run_after).enqueue(attachment_id, attempt=attempt + 1)
            return "retry"
        SignatureCheck.objects.update_or_create(
            attachment=attachment,
            defaults={
                "status": SignatureCheck.Status.FAILED,
                "report": {"error": type(error).__name__},
                "valid": False,
                "checked_at": timezone.now(),
            },
        )
        return "failed"
    return "unsigned" if check is None else "done"


# Checks still pending this long after their upload are taken as stuck (their worker died).
REQUEUE_AFTER = timedelta(minutes=30)


def signatures_check_requeue(*, older_than: timedelta = REQUEUE_AFTER) -> int:
    """Enqueue the job again for every check still pending for a file uploaded more than
    `older_than` ago, and return how many. For a worker that died in the middle of a check
    (django-tasks-db then leaves its job RUNNING and never runs it again); harmless for a
    check whose job is merely late (the second run finds it done). Run daily by the
    schedule (`tasks.requeue_signature_checks`) and by `manage.py
    signature_checks_requeue`."""
    from .models import SignatureCheck
    from .tasks import check_signatures

    stale = SignatureCheck.objects.filter(
        status=SignatureCheck.Status.PENDING,
        attachment__uploaded_at__lt=timezone.now() - older_than,
    ).values_list("attachment_id", flat=True)
    count = 0
    with transaction.atomic():
        for attachment_id in stale:
            check_signatures.enqueue(str(attachment_id))
            count += 1
    log.info("signing.signatures_check_requeued", count=count)
    return count
