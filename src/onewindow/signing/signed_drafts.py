"""Signing a draft application with the ID card or a company seal, through the card agent
(docs/signing.md, "The signing step"): the part of the integration that is not HTTP.

`document` is the draft as PDF/A-3 with the chosen attachments embedded, rendered once per
version of the draft and kept (`DraftRendition`): the page, its preview and `start` read
the same bytes. `start` has the engine prepare them for the card's certificate;
`complete` embeds the card's signature
(B-LT) and keeps the signed file; `valid_signature` tells submission whether the draft
carries a signature of what it says now; `archive` makes the signed file B-LTA for the
application. A refusal of the engine is `SigningRefused`; nothing half-signed is stored.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

import structlog

from .errors import SigningRefused
from .models import DraftRendition, SigningSession

if TYPE_CHECKING:
    from onewindow.applications.models import Application, Attachment, Draft

    from .validation import SignatureReport

log = structlog.get_logger(__name__)

# The card agent's requests live 5 minutes; the engine's state 15. A session is kept a
# little longer than the agent's request, never longer than the engine's state.
SESSION_LIFETIME = timedelta(minutes=10)
SIGNABLE_SCANS = ("clean", "not-scanned")
# Renditions of one version of a draft kept at once: one per choice of files to sign with
# it (the page's default choice, and a few the person tried in the preview).
RENDITIONS_KEPT = 4


@dataclass(frozen=True)
class Started:
    """What the card must sign, and the short fingerprint the agent's dialog shows."""

    session: SigningSession
    digest: bytes
    hash_function: str
    fingerprint: str


# What a service's `signature` (catalogue) may say.
REQUIRED, OPTIONAL, NONE = "required", "optional", "none"


def requirement(draft: Draft) -> str:
    """Whether the draft must be signed (required|optional|none): the service's
    `signature`, except that a letter written for a company or organisation of a service
    that takes a signature at all is REQUIRED to carry that company's seal (the catalogue
    and the form promise "a letter sent for a company gets its electronic seal"; unsealed,
    nothing shows the agency that the company stands behind it)."""
    declared = str(getattr(draft.service, "signature", NONE) or NONE)
    if draft.acting_for and declared in (REQUIRED, OPTIONAL):
        return REQUIRED
    return declared


def kind_for(draft: Draft) -> str:
    """A company's application is sealed with its seal; a person's is signed."""
    return SigningSession.Kind.SEAL if draft.acting_for else SigningSession.Kind.PERSON


def signable_attachments(draft: Draft) -> list[Attachment]:
    """The draft's files that may be signed with it (never one that failed the scan)."""
    return list(draft.attachments.filter(scan__in=SIGNABLE_SCANS).order_by("uploaded_at", "id"))


def content_sha256(draft: Draft, attachments: list[Attachment]) -> str:
    """A fingerprint of everything the signature vouches for: change any answer, fact or
    signed file, and the signature no longer matches the draft."""
    content = {
        "service": draft.service_id,
        "agency": draft.agency_id,
        "acting_for": draft.acting_for,
        "answers": draft.answers,
        "prefilled": draft.prefilled,
        "attachments": [[str(item.pk), item.sha256] for item in attachments],
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def fingerprint(pdf: bytes) -> str:
    """The first 16 hex digits of the document's SHA-256 in 4 groups, as the dialog shows."""
    digest = hashlib.sha256(pdf).hexdigest().upper()[:16]
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4))


def chosen_attachments(draft: Draft, ids: list[str]) -> list[Attachment]:
    """The signable files among `ids` (others — not this draft's, infected — are left out)."""
    wanted = {str(value) for value in ids}
    return [item for item in signable_attachments(draft) if str(item.pk) in wanted]


@dataclass(frozen=True)
class Document:
    """The PDF that is shown and signed, byte for byte as stored, and its page count."""

    pdf: bytes
    pages: int


def render(draft: Draft, attachments: list[Attachment]) -> bytes:
    """The draft as PDF/A-3 with the attachments embedded as associated files (WeasyPrint:
    about a second of CPU; `document` keeps the result)."""
    from onewindow.applications.pdf import draft_pdf

    return draft_pdf(draft, attachments)


