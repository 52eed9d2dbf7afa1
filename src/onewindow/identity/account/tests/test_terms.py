"""The accept-terms step: it blocks every other page until accepted, and comes back when
a new version is published."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

import pytest

from onewindow.identity.models import Account, AuditEvent, TermsAcceptance, TermsVersion
from onewindow.identity.tests.helpers import session_key, session_store, sign_in

pytestmark = pytest.mark.django_db


def test_the_terms_block_other_pages_until_accepted(client: Client, nino: Account) -> None:
    assert sign_in(client, nino, accept_terms=False) == "/ka/account/terms/"
    assert client.get("/en/account/")["Location"] == "/en/account/terms/"
    assert client.get("/en/my-data/")["Location"] == "/en/account/terms/"
    page = client.get("/en/account/terms/").content.decode()
    assert "Terms of use, version 1" in page
    assert '<h3 class="govuk-heading-m">Your account and signing in</h3>' in page
    assert "help@onewindow.example" in page and "{support_email}" not in page
    assert "What changed" not in page  # the first version

    refused = client.post("/en/account/terms/", {})
    assert "Tick the box to accept the terms of use" in refused.content.decode()
    assert not TermsAcceptance.objects.exists()
    assert client.get("/en/account/")["Location"] == "/en/account/terms/"

    accepted = client.post("/en/account/terms/", {"accept": "on"}, REMOTE_ADDR="192.0.2.4",
                           HTTP_USER_AGENT="Firefox/133.0")  # fmt: skip
    assert accepted["Location"] == "/en/my-data/"
    acceptance = TermsAcceptance.objects.get()
    assert (acceptance.account, acceptance.terms.version) == (nino, 1)
    assert (acceptance.ip_address, acceptance.user_agent) == ("192.0.2.4", "Firefox/133.0")
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.TERMS_ACCEPTED)
    assert event.subject == nino and event.data == {"version": 1}
    assert client.get("/en/account/").status_code == 200
    assert session_store(session_key(client))["ow_steps"] == []


def test_a_new_version_is_asked_at_the_next_sign_in_with_what_changed(
    client: Client, nino: Account
) -> None:
    sign_in(client, nino)
    TermsVersion.objects.create(
        version=2, body_ka="## ახალი\n\nტექსტი <b>", body_en="## New\n\nText <b>",
        summary_ka="შეიცვალა გადახდები.", summary_en="Payments changed.",
        published_at=timezone.now(),
    )  # fmt: skip
    assert client.get("/en/account/").status_code == 200  # not in the middle of a session
    again = Client()
    assert sign_in(again, nino, accept_terms=False) == "/ka/account/terms/"
    page = again.get("/en/account/terms/").content.decode()
    assert "What changed in version 2" in page and "Payments changed." in page
    assert "Text &lt;b&gt;" in page  # plain text, escaped
    georgian = again.get("/ka/account/terms/").content.decode()
    assert "შეიცვალა გადახდები." in georgian and "ტექსტი" in georgian
    again.post("/en/account/terms/", {"accept": "on"})
    assert TermsAcceptance.objects.filter(account=nino, terms__version=2).count() == 1
    assert again.get("/en/account/").status_code == 200
