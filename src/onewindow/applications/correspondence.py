"""The thread of letters about an application, and the citizen's escalation of an overdue
case to the head of the agency (docs/applications.md).

Escalation is recorded as the case's `escalated_at` and as a message to the agency in the
thread (the citizen sees it there; the head and the clerks see it in the back-office),
not as a status change: the status the citizen follows does not change, and the
append-only history keeps only real transitions. The heads of the agency (StaffMembership
role "head") are notified through `notifications.services.notify`; the security audit
(identity.audit) is for sign-in and account events and is not used for this."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

import structlog

from onewindow.backoffice.models import StaffMembership
from onewindow.notifications.services import Event, notify

from . import deadlines
from .attachments.services import attachment_store
from .models import Application, Message

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from onewindow.identity.models import Account

log = structlog.get_logger(__name__)

MESSAGE_MAX_LENGTH = 10_000

Status = Application.Status
Direction = Message.Direction


class CorrespondenceRefused(Exception):
    """A message or an escalation that is not allowed; `code` says why."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(message or code)
        self.code = code


def _is_agency_staff(account: Account, application: Application) -> bool:
    return (
        StaffMembership.objects.working()
        .filter(account=account, agency_id=application.agency_id)
        .exists()
    )


def _status_change(
    application: Application, to_status: str, *, actor: Account, outcome: str = ""
) -> None:
    """Through `applications.services.status_change`, the only way a status changes
    (imported here: services imports the form engine, which this module does not need)."""
    from .services import status_change

    status_change(application, to_status, actor=actor, outcome=outcome)


def _check_message(locked: Application, *, author: Account, direction: str, outcome: str) -> None:
    """Who may write which way, and when (see `message_send`)."""
    if direction == Direction.TO_AGENCY:
        if locked.applicant_id != author.pk:
            raise CorrespondenceRefused("not-applicant")
        if outcome:
            raise CorrespondenceRefused("outcome-from-citizen")
        if not deadlines.is_open(locked):
            raise CorrespondenceRefused("closed")
    elif direction == Direction.TO_CITIZEN:
        if not _is_agency_staff(author, locked):
            raise CorrespondenceRefused("not-staff")
        if locked.status == Status.CLOSED:
            raise CorrespondenceRefused("closed")
        if outcome and outcome not in Application.Outcome.values:
            raise CorrespondenceRefused("bad-outcome")
        if outcome and not deadlines.is_open(locked):
            raise CorrespondenceRefused("already-answered")
    else:
        raise CorrespondenceRefused("bad-direction")


@transaction.atomic
def message_send(
    application: Application,
    *,
    author: Account,
    direction: str,
    body: str,
    attachments: Sequence[UploadedFile[bytes]] = (),
    outcome: str = "",
) -> Message:
    """Add a letter to the thread.

    To the agency: only the applicant, while the case is open; a reply to a request for
    more information puts the case back in progress. To the citizen: only the agency's
    staff, until the case is closed; with an `outcome` it answers the case (status →
    answered, which notifies the citizen); without one the citizen is notified of the
    letter. Files go through the attachments room's checks; a refused file refuses the
    whole message (`AttachmentRefused`)."""
    body = body.strip()
    if not body:
        raise CorrespondenceRefused("empty", gettext("Write your message"))
    if len(body) > MESSAGE_MAX_LENGTH:
        raise CorrespondenceRefused("too-long")
    locked = Application.objects.select_for_update().get(pk=application.pk)
    _check_message(locked, author=author, direction=direction, outcome=outcome)

    message = Message.objects.create(
        application=locked, direction=direction, author=author, body=body, outcome=outcome
    )
    for uploaded in attachments:
        attachment_store(uploaded, uploaded_by=author, message=message)

    if direction == Direction.TO_AGENCY and locked.status == Status.INFORMATION_REQUESTED:
        _status_change(locked, Status.IN_PROGRESS, actor=author)
    elif direction == Direction.TO_CITIZEN and outcome:
        _status_change(locked, Status.ANSWERED, actor=author, outcome=outcome)
    elif direction == Direction.TO_CITIZEN:
        notify(
            locked.applicant,
            event=Event.AGENCY_MESSAGE,
            application=locked,
            context={"message": message},
        )
    application.refresh_from_db()
    log.info("applications.message-sent", application=locked.pk, direction=direction)
    return message


def can_escalate(application: Application, today: dt.date | None = None) -> bool:
    """Overdue, still open, and not escalated before."""
    return application.escalated_at is None and deadlines.is_overdue(application, today)


@transaction.atomic
def escalate(application: Application, *, by: Account) -> Application:
    """The applicant sends an overdue case to the head of the agency: once, with one
    action. Writes a message to the agency saying so and notifies the agency's heads."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.applicant_id != by.pk:
        raise CorrespondenceRefused("not-applicant")
    if locked.escalated_at is not None:
        raise CorrespondenceRefused("already-escalated")
    if not deadlines.is_overdue(locked):
        raise CorrespondenceRefused("not-overdue")
    locked.escalated_at = timezone.now()
    locked.save(update_fields=["escalated_at", "updated_at"])
    due = locked.due_on
    with translation.override(locked.language or "ka"):
        body = gettext(
            "The answer to this application was due by %(due)s and has not come. "
            "I ask the head of the agency to see that it is answered."
        ) % {"due": due.strftime("%d.%m.%Y") if due else ""}
    Message.objects.create(application=locked, direction=Direction.TO_AGENCY, author=by, body=body)
    heads = (
        StaffMembership.objects.working()
        .filter(agency_id=locked.agency_id, role=StaffMembership.Role.HEAD)
        .select_related("account")
    )
    for membership in heads:
        notify(
            membership.account,
            event=Event.CASE_ESCALATED,
            application=locked,
            context={"key": "escalation"},
        )
    log.info("applications.escalated", application=locked.pk, heads=len(heads))
    application.escalated_at = locked.escalated_at
    return locked
