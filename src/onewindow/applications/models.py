"""Applications: drafts, submitted applications and their history, the correspondence
about them, and the files attached both ways (docs/applications.md)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onewindow.catalog.models import Agency, Service
from onewindow.exchange.models import AppendOnlyManager, AppendOnlyModel


class Draft(models.Model):
    """An application being filled in: kept on the server so the person can resume on any
    device. `submission_key` makes submitting it idempotent: the application created from
    a draft carries the same key (unique), so a second submit finds it instead of making
    another."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts"
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    # For a letter or a public-information request: the addressee agency chosen.
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Acting for a company (its 9-digit code), or empty for oneself.
    acting_for = models.CharField(_("acting for"), max_length=9, blank=True)
    language = models.CharField(_("language"), max_length=2, default="ka")
    # The answers so far, by field name (see applications/forms); never prefilled facts.
    answers = models.JSONField(_("answers"), default=dict)
    # Facts from the registries, fetched by the server and shown read-only: the browser
    # never sends them, so it cannot change them.
    prefilled = models.JSONField(_("prefilled facts"), default=dict)
    # The pages the person has completed, in order (for "back" and "check your answers").
    completed_pages = models.JSONField(_("completed pages"), default=list)
    submission_key = models.UUIDField(_("submission key"), default=uuid.uuid4, unique=True)
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("saved at"), auto_now=True)
    expires_at = models.DateTimeField(_("deleted after"))
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["owner", "-updated_at"]),
            models.Index(fields=["expires_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} {self.owner_id} {self.updated_at:%Y-%m-%d}"


class Application(models.Model):
    """A submitted application, letter or request, addressed to one agency."""

    class Kind(models.TextChoices):
        APPLICATION = "application", _("application")
        LETTER = "letter", _("letter to a public institution")
        PUBLIC_INFORMATION = "public-information", _("request for public information")
        PERSONAL_DATA = "personal-data", _("request for one's own personal data")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        RECEIVED = "received", _("received by the agency")
        IN_PROGRESS = "in-progress", _("in progress")
        INFORMATION_REQUESTED = "information-requested", _("more information requested")
        ANSWERED = "answered", _("answered")
        CLOSED = "closed", _("closed")

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        ANSWERED = "answered", _("answered")

    # The number people quote: OW-<year>-<7 digits>, e.g. OW-2026-0000123.
    reference = models.CharField(_("reference number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications"
    )
    acting_for = models.CharField(_("acting for"), max_length=9, blank=True)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="applications")
    language = models.CharField(_("language"), max_length=2)
    # One line for lists and the inbox: the service title, or a letter's subject.
    subject = models.CharField(_("subject"), max_length=300)
    answers = models.JSONField(_("answers"), default=dict)
    prefilled = models.JSONField(_("prefilled facts"), default=dict)
    # The draft's submission key: a repeated submit finds this application.
    submission_key = models.UUIDField(_("submission key"), unique=True)
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.SUBMITTED
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    # The statutory deadline (end of that day, Tbilisi time), from the working-day calendar.
    due_on = models.DateField(_("answer due by"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_applications",
    )
    escalated_at = models.DateTimeField(_("escalated to the head at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The PDF rendition of the application as submitted (storage name), made by a job.
    pdf = models.FileField(_("PDF"), upload_to="applications/%Y/%m/", blank=True)
    # Search text for the inbox (reference, subject, applicant's name and number).
    search_text = models.TextField(_("search text"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["applicant", "-submitted_at"]),
            # The back-office inbox: an agency's open cases by due date / submission.
            models.Index(fields=["agency", "status", "due_on", "id"]),
            models.Index(fields=["agency", "status", "-submitted_at", "id"]),
            models.Index(fields=["agency", "assignee", "status", "due_on"]),
            models.Index(fields=["agency", "service", "status"]),
        ]

    def __str__(self) -> str:
        return self.reference


class StatusChange(AppendOnlyModel):
    """The application's history as the citizen sees it (append-only)."""

    application = models.ForeignKey(
        Application, on_delete=models.DO_NOTHING, db_constraint=False, related_name="history"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    from_status = models.CharField(_("from"), max_length=24, blank=True)
    to_status = models.CharField(_("to"), max_length=24)
    # Who: the applicant, agency staff, or the portal (empty: the portal itself).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    # A short explanation shown with the change (e.g. what more information is needed).
    note = models.TextField(_("note"), blank=True)

    objects = AppendOnlyManager["StatusChange"]()

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "id"]


class Message(models.Model):
    """One letter in an application's thread: from the citizen to the agency or back."""

    class Direction(models.TextChoices):
        TO_AGENCY = "to-agency", _("to the agency")
        TO_CITIZEN = "to-citizen", _("to the citizen")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("text"))
    # An answer that decides the case (approved / rejected / answered), else empty.
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Application.Outcome.choices, blank=True
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["sent_at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.direction} {self.sent_at:%Y-%m-%d}"


class InternalNote(models.Model):
    """A note agency staff keep on a case; the citizen never sees it."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="internal_notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("text"))
    written_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["written_at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.written_at:%Y-%m-%d}"


class Attachment(models.Model):
    """A file a citizen or agency staff attached: to a draft (then to the application it
    becomes) or to a message. Stored outside the web root; served only to those allowed
    (docs/applications.md, "Attachments")."""

    class Scan(models.TextChoices):
        PENDING = "pending", _("not scanned yet")
        CLEAN = "clean", _("no malware found")
        INFECTED = "infected", _("malware found")
        NOT_SCANNED = "not-scanned", _("no scanner configured")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    draft = models.ForeignKey(
        Draft, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    # The form field it answers (file fields of a form), or empty for a message's files.
    field = models.CharField(_("field"), max_length=80, blank=True)
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)  # sanitised, as shown
    content_type = models.CharField(_("type"), max_length=100)  # detected from the content
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    scan = models.CharField(_("malware scan"), max_length=12, choices=Scan.choices)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.name


class ReferenceCounter(models.Model):
    """The last reference number used in a year (one row per year): numbers are given
    out in order, without gaps a citizen could notice, inside the submit transaction."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
