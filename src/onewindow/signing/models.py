"""The signing room's records (docs/signing.md)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _issued_file_name(instance: IssuedDocument, filename: str) -> str:
    """A random storage name: the verification code is never part of a path or URL of
    the stored file."""
    return f"issued/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.pdf"


class IssuedDocument(models.Model):
    """A document the portal issued, sealed by an agency, with its verification code.

    The row exists only with its sealed file (`signing.services.issue_document`); `sha256`
    is of that file, byte for byte, so the verification page can tell an unchanged copy."""

    class Kind(models.TextChoices):
        ANSWER = "answer", _("Agency's answer")
        ENTREPRENEURS_EXTRACT = "entrepreneurs-extract", _("Entrepreneurs' registry extract")
        REAL_ESTATE_EXTRACT = "real-estate-extract", _("Real-estate registry extract")
        DOCUMENT_COPY = "document-copy", _("Document copy")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(_("verification code"), max_length=12, unique=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    title = models.CharField(_("title (English)"), max_length=300)
    title_ka = models.CharField(_("title (Georgian)"), max_length=300)
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    agency = models.ForeignKey(
        "catalog.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    file = models.FileField(_("file"), upload_to=_issued_file_name, max_length=200)
    size = models.PositiveIntegerField(_("size"), default=0)
    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_documents",
        verbose_name=_("application"),
    )
    # Whose document it is (the applicant, or the person who asked for an extract): they
    # find it in "My documents"; empty for none.
    issued_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued to"),
    )
    # The one-time key of the button press that asked for it (an extract, a registry
    # copy; `signing.issue_requests`): a second request with the same key gets this
    # document, not another one. Empty for documents no person asked for (answers).
    request_key = models.CharField(
        _("request key"), max_length=40, blank=True, default="", editable=False
    )

    class Meta:
        ordering = ("-issued_at",)
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        indexes = [models.Index(fields=["issued_to", "-issued_at"], name="signing_issued_owner")]
        constraints = [
            # Two requests with one key at once: the second insert fails, and its request
            # answers with the first's document (`services.issue_document`).
            models.UniqueConstraint(
                fields=["issued_to", "request_key"],
                condition=~models.Q(request_key=""),
                name="signing_issued_once_per_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"

    def title_in(self, language: str) -> str:
        return self.title_ka if language == "ka" else self.title


def _signed_file_name(instance: SigningSession, filename: str) -> str:
    """A random storage name for a signed application (never guessable from the draft)."""
    return f"signed/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.pdf"


class SigningSession(models.Model):
    """One signing of a draft by the card agent (docs/signing.md, "The signing step").

    `prepare` stores the engine's opaque state and the digest the card signs; `finish`
    stores the signed PDF (B-LT) and marks it signed. `content_sha256` fingerprints what was
    signed (answers, facts, chosen attachments): when the draft no longer matches it, the
    signature is void. Only the owner of the draft ever sees a session."""

    class Status(models.TextChoices):
        PREPARED = "prepared", _("waiting for the card")
        SIGNED = "signed", _("signed")
        FAILED = "failed", _("failed")

    class Kind(models.TextChoices):
        PERSON = "person", _("signature")
        SEAL = "seal", _("company seal")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    draft = models.ForeignKey(
        "applications.Draft", on_delete=models.CASCADE, related_name="signing_sessions"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    company_code = models.CharField(_("company code"), max_length=9, blank=True)
    # The attachments signed with the application (ids, in order).
    attachment_ids = models.JSONField(_("signed attachments"), default=list)
    content_sha256 = models.CharField(_("what was signed (SHA-256)"), max_length=64)
    state = models.BinaryField(_("prepared state"), editable=False)
    digest = models.BinaryField(_("digest for the card"), editable=False)
    hash_function = models.CharField(_("hash function"), max_length=8)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PREPARED
    )
    signed_file = models.FileField(
        _("signed PDF"), upload_to=_signed_file_name, max_length=200, blank=True
    )
    signer_name = models.CharField(_("signed by"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("signing session")
        verbose_name_plural = _("signing sessions")
        indexes = [models.Index(fields=["draft", "status"], name="signing_session_draft")]

    def __str__(self) -> str:
        return f"{self.draft_id} {self.status}"


def _rendition_file_name(instance: DraftRendition, filename: str) -> str:
    """A random storage name for a draft's rendered PDF (never guessable from the draft)."""
    return f"renditions/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.pdf"


