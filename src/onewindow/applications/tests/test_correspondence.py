"""The thread and the escalation: who may write which way and when, what a message does
to the case, and the one-time escalation of an overdue case to the agency's heads.

The helpers here (`make_world`, `make_application`) also serve test_archive.py."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

import pytest
from PIL import Image

from onewindow.applications.correspondence import CorrespondenceRefused, escalate, message_send
from onewindow.applications.models import Application, Message, StatusChange
from onewindow.backoffice.models import StaffMembership
from onewindow.catalog.models import Agency, Service
from onewindow.identity.models import Account
from onewindow.identity.roles import Role
from onewindow.identity.signals import role_signal_muted
from onewindow.notifications.models import Notification

_numbers = itertools.count(1)
Status = Application.Status


@dataclass
class World:
    citizen: Account
    other_citizen: Account
    clerk: Account
    head: Account
    other_agency_clerk: Account
    agency: Agency
    other_agency: Agency
    service: Service


def make_account(username: str, personal_number: str | None = None, **extra: Any) -> Account:
    return Account.objects.create_user(
        username=username, password=None, personal_number=personal_number, **extra
    )


def make_world() -> World:
    agency = Agency.objects.create(code="mof", name_ka="ფინანსთა სამინისტრო", name_en="Ministry")
    other = Agency.objects.create(code="moe", name_ka="განათლების სამინისტრო", name_en="Education")
    service = Service.objects.create(
        code="public-information-request", title_ka="საჯარო ინფორმაცია",
        title_en="Public information", summary_ka="ს", summary_en="S", description_ka="ს",
        description_en="S", kind="functional", audience="both", provider=agency,
    )  # fmt: skip
    clerk = make_account("clerk")
    head = make_account("head")
    other_clerk = make_account("otherclerk")
    StaffMembership.objects.create(account=clerk, agency=agency, role="clerk")
    StaffMembership.objects.create(account=head, agency=agency, role="head")
    StaffMembership.objects.create(account=other_clerk, agency=other, role="clerk")
    staff_role, _created = Group.objects.get_or_create(name=Role.AGENCY_STAFF)
    with role_signal_muted():  # as create_staff grants it, without its audit entry
        for member in (clerk, head, other_clerk):
            member.groups.add(staff_role)
    return World(
        citizen=make_account("nino", "01001012345", first_name="Nino"),
        other_citizen=make_account("giorgi", "01001054321"),
        clerk=clerk,
        head=head,
        other_agency_clerk=other_clerk,
        agency=agency,
        other_agency=other,
        service=service,
    )


def make_application(
    world: World,
    *,
    applicant: Account | None = None,
    status: str = Status.IN_PROGRESS,
    due_on: dt.date | None = None,
    days_ago: int = 3,
    subject: str = "Budget of 2026",
    language: str = "en",
) -> Application:
    number = next(_numbers)
    submitted = timezone.now() - dt.timedelta(days=days_ago)
    application = Application.objects.create(
        reference=f"OW-2026-{number:07d}",
        kind=Application.Kind.PUBLIC_INFORMATION,
        applicant=applicant or world.citizen,
        service=world.service,
        agency=world.agency,
        language=language,
        subject=subject,
        submission_key=uuid.uuid4(),
        status=status,
        submitted_at=submitted,
        due_on=due_on if due_on is not None else timezone.localdate() + dt.timedelta(days=10),
    )
    StatusChange.objects.create(
        application=application,
        from_status="",
        to_status=Status.SUBMITTED,
        actor=application.applicant,
    )
    return application


def overdue_date() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=2)


def png_upload(name: str = "scan.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


@pytest.fixture
def world(db: None) -> World:
    return make_world()


@pytest.fixture(autouse=True)
def attachment_root(settings: Any, tmp_path: Path) -> Path:
    settings.ATTACHMENT_ROOT = tmp_path / "files"
    settings.ATTACHMENT_CLAMD_SOCKET = ""
    return tmp_path / "files"


# --- Messages to the agency -------------------------------------------------------------


def test_citizen_writes_to_the_agency(world: World) -> None:
    application = make_application(world, status=Status.RECEIVED)
    message = message_send(
        application, author=world.citizen, direction="to-agency", body="  A question.  "
    )
    assert message.body == "A question."
    assert message.direction == Message.Direction.TO_AGENCY
    application.refresh_from_db()
    assert application.status == Status.RECEIVED  # a plain letter changes nothing


def test_reply_to_an_information_request_puts_the_case_back_in_progress(world: World) -> None:
    application = make_application(world, status=Status.INFORMATION_REQUESTED)
    message_send(application, author=world.citizen, direction="to-agency", body="Here it is.")
    assert application.status == Status.IN_PROGRESS
    change = StatusChange.objects.filter(application=application).last()
    assert change is not None
    assert (change.from_status, change.to_status) == (
        Status.INFORMATION_REQUESTED,
        Status.IN_PROGRESS,
    )
    assert change.actor_id == world.citizen.pk


def test_nobody_else_writes_as_the_applicant(world: World) -> None:
    application = make_application(world)
    for author in (world.other_citizen, world.clerk):
        with pytest.raises(CorrespondenceRefused) as refused:
            message_send(application, author=author, direction="to-agency", body="Hello")
        assert refused.value.code == "not-applicant"
    assert not Message.objects.exists()


@pytest.mark.parametrize("status", [Status.ANSWERED, Status.CLOSED])
def test_no_letters_to_the_agency_once_answered(world: World, status: str) -> None:
    application = make_application(world, status=status)
    with pytest.raises(CorrespondenceRefused) as refused:
        message_send(application, author=world.citizen, direction="to-agency", body="Hello")
    assert refused.value.code == "closed"


def test_empty_message_refused(world: World) -> None:
    application = make_application(world)
    with pytest.raises(CorrespondenceRefused) as refused:
        message_send(application, author=world.citizen, direction="to-agency", body="   \n ")
    assert refused.value.code == "empty"


def test_citizen_cannot_decide_the_case(world: World) -> None:
    application = make_application(world)
    with pytest.raises(CorrespondenceRefused):
        message_send(
            application, author=world.citizen, direction="to-agency", body="Yes", outcome="approved"
        )


def test_message_with_a_file(world: World, attachment_root: Path) -> None:
    application = make_application(world)
    message = message_send(
        application,
        author=world.citizen,
        direction="to-agency",
        body="The scan you asked for.",
        attachments=[png_upload()],
    )
    [attachment] = message.attachments.all()
    assert attachment.name == "scan.png"
    assert attachment.uploaded_by_id == world.citizen.pk


def test_refused_file_refuses_the_whole_message(world: World) -> None:
    from onewindow.applications.attachments.checks import AttachmentRefused

    application = make_application(world)
    bad = SimpleUploadedFile("run.exe", b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(AttachmentRefused):
        message_send(
            application, author=world.citizen, direction="to-agency", body="x", attachments=[bad]
        )
    assert not Message.objects.exists()


# --- Messages to the citizen --------------------------------------------------------------


def test_agency_message_notifies_the_citizen(world: World) -> None:
    application = make_application(world)
    message = message_send(application, author=world.clerk, direction="to-citizen", body="Wait.")
    assert application.status == Status.IN_PROGRESS
    notice = Notification.objects.get(recipient=world.citizen)
    assert notice.event == "agency-message"
    assert "Wait." not in notice.body  # the text stays on the portal
    assert message.read_at is None


def test_agency_answer_with_outcome_answers_the_case(world: World) -> None:
    application = make_application(world)
    message_send(
        application,
        author=world.clerk,
        direction="to-citizen",
        body="Attached is the budget.",
        outcome="answered",
    )
    application.refresh_from_db()
    assert application.status == Status.ANSWERED
    assert application.outcome == "answered"
    assert application.answered_at is not None
    assert Notification.objects.get(recipient=world.citizen).event == "application-answered"


def test_only_the_addressee_agencys_staff_write_to_the_citizen(world: World) -> None:
    application = make_application(world)
    for author in (world.other_agency_clerk, world.citizen, world.other_citizen):
        with pytest.raises(CorrespondenceRefused) as refused:
            message_send(application, author=author, direction="to-citizen", body="Hi")
        assert refused.value.code == "not-staff"


def test_former_staff_cannot_write(world: World) -> None:
    StaffMembership.objects.filter(account=world.clerk).update(is_active=False)
    application = make_application(world)
    with pytest.raises(CorrespondenceRefused):
        message_send(application, author=world.clerk, direction="to-citizen", body="Hi")


def test_answered_case_cannot_be_decided_again(world: World) -> None:
    application = make_application(world, status=Status.ANSWERED)
    with pytest.raises(CorrespondenceRefused) as refused:
        message_send(
            application, author=world.clerk, direction="to-citizen", body="No", outcome="rejected"
        )
    assert refused.value.code == "already-answered"
    # A plain letter after the answer is still possible until the case is closed.
    message_send(application, author=world.clerk, direction="to-citizen", body="P.S.")
    closed = make_application(world, status=Status.CLOSED)
    with pytest.raises(CorrespondenceRefused):
        message_send(closed, author=world.clerk, direction="to-citizen", body="P.S.")


def test_unknown_direction_or_outcome_refused(world: World) -> None:
    application = make_application(world)
    with pytest.raises(CorrespondenceRefused):
        message_send(application, author=world.clerk, direction="sideways", body="x")
    with pytest.raises(CorrespondenceRefused):
        message_send(
            application, author=world.clerk, direction="to-citizen", body="x", outcome="maybe"
        )


# --- Escalation ------------------------------------------------------------------------------


def test_escalation_of_an_overdue_case(world: World) -> None:
    application = make_application(world, due_on=overdue_date(), days_ago=20)
    escalate(application, by=world.citizen)
    application.refresh_from_db()
    assert application.escalated_at is not None
    assert application.status == Status.IN_PROGRESS  # the status does not change
    message = Message.objects.get(application=application)
    assert message.direction == Message.Direction.TO_AGENCY
    assert message.author_id == world.citizen.pk
    assert "head of the agency" in message.body
    notices = Notification.objects.filter(event="case-escalated")
    assert [notice.recipient_id for notice in notices] == [world.head.pk]  # not the clerk


def test_escalation_refused_when_not_overdue(world: World) -> None:
    application = make_application(world)
    with pytest.raises(CorrespondenceRefused) as refused:
        escalate(application, by=world.citizen)
    assert refused.value.code == "not-overdue"
    application.refresh_from_db()
    assert application.escalated_at is None
    assert not Message.objects.exists()


def test_escalation_refused_once_answered(world: World) -> None:
    application = make_application(world, status=Status.ANSWERED, due_on=overdue_date())
    with pytest.raises(CorrespondenceRefused):
        escalate(application, by=world.citizen)


def test_escalation_only_once(world: World) -> None:
    application = make_application(world, due_on=overdue_date(), days_ago=20)
    escalate(application, by=world.citizen)
    with pytest.raises(CorrespondenceRefused) as refused:
        escalate(application, by=world.citizen)
    assert refused.value.code == "already-escalated"
    assert Message.objects.filter(application=application).count() == 1


def test_only_the_applicant_escalates(world: World) -> None:
    application = make_application(world, due_on=overdue_date(), days_ago=20)
    with pytest.raises(CorrespondenceRefused) as refused:
        escalate(application, by=world.other_citizen)
    assert refused.value.code == "not-applicant"


def test_escalation_message_in_the_applications_language(world: World) -> None:
    application = make_application(world, due_on=overdue_date(), days_ago=20, language="en")
    escalate(application, by=world.citizen)
    assert Message.objects.get(application=application).body.startswith("The answer")
