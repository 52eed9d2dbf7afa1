"""The pages: upload and delete on one's own draft, the download authorisation matrix and
its headers, and "My documents"."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.test import Client
from django.urls import reverse

import pytest

from onewindow.applications.attachments import services
from onewindow.applications.models import Attachment, Draft, Message

from . import files
from .conftest import World, account, stored_files, upload


def upload_url(draft: Draft) -> str:
    return reverse("applications:attachment-upload", args=[draft.pk])


def text(response: Any) -> str:
    return bytes(response.content).decode()


def test_upload_then_back_to_the_draft_page(client: Client, world: World) -> None:
    client.force_login(world.citizen)
    page = f"/ka/apply/draft/{world.draft.pk}/documents/"
    response = client.post(
        upload_url(world.draft),
        {"file": upload(files.pdf(), "პასპორტი.pdf"), "field": "passport", "next": page},
    )
    assert response.status_code == 302 and response["Location"] == page
    attachment = Attachment.objects.get()
    assert (attachment.name, attachment.field, attachment.draft) == (
        "პასპორტი.pdf",
        "passport",
        world.draft,
    )


def test_an_unsafe_next_is_ignored(client: Client, world: World) -> None:
    client.force_login(world.citizen)
    response = client.post(
        upload_url(world.draft),
        {"file": upload(files.png(), "a.png"), "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(upload_url(world.draft))


def test_upload_for_fetch_answers_json(client: Client, world: World) -> None:
    client.force_login(world.citizen)
    response = client.post(
        upload_url(world.draft),
        {"file": upload(files.docx(), "letter.docx"), "field": "letter"},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 201
    body = json.loads(response.content)
    attachment = Attachment.objects.get()
    assert body["id"] == str(attachment.id)
    assert body["url"] == reverse("applications:attachment", args=[attachment.id])


def test_a_refused_upload_shows_the_error_summary(
    client: Client, world: World, attachment_settings: Path
) -> None:
    client.force_login(world.citizen)
    response = client.post(
        upload_url(world.draft), {"file": upload(files.HTML, "invoice.pdf"), "field": "passport"}
    )
    assert response.status_code == 400
    page = text(response)
    assert "govuk-error-summary" in page
    assert 'href="#passport-upload"' in page and 'id="passport-upload"' in page
    assert "PDF, JPG, PNG, DOCX, ODT" in page
    assert not Attachment.objects.exists() and stored_files(attachment_settings) == []


def test_a_refused_upload_for_fetch_answers_json(client: Client, world: World) -> None:
    client.force_login(world.citizen)
    response = client.post(
        upload_url(world.draft),
        {"file": upload(files.pdf(), "photo.jpg")},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 400
    assert json.loads(response.content)["error"] == "mismatch"


def test_no_file_selected(client: Client, world: World) -> None:
    client.force_login(world.citizen)
    response = client.post(upload_url(world.draft), {"field": "passport"})
    assert response.status_code == 400
    assert "govuk-error-message" in text(response)


def test_nobody_uploads_to_someone_elses_draft(client: Client, world: World) -> None:
    client.force_login(world.other_citizen)
    response = client.post(upload_url(world.draft), {"file": upload(files.pdf(), "a.pdf")})
    assert response.status_code == 404
    assert not Attachment.objects.exists()


def test_the_upload_page_lists_the_files_and_deletes_one(client: Client, world: World) -> None:
    attachment = services.attachment_store(
        upload(files.png(), "scan.png"), uploaded_by=world.citizen, draft=world.draft
    )
    client.force_login(world.citizen)
    page = client.get(upload_url(world.draft))
    assert page.status_code == 200 and "scan.png" in text(page)
    delete = reverse("applications:attachment-delete", args=[world.draft.pk, attachment.pk])
    client.force_login(world.other_citizen)
    assert client.post(delete).status_code == 404
    client.force_login(world.citizen)
    assert client.get(delete).status_code == 405
    response = client.post(delete)
    assert response.status_code == 302
    assert not Attachment.objects.exists()


def download_url(attachment: Attachment) -> str:
    return reverse("applications:attachment", args=[attachment.pk])


@pytest.fixture
def submitted_file(world: World) -> Attachment:
    attachment = services.attachment_store(
        upload(files.pdf(), "ნინოს განცხადება.pdf"), uploaded_by=world.citizen, draft=world.draft
    )
    # Submission moves the draft's files to the application.
    Attachment.objects.filter(pk=attachment.pk).update(application=world.application, draft=None)
    attachment.refresh_from_db()
    return attachment


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("citizen", True),  # the uploader and applicant
        ("clerk", True),  # active staff of the application's agency
        ("other_clerk", False),  # staff of another agency
        ("former_clerk", False),  # no longer active in the agency
        ("other_citizen", False),
    ],
)
def test_download_matrix(
    client: Client, world: World, submitted_file: Attachment, who: str, allowed: bool
) -> None:
    client.force_login(getattr(world, who))
    response = client.get(download_url(submitted_file))
    if not allowed:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files.pdf()  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    assert "filename*=UTF-8''%E1%83%9C%E1%83%98%E1%83%9C%E1%83%9D%E1%83%A1%20" in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]


def test_anonymous_is_sent_to_sign_in(client: Client, submitted_file: Attachment) -> None:
    response = client.get(download_url(submitted_file))
    assert response.status_code == 302
    assert "/sign-in" in response["Location"] or "login" in response["Location"]


def test_the_agency_file_in_a_message_reaches_the_applicant_only(
    client: Client, world: World
) -> None:
    message = Message.objects.create(
        application=world.application, direction="to-citizen", author=world.clerk, body="ok"
    )
    decision = services.attachment_store(
        upload(files.pdf(), "decision.pdf"), uploaded_by=world.clerk, message=message
    )
    assert services.attachment_visible_to(world.citizen, decision)
    assert services.attachment_visible_to(world.clerk, decision)
    assert not services.attachment_visible_to(world.other_clerk, decision)
    assert not services.attachment_visible_to(world.other_citizen, decision)
    client.force_login(world.citizen)
    assert client.get(download_url(decision)).status_code == 200


def test_a_draft_file_is_the_owners_alone(world: World) -> None:
    attachment = services.attachment_store(
        upload(files.png(), "a.png"), uploaded_by=world.citizen, draft=world.draft
    )
    assert services.attachment_visible_to(world.citizen, attachment)
    # Not submitted yet: the agency has nothing to see.
    assert not services.attachment_visible_to(world.clerk, attachment)
    assert not services.attachment_visible_to(world.other_citizen, attachment)


def test_my_documents(client: Client, world: World, submitted_file: Attachment) -> None:
    message = Message.objects.create(
        application=world.application, direction="to-citizen", author=world.clerk, body="ok"
    )
    decision = services.attachment_store(
        upload(files.pdf(), "decision.pdf"), uploaded_by=world.clerk, message=message
    )
    services.attachment_store(  # still a draft: not in My documents
        upload(files.png(), "draft-only.png"), uploaded_by=world.citizen, draft=world.draft
    )
    client.force_login(world.citizen)
    page = text(client.get(reverse("applications:documents")))
    assert page.index("decision.pdf") < page.index("ნინოს განცხადება.pdf")  # newest first
    assert "draft-only.png" not in page
    assert download_url(decision) in page
    assert "უწყება civil-registry-test" in page or "Agency civil-registry-test" in page
    found = text(client.get(reverse("applications:documents"), {"q": "ნინო"}))
    assert "ნინოს განცხადება.pdf" in found and "decision.pdf" not in found
    client.force_login(world.other_citizen)
    assert "decision.pdf" not in text(client.get(reverse("applications:documents")))


def test_my_documents_is_paginated(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    for number in range(27):
        services.attachment_store(
            upload(files.png(), f"scan-{number:02}.png"),
            uploaded_by=world.citizen,
            message=Message.objects.create(
                application=world.application,
                direction="to-agency",
                author=world.citizen,
                body="x",
            ),
        )
    client.force_login(world.citizen)
    with django_assert_max_num_queries(12):  # not one query per file
        first = text(client.get(reverse("applications:documents")))
    assert "scan-26.png" in first and "scan-01.png" not in first
    assert "govuk-pagination" in first
    second = text(client.get(reverse("applications:documents"), {"page": 2}))
    assert "scan-01.png" in second and "scan-00.png" in second


def test_my_documents_needs_sign_in(client: Client, db: None) -> None:
    assert client.get(reverse("applications:documents")).status_code == 302


def test_someone_with_no_documents(client: Client, db: None) -> None:
    client.force_login(account("lonely"))
    assert client.get(reverse("applications:documents")).status_code == 200


def test_a_huge_upload_is_cut_off_while_reading(
    client: Client,
    world: World,
    settings: Any,
    attachment_settings: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.ATTACHMENT_MAX_FILE_BYTES = 50_000

    def never(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the upload should have been stopped while reading")

    # Refused by the upload handler, before the file is whole and reaches the checks.
    monkeypatch.setattr(services, "attachment_store", never)
    client.force_login(world.citizen)
    content = files.pdf() + b"%" + b"x" * 200_000 + b"\n%%EOF\n"
    response = client.post(
        upload_url(world.draft),
        {"field": "passport", "file": upload(content, "big.pdf")},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 400
    assert json.loads(response.content)["error"] == "too-large"
    assert not Attachment.objects.exists() and stored_files(attachment_settings) == []


def test_upload_still_needs_the_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.citizen)
    response = client.post(upload_url(world.draft), {"file": upload(files.png(), "a.png")})
    assert response.status_code == 403
    assert not Attachment.objects.exists()
