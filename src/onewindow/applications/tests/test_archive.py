"""'My applications': the list and an application's page, only ever the person's own."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

import pytest

from onewindow.applications.models import Application, Message, StatusChange

from .test_correspondence import World, make_application, make_world, overdue_date, png_upload

Status = Application.Status


def text(response: Any) -> str:
    content: bytes = response.content
    return content.decode()


@pytest.fixture
def world(db: None) -> World:
    return make_world()


@pytest.fixture(autouse=True)
def attachment_root(settings: Any, tmp_path: Path) -> Path:
    settings.ATTACHMENT_ROOT = tmp_path / "files"
    settings.ATTACHMENT_CLAMD_SOCKET = ""
    return tmp_path / "files"


@pytest.fixture
def citizen_client(client: Client, world: World) -> Client:
    client.force_login(world.citizen)
    return client


def list_url(**query: str) -> str:
    url = reverse("applications:list")
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def detail_url(application: Application) -> str:
    return reverse("applications:detail", args=[application.reference])


# --- The list ---------------------------------------------------------------------------------


def test_list_shows_only_my_applications(citizen_client: Client, world: World) -> None:
    mine = make_application(world, subject="Budget of 2026")
    theirs = make_application(world, applicant=world.other_citizen, subject="Secret matter")
    page = text(citizen_client.get(list_url()))
    assert mine.reference in page and "Budget of 2026" in page
    assert theirs.reference not in page and "Secret matter" not in page
    assert "Ministry" in page or "ფინანსთა" in page


def test_list_shows_the_overdue_flag(citizen_client: Client, world: World) -> None:
    make_application(world, due_on=overdue_date(), days_ago=20)
    response = citizen_client.get(list_url())
    assert "govuk-tag--red" in text(response)
    Application.objects.update(status=Status.ANSWERED)
    assert "govuk-tag--red" not in text(citizen_client.get(list_url()))


def test_list_filters_by_status_and_search(citizen_client: Client, world: World) -> None:
    open_case = make_application(world, subject="Road repairs")
    answered = make_application(world, subject="School budget", status=Status.ANSWERED)
    page = text(citizen_client.get(list_url(status="answered")))
    assert answered.reference in page and open_case.reference not in page
    page = text(citizen_client.get(list_url(q="road")))
    assert open_case.reference in page and answered.reference not in page
    page = text(citizen_client.get(list_url(q=answered.reference)))
    assert answered.reference in page and open_case.reference not in page


def test_invalid_status_filter_is_an_error_not_a_filter(
    citizen_client: Client, world: World
) -> None:
    make_application(world)
    response = citizen_client.get(list_url(status="nonsense"))
    assert response.status_code == 200
    assert "govuk-error-summary" in text(response)


def test_list_is_paginated_with_bounded_queries(citizen_client: Client, world: World) -> None:
    for number in range(50):
        make_application(
            world, subject=f"Letter {number}", due_on=overdue_date() if number % 2 else None
        )
    citizen_client.get(list_url())  # warm up caches (catalogue, session)
    with CaptureQueriesContext(connection) as first:
        response = citizen_client.get(list_url())
    page = text(response)
    assert response.status_code == 200
    assert page.count('class="govuk-link" href="/') >= 20
    assert "Letter 49" in page and "Letter 29" not in page  # newest 20 first
    with CaptureQueriesContext(connection) as second:
        page2 = text(citizen_client.get(list_url(page="2")))
    assert "Letter 29" in page2
    assert len(first) <= 6, [query["sql"] for query in first.captured_queries]
    assert len(second) == len(first)


def test_anonymous_goes_to_sign_in(client: Client, world: World) -> None:
    application = make_application(world)
    for url in (list_url(), detail_url(application)):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("identity:sign-in") in response["Location"]


# --- An application's page ------------------------------------------------------------


def test_detail_shows_summary_history_thread_and_deadline(
    citizen_client: Client, world: World
) -> None:
    application = make_application(world, due_on=timezone.localdate() + dt.timedelta(days=14))
    StatusChange.objects.create(
        application=application, from_status="submitted", to_status="received", actor=world.clerk
    )
    Message.objects.create(
        application=application, direction="to-citizen", author=world.clerk, body="We need a copy."
    )
    response = citizen_client.get(detail_url(application))
    page = text(response)
    assert response.status_code == 200
    assert application.reference in page
    assert "We need a copy." in page
    assert 'id="history"' in page
    assert 'id="deadline"' in page
    assert reverse("applications:reply", args=[application.reference]) in page
    assert reverse("applications:escalate", args=[application.reference]) not in page
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    )


def test_opening_the_page_marks_agency_messages_read(citizen_client: Client, world: World) -> None:
    application = make_application(world)
    message = Message.objects.create(
        application=application, direction="to-citizen", author=world.clerk, body="Hello"
    )
    citizen_client.get(detail_url(application))
    message.refresh_from_db()
    assert message.read_at is not None


def test_someone_elses_application_is_not_found(client: Client, world: World) -> None:
    application = make_application(world)
    for account in (world.other_citizen, world.clerk, world.head):
        client.force_login(account)
        reference = application.reference
        assert client.get(detail_url(application)).status_code == 404
        assert client.get(reverse("applications:pdf", args=[reference])).status_code == 404
        reply = client.post(reverse("applications:reply", args=[reference]), {"body": "x"})
        assert reply.status_code == 404
        escalate = client.post(reverse("applications:escalate", args=[reference]))
        assert escalate.status_code == 404
    assert not Message.objects.exists()


def test_reply_from_the_page(citizen_client: Client, world: World) -> None:
    application = make_application(world, status=Status.INFORMATION_REQUESTED)
    response = citizen_client.post(
        reverse("applications:reply", args=[application.reference]), {"body": "The copy."}
    )
    assert response.status_code == 302
    assert Message.objects.get(application=application).body == "The copy."
    application.refresh_from_db()
    assert application.status == Status.IN_PROGRESS


def test_reply_with_a_file(citizen_client: Client, world: World) -> None:
    application = make_application(world)
    response = citizen_client.post(
        reverse("applications:reply", args=[application.reference]),
        {"body": "See attached.", "attachment": png_upload()},
    )
    assert response.status_code == 302
    message = Message.objects.get(application=application)
    assert message.attachments.count() == 1
    [attachment] = message.attachments.all()
    page = text(citizen_client.get(detail_url(application)))
    assert "scan.png" in page
    assert reverse("applications:attachment", args=[attachment.pk]) in page


def test_empty_reply_shows_an_error(citizen_client: Client, world: World) -> None:
    application = make_application(world)
    response = citizen_client.post(
        reverse("applications:reply", args=[application.reference]), {"body": "  "}
    )
    assert response.status_code == 400
    assert "govuk-error-summary" in text(response)
    assert not Message.objects.exists()


def test_no_reply_form_on_a_closed_case(citizen_client: Client, world: World) -> None:
    application = make_application(world, status=Status.CLOSED)
    page = text(citizen_client.get(detail_url(application)))
    assert reverse("applications:reply", args=[application.reference]) not in page
    response = citizen_client.post(
        reverse("applications:reply", args=[application.reference]), {"body": "Hello?"}
    )
    assert response.status_code == 302
    assert not Message.objects.exists()


def test_escalate_from_the_page(citizen_client: Client, world: World) -> None:
    application = make_application(world, due_on=overdue_date(), days_ago=20)
    page = text(citizen_client.get(detail_url(application)))
    url = reverse("applications:escalate", args=[application.reference])
    assert url in page
    response = citizen_client.post(url)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.escalated_at is not None
    assert url not in text(citizen_client.get(detail_url(application)))


def test_escalate_refused_when_not_overdue(citizen_client: Client, world: World) -> None:
    application = make_application(world)
    response = citizen_client.post(reverse("applications:escalate", args=[application.reference]))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.escalated_at is None


def test_escalate_and_reply_need_post(citizen_client: Client, world: World) -> None:
    application = make_application(world, due_on=overdue_date(), days_ago=20)
    assert (
        citizen_client.get(
            reverse("applications:escalate", args=[application.reference])
        ).status_code
        == 405
    )
    assert (
        citizen_client.get(reverse("applications:reply", args=[application.reference])).status_code
        == 405
    )


def test_pdf_for_the_owner_only(
    citizen_client: Client, world: World, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    application = make_application(world)
    url = reverse("applications:pdf", args=[application.reference])
    assert citizen_client.get(url).status_code == 404  # not rendered yet
    assert url not in text(citizen_client.get(detail_url(application)))
    application.pdf.save("a.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    response = citizen_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"  # type: ignore[attr-defined]
    assert url in text(citizen_client.get(detail_url(application)))


def test_detail_queries_bounded(citizen_client: Client, world: World) -> None:
    application = make_application(world)
    for number in range(10):
        message = Message.objects.create(
            application=application, direction="to-agency", author=world.citizen, body=f"m{number}"
        )
        del message
    citizen_client.get(detail_url(application))
    with CaptureQueriesContext(connection) as queries:
        citizen_client.get(detail_url(application))
    assert len(queries) <= 8, [query["sql"] for query in queries.captured_queries]


def test_list_in_georgian(citizen_client: Client, world: World) -> None:
    make_application(world, due_on=overdue_date(), days_ago=20)
    with translation.override("ka"):
        url = reverse("applications:list")
    page = text(citizen_client.get(url))
    assert "ჩემი განცხადებები" in page
    assert "ვადაგადაცილებული" in page
    assert "განხილვის პროცესშია" in page  # the status, in Georgian
    assert "My applications" not in page