def rendition_version(draft: Draft) -> str:
    """What the rendered PDF depends on, as one fingerprint: what a signature vouches for
    (`content_sha256`, with every file that may be signed), and what only the rendering
    shows — the draft's language, the service's titles and form (its catalogue version),
    the addressee's names, the applicant. Any change makes the kept renditions stale."""
    service = draft.service
    agency = draft.agency or service.provider
    owner: Any = draft.owner
    content = {
        "content": content_sha256(draft, signable_attachments(draft)),
        "language": draft.language,
        "service": [service.content_hash, service.title_ka, service.title_en, service.form],
        "agency": [agency.name_ka, agency.name_en],
        "applicant": [
            owner.first_name, owner.last_name, owner.first_name_ka, owner.last_name_ka,
            owner.personal_number,
        ],
    }  # fmt: skip
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _rendition_key(version: str, attachments: list[Attachment]) -> str:
    ids = [str(item.pk) for item in attachments]
    canonical = json.dumps([version, ids], separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def document(draft: Draft, attachments: list[Attachment]) -> Document:
    """The draft rendered with `attachments` embedded: the kept rendition of this version
    of the draft, else rendered now and kept (the older versions' removed)."""
    version = rendition_version(draft)
    key = _rendition_key(version, attachments)
    kept = DraftRendition.objects.filter(draft=draft, key=key).first()
    if kept is not None:
        found = _read(kept)
        if found is not None:
            return found
    pdf = render(draft, attachments)
    return _keep(draft, version, key, attachments, pdf)


def _read(rendition: DraftRendition) -> Document | None:
    """The kept file, or None (and the row dropped) when it is gone or not what was kept."""
    try:
        with rendition.file.open("rb") as handle:
            pdf = handle.read()
    except OSError:
        pdf = b""
    if hashlib.sha256(pdf).hexdigest() != rendition.sha256:
        log.warning("signing.rendition-unusable", rendition=str(rendition.pk))
        rendition.delete()
        return None
    return Document(pdf, rendition.pages)


def _keep(
    draft: Draft, version: str, key: str, attachments: list[Attachment], pdf: bytes
) -> Document:
    """Store a new rendition and drop the stale ones. Two requests rendering the same
    version at once keep the first one stored, and both answer with its bytes."""
    rendition = DraftRendition(
        draft=draft,
        version=version,
        key=key,
        attachment_ids=[str(item.pk) for item in attachments],
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        pages=_page_count(pdf),
    )
    rendition.file.save("draft.pdf", ContentFile(pdf), save=False)
    stored = rendition.file.name or ""
    try:
        with transaction.atomic():
            rendition.save(force_insert=True)
            _drop_stale(draft, keep=rendition)
    except IntegrityError:
        rendition.file.storage.delete(stored)
        other = DraftRendition.objects.filter(draft=draft, key=key).first()
        found = _read(other) if other is not None else None
        if found is None:
            raise
        return found
    except BaseException:
        rendition.file.storage.delete(stored)
        raise
    log.info("signing.rendered", draft=str(draft.pk), rendition=str(rendition.pk))
    return Document(pdf, rendition.pages)


def _drop_stale(draft: Draft, *, keep: DraftRendition) -> None:
    """Remove the draft's renditions of other versions, and the oldest of this version
    beyond `RENDITIONS_KEPT`; their files go once this commits (models: post_delete)."""
    kept = 1
    others = DraftRendition.objects.filter(draft=draft).exclude(pk=keep.pk)
    for old in others.order_by("-created_at"):
        if old.version == keep.version and kept < RENDITIONS_KEPT:
            kept += 1
            continue
        old.delete()


def _page_count(pdf: bytes) -> int:
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(BytesIO(pdf), strict=False)
    return int(reader.root["/Pages"]["/Count"])


def start(draft: Draft, *, account: Any, certificate: bytes, attachment_ids: list[str]) -> Started:
    """Prepare the draft's kept rendition (the bytes the preview shows) for the card's
    `certificate`; raises `SigningRefused`."""
    from . import pades

    attachments = chosen_attachments(draft, attachment_ids)
    pdf = document(draft, attachments).pdf
    title = draft.service.title_ka if draft.language == "ka" else draft.service.title_en
    prepared = pades.prepare(pdf, certificate=certificate, reason=title[:200], location="Georgia")
    now = timezone.now()
    session = SigningSession.objects.create(
        account=account,
        draft=draft,
        kind=kind_for(draft),
        company_code=draft.acting_for,
        attachment_ids=[str(item.pk) for item in attachments],
        content_sha256=content_sha256(draft, attachments),
        state=prepared.state,
        digest=prepared.digest,
        hash_function=prepared.hash_function,
        created_at=now,
        expires_at=now + SESSION_LIFETIME,
    )
    log.info("signing.prepared", draft=str(draft.pk), session=str(session.pk), kind=session.kind)
    return Started(session, prepared.digest, prepared.hash_function, fingerprint(pdf))


def session_of(account: Any, draft: Draft, session_id: Any) -> SigningSession | None:
    """The person's own session of this draft, or None."""
    return SigningSession.objects.filter(pk=session_id, account=account, draft=draft).first()


def complete(session: SigningSession, signature: bytes) -> SigningSession:
    """Embed the card's signature (B-LT) and keep the signed PDF; raises `SigningRefused`
    (`session-expired` for a session that is not waiting or is past its time)."""
    from . import pades

    if session.status != SigningSession.Status.PREPARED or session.expires_at <= timezone.now():
        raise SigningRefused("session-expired", "session not waiting")
    draft = session.draft
    attachments = chosen_attachments(draft, session.attachment_ids)
    if content_sha256(draft, attachments) != session.content_sha256:
        raise SigningRefused("session-expired", "the draft changed while signing")
    signed = pades.finish(bytes(session.state), signature, level=pades.Level.LT)
    signer = _signer_name(signed, draft.language)
    stored = ""
    try:
        with transaction.atomic():
            locked = SigningSession.objects.select_for_update().get(pk=session.pk)
            if locked.status != SigningSession.Status.PREPARED:
                raise SigningRefused("session-expired", "finished already")
            locked.signed_file.save("signed.pdf", ContentFile(signed), save=False)
            stored = locked.signed_file.name or ""
            locked.status = SigningSession.Status.SIGNED
            locked.signed_at = timezone.now()
            locked.signer_name = signer[:300]
            locked.state = b""
            locked.save()
            # Any earlier signature of this draft is replaced by this one.
            earlier = SigningSession.objects.filter(
                draft=draft, status=SigningSession.Status.SIGNED
            ).exclude(pk=locked.pk)
            for old in earlier:
                _forget_file(old)
            earlier.update(status=SigningSession.Status.FAILED, signed_file="")
    except BaseException:
        if stored:
            session.signed_file.storage.delete(stored)
        raise
    log.info("signing.signed", draft=str(draft.pk), session=str(session.pk))
    return locked


def fail(session: SigningSession) -> None:
    """A refused signing: the prepared state is dropped, so the session cannot finish."""
    SigningSession.objects.filter(pk=session.pk, status=SigningSession.Status.PREPARED).update(
        status=SigningSession.Status.FAILED, state=b""
    )


def _forget_file(session: SigningSession) -> None:
    if session.signed_file and session.signed_file.name:
        session.signed_file.storage.delete(session.signed_file.name)


def _signer_name(pdf: bytes, language: str) -> str:
    from . import validation

    try:
        report = validation.validate(pdf, filename="signed.pdf")
    except Exception:  # a name is a nicety; the signature is checked on submission
        log.warning("signing.signer-name-unavailable", exc_info=True)
        return ""
    if not report.signatures:
        return ""
    first = report.signatures[0]
    return (first.signer_name_ka if language == "ka" else "") or first.signer_name or ""


def current_signature(draft: Draft) -> SigningSession | None:
    """The draft's signed session when it still matches the draft, else None."""
    session = (
        SigningSession.objects.filter(draft=draft, status=SigningSession.Status.SIGNED)
        .order_by("-signed_at")
        .first()
    )
    if session is None or not session.signed_file:
        return None
    attachments = chosen_attachments(draft, session.attachment_ids)
    if len(attachments) != len(session.attachment_ids):
        return None  # a signed file was removed from the draft
    if content_sha256(draft, attachments) != session.content_sha256:
        return None
    return session


def has_stale_signature(draft: Draft) -> bool:
    """Signed once, but the answers (or files) changed since: the person must sign again."""
    signed = SigningSession.objects.filter(draft=draft, status=SigningSession.Status.SIGNED)
    return signed.exists() and current_signature(draft) is None


def valid_signature(draft: Draft, account: Any) -> SigningSession | None:
    """The draft's signature if it matches the draft, is intact and valid, and is the
    signer's own (the person's ID card, or the company's seal when acting for one)."""
    from . import validation

    session = current_signature(draft)
    if session is None:
        return None
    with session.signed_file.open("rb") as handle:
        data = handle.read()
    report = validation.validate(data, filename="signed.pdf")
    if not report.valid or len(report.signatures) != 1:
        log.warning("signing.signature-invalid", draft=str(draft.pk), session=str(session.pk))
        return None
    if not is_the_signers(draft, account, report.signatures[0]):
        log.warning("signing.signer-mismatch", draft=str(draft.pk), session=str(session.pk))
        return None
    return session


def is_the_signers(draft: Draft, account: Any, signature: SignatureReport) -> bool:
    """Whether `signature` is the one the draft needs: for a company, a seal (not a
    person's signature) whose organisation identifier is THAT company's, NTRGE-<code>;
    for oneself, the person's own ID card, PNOGE-<personal number>."""
    if draft.acting_for:
        return signature.capacity == "seal" and signature.identifier == (
            f"NTRGE-{draft.acting_for}"
        )
    number = str(getattr(account, "personal_number", "") or "")
    return (
        bool(number)
        and signature.capacity == "person"
        and signature.identifier == f"PNOGE-{number}"
    )


def archived_pdf(session: SigningSession) -> bytes:
    """The signed application with a document timestamp (B-LTA), for the archive; raises
    `SigningRefused` (`tsa-unreachable`) and then nothing changes."""
    from . import pades

    with session.signed_file.open("rb") as handle:
        return pades.add_archive_timestamp(handle.read())


def forget_signed_file(session: SigningSession) -> None:
    """The session's copy, once the application keeps its own (after submission)."""
    _forget_file(session)


def signature_of(application: Application) -> bytes | None:
    """The archived signed PDF of an application, when it was signed (else None)."""
    if not application.pdf:
        return None
    with application.pdf.open("rb") as handle:
        data: bytes = handle.read()
    return data if b"/ByteRange" in data else None
