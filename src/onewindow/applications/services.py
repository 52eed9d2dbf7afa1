"""The applications room's writes, its public interface for other rooms: submitting a draft
(`application_submit`) and changing an application's status (`status_change`)."""

from __future__ import annotations

import os
import sys
import time
import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.catalog.models import Service
from onewindow.notifications import services as notification_services
from onewindow.signing import services as signing_services

from . import acting_for, deadlines
from .correspondence import message_send
from .drafts import SubmissionRefused, draft_delete, form_of, revalidate
from .models import Application, Attachment, Draft, ReferenceCounter, StatusChange

__all__ = ["InvalidTransition", "application_submit", "message_send", "status_change"]

TBILISI = ZoneInfo("Asia/Tbilisi")
Status = Application.Status

# Which status may follow which (docs/applications.md): submitted → received →
# in-progress ⇄ information-requested → answered → closed. An agency may answer straight
# from any open status.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.SUBMITTED: frozenset({Status.RECEIVED}),
    Status.RECEIVED: frozenset({Status.IN_PROGRESS, Status.ANSWERED}),
    Status.IN_PROGRESS: frozenset({Status.INFORMATION_REQUESTED, Status.ANSWERED}),
    Status.INFORMATION_REQUESTED: frozenset({Status.IN_PROGRESS, Status.ANSWERED}),
    Status.ANSWERED: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
}

# For the kill test only (test_submission_kill.py): the submitting process stops for a
# while at the named step, so that the test can kill it there.
PAUSE_ENV = "ONEWINDOW_SUBMIT_PAUSE_AT"


class InvalidTransition(ValueError):
    """The status cannot change that way (e.g. closed → in progress)."""


def status_change(
    application: Application,
    to_status: str,
    *,
    actor: Any | None,
    note: str = "",
    outcome: str = "",
) -> StatusChange:
    """The only way an application's status changes: checks the transition, writes the
    history, sets `answered_at`/`closed_at` and the outcome, and has the applicant told."""
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        from_status = locked.status
        if to_status not in TRANSITIONS.get(from_status, frozenset()):
            raise InvalidTransition(f"{from_status} → {to_status}")
        if to_status == Status.ANSWERED:
            if outcome not in Application.Outcome.values:
                raise InvalidTransition(f"answering needs an outcome, not {outcome!r}")
        elif outcome:
            raise InvalidTransition("only an answer has an outcome")
        now = timezone.now()
        locked.status = to_status
        fields = ["status", "updated_at"]
        if to_status == Status.ANSWERED:
            locked.outcome = outcome
            locked.answered_at = now
            fields += ["outcome", "answered_at"]
        if to_status == Status.CLOSED:
            locked.closed_at = now
            fields.append("closed_at")
        locked.save(update_fields=fields)
        change = StatusChange.objects.create(
            application=locked, from_status=from_status, to_status=to_status, actor=actor, note=note
        )
        notification_services.notify_status_change(locked, change)
    for name in ("status", "outcome", "answered_at", "closed_at", "updated_at"):
        setattr(application, name, getattr(locked, name))
    return change


def application_submit(draft: Draft, *, submitted_by: Any) -> Application:
    """Submit a draft, all or nothing: checks every visible page and the rules again,
    gives the next reference number, stores the application with its first history row,
    moves the attachments, deletes the draft and enqueues the PDF and the delivery to the
    agency in the same transaction. A repeated submit (double click, retry) returns the
    application made the first time. Raises `SubmissionRefused` when the answers do not
    pass (nothing is stored)."""
    existing = Application.objects.filter(submission_key=draft.submission_key).first()
    if existing is not None:
        return existing
    _representation_check(draft, submitted_by)
    signed = _signature_check(draft, submitted_by)
    try:
        with transaction.atomic():
            application = _submit(draft, submitted_by=submitted_by, signed_pdf=signed)
    except IntegrityError:
        _drop_unused(signed)
        # Another request submitted the same draft between our look-up and our insert.
        existing = Application.objects.filter(submission_key=draft.submission_key).first()
        if existing is None:
            raise
        return existing
    except BaseException:
        _drop_unused(signed)
        raise
    if signed is not None:
        if application.pdf.name == signed[2]:
            signing_services.signature_submitted(signed[1])
        else:  # submitted already by a concurrent request
            _drop_unused(signed)
    return application


def _drop_unused(signed: tuple[bytes, Any, str] | None) -> None:
    if signed is not None:
        default_storage.delete(signed[2])


def _signature_check(draft: Draft, applicant: Any) -> tuple[bytes, Any, str] | None:
    """A service that needs a signature: the signed application (made B-LTA now, before
    the submit transaction, since it asks the TSA), its signing session and the storage
    name it is kept under; None when the draft is sent unsigned. Raises SubmissionRefused
    (nothing is stored) without a valid signature of the answers as they are now."""
    if draft.owner_id != applicant.pk:
        return None
    try:
        found = signing_services.signature_for_submission(draft, applicant)
    except signing_services.SignatureMissing as missing:
        raise SubmissionRefused(missing.message) from None
    if found is None:
        return None
    pdf, session = found
    name = default_storage.save(f"applications/signed/{uuid.uuid4().hex}.pdf", ContentFile(pdf))
    return pdf, session, name