class DraftRendition(models.Model):
    """A draft rendered as the PDF/A-3 that is signed (docs/signing.md, "The signing step").

    Rendering takes about a second of CPU, and what the page shows must be byte for byte
    what the card signs: so a draft is rendered once per `version` (what the PDF depends
    on: `signed_drafts.rendition_version`) and choice of files, and the page, the preview
    and `prepare` all read this file. A newer version replaces the older ones; the file
    goes with its row (the draft's deletion or expiry included)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    draft = models.ForeignKey(
        "applications.Draft", on_delete=models.CASCADE, related_name="renditions"
    )
    # The draft's version (answers, facts, files, language, the service's form) ...
    version = models.CharField(_("draft version (SHA-256)"), max_length=64)
    # ... and, with the files embedded (`attachment_ids`, in order), this rendition's key.
    key = models.CharField(_("rendition key (SHA-256)"), max_length=64)
    attachment_ids = models.JSONField(_("embedded attachments"), default=list)
    file = models.FileField(_("PDF"), upload_to=_rendition_file_name, max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size"))
    pages = models.PositiveIntegerField(_("pages"))
    created_at = models.DateTimeField(_("rendered"), default=timezone.now)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("draft rendition")
        verbose_name_plural = _("draft renditions")
        constraints = [
            models.UniqueConstraint(fields=["draft", "key"], name="signing_rendition_key")
        ]

    def __str__(self) -> str:
        return f"{self.draft_id} {self.key[:12]}"


def _delete_file_after_commit(field: Any) -> None:
    """Remove a stored file once the deletion of its row commits (a rolled-back deletion
    keeps it)."""
    name = field.name if field else ""
    if name:
        storage = field.storage
        transaction.on_commit(lambda: storage.delete(name), robust=True)


def _rendition_deleted(sender: Any, instance: DraftRendition, **kwargs: Any) -> None:
    _delete_file_after_commit(instance.file)


def _session_deleted(sender: Any, instance: SigningSession, **kwargs: Any) -> None:
    _delete_file_after_commit(instance.signed_file)


# A draft's deletion (drafts_expire, submission, "delete draft") cascades to these rows;
# the receivers take their files with them.
models.signals.post_delete.connect(_rendition_deleted, sender=DraftRendition)
models.signals.post_delete.connect(_session_deleted, sender=SigningSession)


class SignatureCheck(models.Model):
    """The validation report of a signed attachment (a PDF or an ASiC-E container), shown
    beside its name.

    The upload only records that the file is to be checked (`pending`) and enqueues
    `signing.tasks.check_signatures`: validation may ask OCSP responders and CRLs, which
    must never hold up a citizen's upload. The job stores the report (`done`), or
    `failed` ("could not be checked") when validation kept breaking. `report` is
    `signing.validation.Report.to_json()`; `valid` is kept apart for queries."""

    class Status(models.TextChoices):
        PENDING = "pending", _("being checked")
        DONE = "done", _("checked")
        FAILED = "failed", _("could not be checked")

    attachment = models.OneToOneField(
        "applications.Attachment",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="signature_check",
        verbose_name=_("attachment"),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    report = models.JSONField(_("validation report"), default=dict)
    valid = models.BooleanField(_("valid"), default=False)
    # When the report was made; empty while the check is pending.
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)

    class Meta:
        verbose_name = _("signature check")
        verbose_name_plural = _("signature checks")

    def __str__(self) -> str:
        if self.status != self.Status.DONE:
            return f"{self.attachment_id} {self.status}"
        return f"{self.attachment_id} {'valid' if self.valid else 'not valid'}"

    def as_report(self) -> Any:
        """The stored report as `signing.validation.Report` (only meaningful when done)."""
        from .validation import Report

        return Report.from_json(self.report)
