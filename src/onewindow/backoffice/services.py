"""Writes of the agency back-office: the citizen's data-access log entry when staff open a
case, and the case actions (take, reassign, receive, start, ask for information, answer,
close, internal note). This module is the back-office's public write interface.

Status changes and letters to the citizen go through the applications room
(`services.status_change`, `correspondence.message_send`): the append-only StatusChange
history, with the staff member as actor, is the record of case work, and the citizen is
notified from there.
Assignments and internal notes are staff-only: they are recorded as internal notes
(author, time, text), never shown to the citizen. The security audit (`identity.audit`)
is not used for case work: it is one hash chain for sign-ins and rights, serialised by a
lock, and case actions are many and already kept whole in the case's own records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from onewindow.applications.models import Application, InternalNote, Message, StatusChange
from onewindow.exchange.services import data_access_record

from .selectors import OPEN_STATUSES, Case

if TYPE_CHECKING:
    from onewindow.identity.models import Account

    from .enclosures import Enclosure

Status = Application.Status
# Staff opening the same case again within this time add no new entry to the citizen's
# access log: one entry per staff member, case and hour keeps the log readable.
CASE_VIEW_INTERVAL = dt.timedelta(hours=1)
CASE_HANDLING = "case-handling"  # the exchange protocol's purpose (OW-Purpose)
AGENCY_STAFF = "agency_staff"  # the access log's asker kind (exchange DataAccess.AskerKind)


class CaseActionRefused(Exception):
    """The action is not possible for this case now (its status, or the staff's rights)."""


# --- The citizen's data-access log -------------------------------------------------------


def case_view_record(staff: Account, application: Application) -> bool:
    """Record in the applicant's data-access log that `staff` opened the case (asker kind
    agency staff, purpose case handling, the agency's code, "application <reference>"),
    unless the same staff member already did within the last hour. True if recorded."""
    personal_number = application.applicant.personal_number or ""
    company = "" if personal_number else application.acting_for
    if not personal_number and not company:
        return False
    agency_code = application.agency.code
    recorded = data_access_record(
        personal_number=personal_number,
        company_code=company,
        asker_kind=AGENCY_STAFF,
        asker=f"staff:{agency_code}:{staff.pk}",
        asker_name=staff.get_full_name() or staff.get_username(),
        purpose=CASE_HANDLING,
        agency=agency_code,
        operation=f"application {application.reference}",
        once_within=CASE_VIEW_INTERVAL,
    )
    return recorded is not None


# --- Case actions ------------------------------------------------------------------------


def _workable(case: Case) -> None:
    if not case.may_work:
        raise CaseActionRefused(_("This case is assigned to a colleague."))


def _claim(case: Case) -> None:
    """A clerk working an unassigned case takes it."""
    application = case.application
    if application.assignee_id is None:
        _assign(application, case.staff, by=case.staff)


def _assign(application: Application, assignee: Account, *, by: Account) -> None:
    Application.objects.filter(pk=application.pk).update(
        assignee=assignee, updated_at=timezone.now()
    )
    application.assignee = assignee
    name = assignee.get_full_name() or assignee.get_username()
    with override(application.language or "ka"):
        body = (
            _("Took the case.")
            if assignee.pk == by.pk
            else _("Assigned the case to %(name)s.") % {"name": name}
        )
    InternalNote.objects.create(application=application, author=by, body=body)


@transaction.atomic
def case_take(*, case: Case) -> None:
    """The staff member takes the case (a clerk: only an unassigned one)."""
    if not case.may_take:
        raise CaseActionRefused(_("This case is assigned to a colleague."))
    _assign(case.application, case.staff, by=case.staff)


@transaction.atomic
def case_reassign(*, case: Case, assignee: Account, colleagues: Sequence[Account]) -> None:
    """A supervisor gives the case to one of the agency's active staff."""
    if not case.leads:
        raise CaseActionRefused(_("Only a supervisor can reassign a case."))
    if assignee.pk not in {colleague.pk for colleague in colleagues}:
        raise CaseActionRefused(_("Choose a member of the agency's staff."))
    if case.application.assignee_id == assignee.pk:
        return
    _assign(case.application, assignee, by=case.staff)


@transaction.atomic
def case_receive(*, case: Case) -> StatusChange:
    """Submitted → received by the agency."""
    _workable(case)
    _expect(case, (Status.SUBMITTED,))
    _claim(case)
    return _status_change(case.application, Status.RECEIVED, actor=case.staff)


@transaction.atomic
def case_start(*, case: Case) -> StatusChange:
    """Received (or back from the citizen) → in progress."""
    _workable(case)
    _expect(case, (Status.SUBMITTED, Status.RECEIVED, Status.INFORMATION_REQUESTED))
    _claim(case)
    if case.application.status == Status.SUBMITTED:
        _status_change(case.application, Status.RECEIVED, actor=case.staff)
    return _status_change(case.application, Status.IN_PROGRESS, actor=case.staff)


@transaction.atomic
def case_request_information(*, case: Case, body: str) -> Message:
    """Write to the citizen what is missing; the case waits for their answer."""
    _workable(case)
    _expect(case, (Status.RECEIVED, Status.IN_PROGRESS))
    _claim(case)
    if case.application.status == Status.RECEIVED:
        _status_change(case.application, Status.IN_PROGRESS, actor=case.staff)
    message = _message_send(
        case.application, author=case.staff, direction=Message.Direction.TO_CITIZEN, body=body
    )
    _status_change(case.application, Status.INFORMATION_REQUESTED, actor=case.staff, note=body)
    return message


@transaction.atomic
def case_answer(
    *, case: Case, body: str, outcome: str, documents: Sequence[UploadedFile[bytes]] = ()
) -> Message:
    """The agency's answer with its outcome (approved, rejected, answered) and documents:
    the case is answered. Each enclosed document goes as the agency's sealed document copy
    (`enclosures`), with the sealed answer letter; a document that cannot be sealed or is
    refused refuses the whole answer, and the files sealed for it are removed."""
    _workable(case)
    _expect(case, (Status.RECEIVED, Status.IN_PROGRESS, Status.INFORMATION_REQUESTED))
    if outcome not in Application.Outcome.values:
        raise CaseActionRefused(_("Choose the outcome."))
    _claim(case)
    issued: list[object] = []
    try:
        enclosed = _sealed_enclosures(case.application, documents)
        issued.extend(enclosure.issued for enclosure in enclosed)
        letter = _sealed_answer(
            case.application,
            body=body,
            outcome=outcome,
            enclosed=[enclosure.listed_as for enclosure in enclosed],
            issued=issued,
        )
        return _message_send(
            case.application,
            author=case.staff,
            direction=Message.Direction.TO_CITIZEN,
            body=body,
            outcome=outcome,
            documents=[*(enclosure.upload for enclosure in enclosed), *letter],
        )
    except BaseException:
        from .enclosures import forget_issued

        forget_issued(issued)
        raise


def _sealed_enclosures(
    application: Application, documents: Sequence[UploadedFile[bytes]]
) -> list[Enclosure]:
    """The enclosed documents as the agency's sealed copies (`enclosures`); as they are
    when `SIGNING_SEAL_ANSWERS` is off."""
    from django.conf import settings

    from .enclosures import Enclosure, EnclosureRefused, sealed_enclosures

    if not getattr(settings, "SIGNING_SEAL_ANSWERS", True):
        return [Enclosure(upload=f, listed_as=f.name or "") for f in documents]
    try:
        return sealed_enclosures(application, documents)
    except EnclosureRefused as refused:
        raise CaseActionRefused(refused.message) from refused


def _sealed_answer(
    application: Application,
    *,
    body: str,
    outcome: str,
    enclosed: Sequence[str],
    issued: list[object],
) -> list[UploadedFile[bytes]]:
    """The answer letter as a PDF sealed by the agency (signing room), to go with the
    answer as "Answer <reference>.pdf" (its issued document is added to `issued`). Sealed
    inside the answer's transaction: when the seal cannot be made, the answer is refused
    and nothing is sent. `SIGNING_SEAL_ANSWERS` (default on) turns it off."""
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile

    from onewindow.signing import services as signing

    if not getattr(settings, "SIGNING_SEAL_ANSWERS", True) or not body.strip():
        return []
    try:
        document = signing.issue_answer(
            application, body=body, outcome=outcome, enclosed=list(enclosed)
        )
    except signing.IssuingRefused as refused:
        raise CaseActionRefused(refused.message) from refused
    issued.append(document)
    with document.file.open("rb") as sealed:
        content = sealed.read()
    name = signing.answer_file_name(application)
    return [SimpleUploadedFile(name, content, content_type="application/pdf")]


@transaction.atomic
def case_close(*, case: Case) -> StatusChange:
    """Answered → closed: nothing more is expected on the case."""
    _workable(case)
    _expect(case, (Status.ANSWERED,))
    return _status_change(case.application, Status.CLOSED, actor=case.staff)


@transaction.atomic
def internal_note_add(*, case: Case, body: str) -> InternalNote:
    """A note for colleagues on the case; never shown to the citizen."""
    _workable(case)
    return InternalNote.objects.create(application=case.application, author=case.staff, body=body)


def _expect(case: Case, statuses: Sequence[str]) -> None:
    if case.application.status not in statuses:
        raise CaseActionRefused(
            _("This action is not possible while the case is %(status)s.")
            % {"status": case.application.get_status_display()}
        )


# --- The applications room's interface -----------------------------------------------------
# Imported when used: the applications room imports this app's models, and its modules
# are heavy (the form engine, PDF rendering).


def _status_change(
    application: Application, to_status: str, *, actor: Account, note: str = "", outcome: str = ""
) -> StatusChange:
    from onewindow.applications import services as application_services

    try:
        return application_services.status_change(
            application, to_status, actor=actor, note=note, outcome=outcome
        )
    except application_services.InvalidTransition as refused:
        raise CaseActionRefused(_("This action is not possible in the case's status.")) from refused


def _message_send(
    application: Application,
    *,
    author: Account,
    direction: str,
    body: str,
    outcome: str = "",
    documents: Sequence[UploadedFile[bytes]] = (),
) -> Message:
    from onewindow.applications import correspondence
    from onewindow.applications.attachments.checks import AttachmentRefused

    try:
        return correspondence.message_send(
            application,
            author=author,
            direction=direction,
            body=body,
            outcome=outcome,
            attachments=documents,
        )
    except AttachmentRefused as refused:
        raise CaseActionRefused(refused.message) from refused
    except correspondence.CorrespondenceRefused as refused:
        raise CaseActionRefused(
            _("The message could not be sent (%(code)s).") % {"code": refused.code}
        ) from refused


__all__ = [
    "CASE_VIEW_INTERVAL",
    "OPEN_STATUSES",
    "CaseActionRefused",
    "case_answer",
    "case_close",
    "case_reassign",
    "case_receive",
    "case_request_information",
    "case_start",
    "case_take",
    "case_view_record",
    "internal_note_add",
]
