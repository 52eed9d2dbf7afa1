"""The exchange's two append-only logs: every message (with its signature) and every
access to a person's data, made by the portal or reported by an agency.
"""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn, TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from .errors import AppendOnlyViolation

_M = TypeVar("_M", bound=models.Model)


class AppendOnlyQuerySet(models.QuerySet[_M]):
    """Rows are only ever added: bulk updates and deletes are refused."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyViolation(f"{self.model.__name__} is append-only.")

    def delete(self) -> NoReturn:
        raise AppendOnlyViolation(f"{self.model.__name__} is append-only.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyViolation(f"{self.model.__name__} is append-only.")

    def update_or_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyViolation(f"{self.model.__name__} is append-only.")


class AppendOnlyManager(models.Manager[_M]):
    def get_queryset(self) -> AppendOnlyQuerySet[_M]:
        return AppendOnlyQuerySet(self.model, using=self._db)


class AppendOnlyModel(models.Model):
    """A log entry: saved once, never changed or deleted (a database trigger agrees)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyViolation(f"{type(self).__name__} entries cannot be changed.")
        kwargs["force_insert"] = True  # never an UPDATE, even with a primary key set
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyViolation(f"{type(self).__name__} entries cannot be deleted.")


class MessageLog(AppendOnlyModel):
    """One message of the exchange, as sent or received, with its signature headers."""

    class Direction(models.TextChoices):
        OUTGOING = "out", _("sent")
        INCOMING = "in", _("received")

    class Kind(models.TextChoices):
        REQUEST = "request", _("request")
        RESPONSE = "response", _("response")
        # Nothing came back for a request (timeout, refused connection, interrupted wait):
        # `refusal` says which; the request itself was logged before it was sent.
        NO_RESPONSE = "none", _("no response")

    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    # The other party: the agency asked, or the agency that reported.
    peer = models.CharField(_("peer"), max_length=64)
    operation = models.CharField(_("operation"), max_length=64)
    request_id = models.CharField(_("request id"), max_length=64, db_index=True)
    method = models.CharField(_("method"), max_length=8, blank=True)
    url = models.CharField(_("URL"), max_length=500, blank=True)
    status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    headers = models.JSONField(_("headers"), default=dict)
    body = models.BinaryField(_("body"), default=b"")
    # Whether the signature verified (our own outgoing messages: True, we signed them).
    verified = models.BooleanField(_("signature verified"), default=False)
    # Why the message was refused or is unusable (a protocol reason); empty when fine.
    refusal = models.CharField(_("refusal reason"), max_length=40, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    occurred_at = models.DateTimeField(_("sent or received at"))
    elapsed_ms = models.FloatField(_("elapsed (ms)"), null=True, blank=True)
    logged_at = models.DateTimeField(_("logged at"), auto_now_add=True)

    objects = AppendOnlyManager["MessageLog"]()

    class Meta:
        verbose_name = _("exchange message")
        verbose_name_plural = _("exchange messages")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["peer", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.direction} {self.kind} {self.peer}/{self.operation} {self.request_id}"


class DataAccess(AppendOnlyModel):
    """Who looked at a person's (or a company's) data, acting for whom, why, what data,
    where and when. Written before the query is sent, so nothing sent goes unrecorded."""

    SENT: ClassVar[str] = "sent"  # asked the agency; the answer is in the message log
    CACHED: ClassVar[str] = "answered"  # served from the cache of an earlier answer

    class AskerKind(models.TextChoices):
        PERSON = "person", _("the person")
        OPERATOR = "operator", _("a Public Service Hall operator")
        AGENCY_STAFF = "agency_staff", _("agency staff")
        PORTAL = "portal", _("the portal on the person's behalf")
        AGENCY = "agency", _("an agency's system")

    class Source(models.TextChoices):
        PORTAL = "portal", _("the portal's exchange")
        AGENCY_REPORT = "agency_report", _("reported by the agency")

    # პირადი ნომერი — the personal number of the person whose data was accessed
    # (empty when it was a company's).
    personal_number = models.CharField(_("personal number"), max_length=11, blank=True)
    # საიდენტიფიკაციო კოდი — the company's identification code, when it was a company's data.
    company_code = models.CharField(_("company code"), max_length=9, blank=True, default="")
    accessed_at = models.DateTimeField(_("accessed at"))
    asker_kind = models.CharField(_("who asked"), max_length=16, choices=AskerKind.choices)
    # OW-User for portal queries (person:…, operator:…); the agency's accessor when reported.
    asker = models.CharField(_("asker"), max_length=200)
    asker_name = models.CharField(_("asker's name"), max_length=200, blank=True)
    on_behalf_of = models.CharField(_("acting for"), max_length=200, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200)
    agency = models.CharField(_("agency"), max_length=64)
    # What data: the operation asked, or the data an agency reports was looked at.
    operation = models.CharField(_("data"), max_length=200)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    # Served from the portal's short-lived cache of an earlier answer (request_id: that one).
    from_cache = models.BooleanField(_("from cache"), default=False)
    # The portal's queries: "sent" (recorded before sending; the answer, or why there is
    # none, is in the message log under request_id) or "answered" (from the cache).
    # Older entries, recorded after the answer: "answered" or an exchange error reason.
    outcome = models.CharField(_("outcome"), max_length=40, default="answered")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = AppendOnlyManager["DataAccess"]()

    class Meta:
        verbose_name = _("data access")
        verbose_name_plural = _("data accesses")
        ordering = ["-accessed_at", "-id"]
        indexes = [
            models.Index(fields=["personal_number", "accessed_at"]),
            models.Index(fields=["company_code", "accessed_at"]),
        ]

    def __str__(self) -> str:
        subject = self.personal_number or f"company {self.company_code}"
        return f"{subject} {self.agency}/{self.operation} by {self.asker}"
