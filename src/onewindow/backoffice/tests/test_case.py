"""One case: what staff see, the citizen's access-log entry, and every action's effect."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from typing import Any
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

import pytest

from onewindow.applications.models import Application, InternalNote, Message, StatusChange
from onewindow.exchange.models import DataAccess

from .conftest import Office, make_case, signed_in, text_of

Status = Application.Status


def _url(case: Application, action: str = "") -> str:
    return f"/en/office/cases/{case.reference}/{action}"


def test_the_case_page_shows_answers_prefilled_facts_history_thread_and_notes(
    office: Office,
) -> None:
    case = office.case
    StatusChange.objects.create(application=case, to_status=Status.SUBMITTED, actor=office.citizen)
    Message.objects.create(
        application=case, direction="to-agency", author=office.citizen, body="Any news?"
    )
    InternalNote.objects.create(
        application=case, author=office.second_clerk, body="Call the registry"
    )
    page = text_of(signed_in(office.clerk).get(_url(case)))
    assert case.reference in page and "Nino Chavchavadze (01001012345)" in page
    assert "lost" in page  # an answer
    assert "Tbilisi, Rustaveli 1" in page and "From the registry" in page  # prefilled, marked
    assert "Any news?" in page and "Call the registry" in page
    assert "Assign to me" in page and "Mark as received" in page
    assert "Reassign" not in page  # a clerk's page


def test_viewing_records_one_access_per_staff_member_and_hour(office: Office) -> None:
    clerk = signed_in(office.clerk)
    start = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=start) as now:
        clerk.get(_url(office.case))
        clerk.get(_url(office.case))
        signed_in(office.supervisor).get(_url(office.case))
        accesses = DataAccess.objects.filter(personal_number="01001012345").order_by("id")
        assert accesses.count() == 2
        first = accesses[0]
        assert first.asker_kind == "agency_staff"
        assert first.asker == f"staff:psda-test:{office.clerk.pk}"
        assert first.asker_name == "Eka Beridze"
        assert first.purpose == "case-handling"
        assert first.agency == "psda-test"
        assert first.operation == f"application {office.case.reference}"
        assert first.source == "portal"
        now.return_value = start + dt.timedelta(minutes=59)
        clerk.get(_url(office.case))
        assert accesses.count() == 2
        now.return_value = start + dt.timedelta(minutes=61)
        clerk.get(_url(office.case))
        assert accesses.count() == 3
    # The citizen sees it in "who looked at my data".
    log = text_of(signed_in(office.citizen).get("/en/my-data/access-log/"))
    assert "Agency staff" in log and "Eka Beridze" in log


def test_another_agencys_staff_leave_no_access_entry(office: Office) -> None:
    signed_in(office.foreign_clerk).get(_url(office.case))
    assert not DataAccess.objects.exists()


def test_a_clerk_takes_receives_starts_asks_and_answers(office: Office) -> None:
    case = office.case
    clerk = signed_in(office.clerk)
    assert clerk.post(_url(case, "take")).status_code == 302
    case.refresh_from_db()
    assert case.assignee == office.clerk
    clerk.post(_url(case, "receive"))
    clerk.post(_url(case, "start"))
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    clerk.post(_url(case, "request-information"), {"body": "Send a photo, please."})
    case.refresh_from_db()
    assert case.status == Status.INFORMATION_REQUESTED
    asked = Message.objects.get(application=case)
    assert asked.direction == "to-citizen" and asked.author == office.clerk
    assert asked.body == "Send a photo, please."
    response = clerk.post(_url(case, "answer"), {"outcome": "approved", "body": "Approved."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.ANSWERED and case.outcome == "approved"
    assert case.answered_at is not None
    clerk.post(_url(case, "close"))
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.closed_at is not None
    history = list(StatusChange.objects.filter(application=case).values_list("to_status", "actor"))
    assert history == [
        (Status.RECEIVED, office.clerk.pk),
        (Status.IN_PROGRESS, office.clerk.pk),
        (Status.INFORMATION_REQUESTED, office.clerk.pk),
        (Status.ANSWERED, office.clerk.pk),
        (Status.CLOSED, office.clerk.pk),
    ]
    note = StatusChange.objects.get(application=case, to_status=Status.INFORMATION_REQUESTED)
    assert note.note == "Send a photo, please."


def test_working_an_unassigned_case_takes_it(office: Office) -> None:
    signed_in(office.clerk).post(_url(office.case, "receive"))
    office.case.refresh_from_db()
    assert office.case.assignee == office.clerk and office.case.status == Status.RECEIVED
    assert InternalNote.objects.get(application=office.case).body == "Took the case."


def test_an_action_the_status_does_not_allow_changes_nothing(office: Office) -> None:
    response = signed_in(office.clerk).post(_url(office.case, "close"), follow=True)
    assert "not possible while the case is submitted" in text_of(response)
    office.case.refresh_from_db()
    assert office.case.status == Status.SUBMITTED
    assert not StatusChange.objects.exists()


def test_an_answer_needs_an_outcome_and_a_text(office: Office) -> None:
    case = make_case(office.citizen, office.service, status=Status.IN_PROGRESS)
    response = signed_in(office.clerk).post(_url(case, "answer"), {"body": ""})
    assert response.status_code == 400
    page = text_of(response)
    assert "There is a problem" in page
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and not Message.objects.exists()


def test_a_supervisor_reassigns_to_staff_of_the_agency_only(office: Office) -> None:
    office.case.assignee = office.clerk
    office.case.save()
    supervisor = signed_in(office.supervisor)
    assert "Reassign" in text_of(supervisor.get(_url(office.case)))
    response = supervisor.post(_url(office.case, "reassign"), {"assignee": office.foreign_clerk.pk})
    assert response.status_code == 400
    office.case.refresh_from_db()
    assert office.case.assignee == office.clerk
    supervisor.post(_url(office.case, "reassign"), {"assignee": office.second_clerk.pk})
    office.case.refresh_from_db()
    assert office.case.assignee == office.second_clerk
    note = InternalNote.objects.get(application=office.case)
    assert note.author == office.supervisor and "Levan Kapanadze" in note.body


def test_internal_notes_never_reach_the_citizen(office: Office, tmp_path: Path) -> None:
    case = office.case
    signed_in(office.clerk).post(_url(case, "note"), {"body": "SECRET-NOTE-4711 check fraud"})
    assert InternalNote.objects.get(application=case).body == "SECRET-NOTE-4711 check fraud"
    citizen = signed_in(office.citizen)
    for url in ("/en/applications/", f"/en/applications/{case.reference}/"):
        response = citizen.get(url)
        assert response.status_code == 200, url
        assert case.reference in text_of(response)
        assert "SECRET-NOTE-4711" not in text_of(response), url
    from onewindow.applications.pdf import application_pdf

    pdf = tmp_path / "case.pdf"
    pdf.write_bytes(application_pdf(case))
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert case.reference in text
    assert "SECRET-NOTE-4711" not in text


@pytest.mark.parametrize("outcome", ["approved", "rejected", "answered"])
def test_each_outcome_answers_the_case(office: Office, outcome: str) -> None:
    case = make_case(office.citizen, office.service, status=Status.RECEIVED)
    signed_in(office.supervisor).post(_url(case, "answer"), {"outcome": outcome, "body": "Done."})
    case.refresh_from_db()
    assert case.status == Status.ANSWERED and case.outcome == outcome
    assert Message.objects.get(application=case).outcome == outcome


def test_an_answer_carries_documents_and_a_refused_one_refuses_the_answer(
    office: Office, settings: Any, tmp_path: Path
) -> None:
    from onewindow.applications.attachments.tests.files import EICAR, pdf

    settings.ATTACHMENT_ROOT = tmp_path / "files"
    settings.ATTACHMENT_CLAMD_SOCKET = ""
    case = make_case(office.citizen, office.service, status=Status.IN_PROGRESS)
    clerk = signed_in(office.clerk)
    refused = clerk.post(
        _url(case, "answer"),
        {
            "outcome": "approved",
            "body": "Approved.",
            "documents": [SimpleUploadedFile("virus.pdf", EICAR)],
        },
        follow=True,
    )
    assert "The file must be a PDF" in text_of(refused)
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and not Message.objects.exists()

    clerk.post(
        _url(case, "answer"),
        {
            "outcome": "approved",
            "body": "Approved.",
            "documents": [SimpleUploadedFile("decision.pdf", pdf("decision"))],
        },
    )
    case.refresh_from_db()
    assert case.status == Status.ANSWERED
    message = Message.objects.get(application=case)
    assert [attachment.name for attachment in message.attachments.all()] == ["decision.pdf"]
    page = text_of(signed_in(office.citizen).get(f"/en/applications/{case.reference}/"))
    assert "decision.pdf" in page


def test_staff_download_the_application_as_sent_and_it_counts_as_a_case_view(
    office: Office,
) -> None:
    case = office.case
    clerk = signed_in(office.clerk)
    assert clerk.get(f"/en/office/cases/{case.reference}/application.pdf").status_code == 404
    case.pdf.save(f"{case.reference}.pdf", SimpleUploadedFile("a.pdf", b"%PDF-1.7\n%%EOF\n"))
    page = text_of(clerk.get(_url(case)))
    assert f"{case.reference}.pdf (as the applicant sent it)" in page
    before = DataAccess.objects.count()
    response = clerk.get(f"/en/office/cases/{case.reference}/application.pdf")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7\n%%EOF\n"
    assert response["Content-Disposition"].startswith("attachment;")
    assert DataAccess.objects.count() == before  # already recorded within the hour by the page