def _submit(
    draft: Draft, *, submitted_by: Any, signed_pdf: tuple[bytes, Any, str] | None = None
) -> Application:
    from .tasks import deliver_to_agency, render_application_pdf

    locked = (
        Draft.objects.select_for_update()
        .select_related("service__provider")
        .filter(pk=draft.pk, owner=submitted_by)
        .first()
    )
    if locked is None:
        # Submitted (and so deleted) by a concurrent request that held the lock first.
        existing = Application.objects.filter(submission_key=draft.submission_key).first()
        if existing is None:
            raise SubmissionRefused(_("This draft no longer exists."))
        return existing
    service: Service = locked.service
    schema = form_of(service)
    if schema is None:
        raise SubmissionRefused(_("This service cannot be applied for online."))
    if schema.addressee == "chosen" and locked.agency is None:
        raise SubmissionRefused(_("Choose the institution your application is for."))
    answers = revalidate(schema, locked, today=timezone.localdate())
    _pause_at("validated")

    now = timezone.now()
    application = Application.objects.create(
        reference=_next_reference(now),
        kind=schema.kind,
        applicant=submitted_by,
        acting_for=locked.acting_for,
        service=service,
        agency=locked.agency or service.provider,
        language=locked.language,
        subject=_subject(service, answers, locked.language),
        answers=answers,
        prefilled=locked.prefilled,
        submission_key=locked.submission_key,
        submitted_at=now,
        due_on=deadlines.due_on(service, now, kind=schema.kind),
        search_text=_search_text(service, submitted_by),
        # A signed application's document is the signed PDF itself (B-LTA).
        pdf=signed_pdf[2] if signed_pdf else "",
    )
    _pause_at("created")
    StatusChange.objects.create(
        application=application, from_status="", to_status=Status.SUBMITTED, actor=submitted_by
    )
    attached = _attachment_ids(schema, answers)
    Attachment.objects.filter(draft=locked, id__in=attached).update(
        application=application, draft=None
    )
    draft_delete(locked)  # with the files no answer names any more
    render_application_pdf.enqueue(application_id=application.pk)
    _pause_at("enqueued")
    deliver_to_agency.enqueue(application_id=application.pk)
    return application


def _representation_check(draft: Draft, applicant: Any) -> None:
    """For an application on behalf of a company: the registry is asked again whether the
    person still represents it (they may have been removed as director since the draft
    started). Asked before the submit transaction, so that no lock waits on the network.
    Raises SubmissionRefused (nothing is stored) when it no longer holds, when the registry
    cannot say, or when the draft's facts do not say what `Draft.acting_for` says."""
    if draft.owner_id != applicant.pk:
        return  # not theirs: _submit finds no draft to lock
    schema = form_of(draft.service)
    facts = draft.prefilled
    if schema and not acting_for.consistent(schema, draft.service, draft.acting_for, facts):
        raise SubmissionRefused(
            _(
                "This application was started before you said whom you are applying for. "
                "Delete the draft and start again."
            )
        )
    if not draft.acting_for:
        return
    company_name = acting_for.company_label(draft.acting_for, draft.prefilled)
    try:
        company = acting_for.company_of(applicant, draft.acting_for)
    except acting_for.RepresentationUnknown:
        raise SubmissionRefused(
            _(
                "We cannot check with the Public Registry that you still represent "
                "%(company)s: it is not answering. Nothing has been sent. Try again in a few "
                "minutes."
            )
            % {"company": company_name}
        ) from None
    if company is None:
        raise SubmissionRefused(
            _(
                "The Public Registry no longer lists you as a representative of %(company)s, "
                "so you cannot apply on its behalf. Nothing has been sent."
            )
            % {"company": company_name}
        )


def _next_reference(now: datetime) -> str:
    """OW-<year>-<7 digits>, in order and without gaps: the counter row is locked until
    the submit transaction ends (a rolled-back submit gives its number back)."""
    year = now.astimezone(TBILISI).year
    ReferenceCounter.objects.get_or_create(year=year)
    counter = ReferenceCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"OW-{year}-{counter.last:07d}"


def _subject(service: Service, answers: dict[str, Any], language: str) -> str:
    """One line for lists: a letter's own subject when its form asks one, else the
    service's title in the applicant's language."""
    subject = answers.get("subject")
    if isinstance(subject, str) and subject.strip():
        return subject.strip()[:300]
    return (service.title_ka if language == "ka" else service.title_en)[:300]


def _search_text(service: Service, applicant: Any) -> str:
    parts = [
        service.title_ka,
        service.title_en,
        applicant.get_full_name(),
        f"{applicant.first_name_ka} {applicant.last_name_ka}",
        applicant.personal_number or "",
    ]
    return " ".join(part.strip() for part in parts if part and part.strip())


def _attachment_ids(schema: Any, answers: dict[str, Any]) -> list[str]:
    ids: list[str] = []
    for page in schema.pages:
        for field in page.fields:
            if field.type == "file" and isinstance(answers.get(field.name), list):
                ids += [str(value) for value in answers[field.name]]
    return ids


def _pause_at(step: str) -> None:
    if os.environ.get(PAUSE_ENV) == step:
        sys.stderr.write(f"paused at {step}\n")
        sys.stderr.flush()
        time.sleep(60)
