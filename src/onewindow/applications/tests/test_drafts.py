"""Drafts: the person's list, deleting one, who may see them, and the daily expiry with
one reminder three days before."""

# The fixtures come from journey_helpers: pytest passes them in under the same names.
# ruff: noqa: F811

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

import pytest

from onewindow.applications.drafts import drafts_expire
from onewindow.applications.models import Attachment, Draft
from onewindow.applications.tasks import drafts_expire as drafts_expire_job
from onewindow.catalog.models import Service
from onewindow.identity.models import Account
from onewindow.notifications.models import Notification

from .journey_helpers import (  # noqa: F401 - fixtures
    agency,
    citizen,
    make_draft,
    other_citizen,
    service,
)

pytestmark = pytest.mark.django_db


def text(response: object) -> str:
    content: bytes = response.content  # type: ignore[attr-defined]
    return content.decode()


def test_the_list_shows_only_ones_own_drafts(
    client: Client, citizen: Account, other_citizen: Account, service: Service
) -> None:
    mine = make_draft(citizen, service)
    make_draft(other_citizen, service, expires_at=timezone.now() + timedelta(days=9))
    client.force_login(citizen)
    page = text(client.get("/en/applications/drafts/"))
    assert "Change of address" in page
    assert f"/en/applications/drafts/{mine.pk}/delete/" in page
    assert mine.expires_at.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d") in page
    assert page.count("/delete/") == 1


def test_no_drafts(client: Client, citizen: Account) -> None:
    client.force_login(citizen)
    assert "You have no drafts." in text(client.get("/en/applications/drafts/"))


def test_deleting_asks_first_then_deletes(
    client: Client, citizen: Account, service: Service
) -> None:
    draft = make_draft(citizen, service)
    client.force_login(citizen)
    url = f"/en/applications/drafts/{draft.pk}/delete/"
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Delete this draft?" in text(confirm)
    assert Draft.objects.filter(pk=draft.pk).exists()
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == "/en/applications/drafts/"
    assert not Draft.objects.filter(pk=draft.pk).exists()


def test_another_persons_draft_is_not_found(
    client: Client, citizen: Account, other_citizen: Account, service: Service
) -> None:
    draft = make_draft(citizen, service)
    client.force_login(other_citizen)
    for url in (
        f"/en/applications/drafts/{draft.pk}/delete/",
        f"/en/apply/draft/{draft.pk}/about/",
        f"/en/apply/draft/{draft.pk}/check/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/en/applications/drafts/{draft.pk}/delete/").status_code == 404
    assert client.post(f"/en/apply/draft/{draft.pk}/about/", {"reason": "x"}).status_code == 404
    assert client.post(f"/en/apply/draft/{draft.pk}/submit/").status_code == 404
    draft.refresh_from_db()
    assert draft.answers["reason"] == "ბინის შეცვლა"


@pytest.mark.parametrize(
    "path",
    ["applications/drafts/", "apply/address-change/", "apply/draft/{pk}/about/"],
)
def test_anonymous_visitors_are_sent_to_sign_in(
    client: Client, citizen: Account, service: Service, path: str
) -> None:
    draft = make_draft(citizen, service)
    url = "/en/" + path.format(pk=draft.pk)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/en/sign-in/?next={url}"


def test_expiry_deletes_old_drafts_and_reminds_once(
    citizen: Account, other_citizen: Account, service: Service
) -> None:
    now = timezone.now()
    expired = make_draft(citizen, service, expires_at=now - timedelta(minutes=1))
    soon = make_draft(other_citizen, service, expires_at=now + timedelta(days=2))
    later = make_draft(citizen, service, expires_at=now + timedelta(days=20))

    assert drafts_expire(now=now) == (1, 1)
    assert not Draft.objects.filter(pk=expired.pk).exists()
    soon.refresh_from_db()
    assert soon.reminder_sent_at == now
    notices = Notification.objects.filter(recipient=other_citizen)
    assert notices.count() == 1
    later.refresh_from_db()
    assert later.reminder_sent_at is None

    assert drafts_expire(now=now + timedelta(hours=1)) == (0, 0)  # reminded once only
    assert Notification.objects.filter(recipient=other_citizen).count() == 1


def test_the_job_and_the_command_expire_drafts(citizen: Account, service: Service) -> None:
    make_draft(citizen, service, expires_at=timezone.now() - timedelta(days=1))
    assert drafts_expire_job.call() == {"deleted": 1, "reminded": 0}
    make_draft(citizen, service, expires_at=timezone.now() - timedelta(days=1))
    call_command("drafts_expire", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Draft.objects.count() == 0


def test_saving_a_page_keeps_the_draft_another_30_days(
    client: Client, citizen: Account, service: Service
) -> None:
    draft = make_draft(citizen, service, expires_at=timezone.now() + timedelta(days=1))
    draft.reminder_sent_at = timezone.now()
    draft.save()
    client.force_login(citizen)
    response = client.post(f"/en/apply/draft/{draft.pk}/contact/", {"email": "nino@example.ge"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.expires_at > timezone.now() + timedelta(days=29)
    assert draft.reminder_sent_at is None


def test_deleting_a_draft_deletes_its_files(
    client: Client, citizen: Account, service: Service
) -> None:
    draft = make_draft(citizen, service)
    attachment = Attachment.objects.create(
        uploaded_by=citizen, draft=draft, field="proof", file="attachments/x.pdf", name="x.pdf",
        content_type="application/pdf", size=10, sha256="0" * 64, scan="clean",
    )  # fmt: skip
    client.force_login(citizen)
    client.post(f"/en/applications/drafts/{draft.pk}/delete/")
    assert not Attachment.objects.filter(pk=attachment.pk).exists()


OPTIONAL_FORM = {
    "kind": "application",
    "addressee": "provider",
    "pages": [
        {
            "id": "notes",
            "title": {"ka": "შენიშვნა", "en": "Notes"},
            "fields": [
                {
                    "name": "note",
                    "type": "text",
                    "required": False,
                    "label": {"ka": "შენიშვნა", "en": "Anything else"},
                }
            ],
        }
    ],
}


def test_an_optional_answer_emptied_later_is_removed(citizen: Account, agency: Any) -> None:
    from onewindow.applications.drafts import draft_save_page
    from onewindow.applications.forms.schema import parse_form

    from .journey_helpers import make_service

    service = make_service(agency, code="optional-note", form=OPTIONAL_FORM)
    draft = make_draft(citizen, service)
    schema = parse_form(OPTIONAL_FORM)
    today = timezone.localdate()
    draft_save_page(draft, schema=schema, page_id="notes", raw={"note": "first"}, today=today,
                    lang="en")  # fmt: skip
    assert Draft.objects.get(pk=draft.pk).answers == {"note": "first"}
    draft_save_page(draft, schema=schema, page_id="notes", raw={"note": "  "}, today=today,
                    lang="en")  # fmt: skip
    assert "note" not in Draft.objects.get(pk=draft.pk).answers
