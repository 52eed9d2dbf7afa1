"""Re-authentication and changing contact details with codes sent over real SMTP (an
aiosmtpd server) and a real HTTP SMS provider (a tiny server implementing sms.py's API),
from onewindow/testing/mailservers.py."""

from __future__ import annotations

import json
import re
import time

from django.test import Client

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from onewindow.identity import services
from onewindow.identity.models import Account, AuditEvent, SignInAttempt, SignInMethod
from onewindow.identity.tests.helpers import make_account, session_key, session_store, sign_in
from onewindow.testing.mailservers import Mailbox, SmsGateway, mailbox, sms_gateway

pytestmark = pytest.mark.django_db

__all__ = ["mailbox", "sms_gateway"]  # fixtures, used by name


def _code(text: str) -> str:
    match = re.search(r"\b(\d{6})\b", text)
    assert match is not None, text
    return match.group(1)


def _expire_reauth(client: Client) -> None:
    store = session_store(session_key(client))
    store[services.REAUTH_AT_SESSION_KEY] = time.time() - 301
    store.save()


def test_changing_the_email_needs_a_code_sent_by_smtp(
    client: Client, nino: Account, mailbox: Mailbox
) -> None:
    sign_in(client, nino)
    response = client.post("/en/account/contact/", {"channel": "email", "email-email": "n@new.ge"})
    assert response["Location"] == "/en/account/contact/confirm/"
    (message,) = mailbox.messages
    assert message["To"] == "n@new.ge"
    code = _code(message.get_payload(decode=True).decode())
    nino.refresh_from_db()
    assert nino.email == "nino@example.ge"  # nothing changes before the code

    wrong = "000000" if code != "000000" else "111111"
    page = client.post("/en/account/contact/confirm/", {"code": wrong}).content.decode()
    assert "The code is wrong. Check it and try again" in page
    assert client.post("/en/account/contact/confirm/", {"code": "12ab"}).status_code == 200
    nino.refresh_from_db()
    assert nino.email == "nino@example.ge"

    done = client.post("/en/account/contact/confirm/", {"code": code})
    assert done["Location"] == "/en/account/"
    nino.refresh_from_db()
    assert nino.email == "n@new.ge" and nino.email_confirmed_at is not None
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.CONTACT_CHANGED)
    assert event.data == {"channel": "email", "old": "n***@example.ge", "new": "n***@new.ge"}
    assert code not in json.dumps(event.data)


def test_changing_the_mobile_needs_a_code_sent_by_sms(
    client: Client, nino: Account, sms_gateway: SmsGateway
) -> None:
    sign_in(client, nino)
    bad = client.post("/en/account/contact/", {"channel": "sms", "mobile-mobile": "12345"})
    assert "Enter a Georgian mobile number of 9 digits" in bad.content.decode()
    assert sms_gateway.messages == []
    client.post("/en/account/contact/", {"channel": "sms", "mobile-mobile": "555 12 34 56"})
    (sms,) = sms_gateway.messages
    assert sms["to"] == "+995555123456" and sms["sender"] == "OneWindow"
    client.post("/en/account/contact/confirm/", {"code": _code(sms["text"])})
    nino.refresh_from_db()
    assert nino.mobile == "+995555123456" and nino.mobile_confirmed_at is not None
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.CONTACT_CHANGED)
    assert event.data == {"channel": "sms", "old": "", "new": "+9955***456"}


def test_a_provider_that_fails_changes_nothing(
    client: Client, nino: Account, sms_gateway: SmsGateway
) -> None:
    sms_gateway.fail = True
    sign_in(client, nino)
    page = client.post("/en/account/contact/", {"channel": "sms", "mobile-mobile": "555123456"})
    assert "We could not send the code. Nothing was changed." in page.content.decode()
    assert client.get("/en/account/contact/confirm/")["Location"] == "/en/account/contact/"


def test_contact_needs_a_recent_sign_in_and_an_id_card_session_signs_in_again(
    client: Client, nino: Account
) -> None:
    sign_in(client, nino)
    _expire_reauth(client)
    response = client.get("/en/account/contact/")
    assert response["Location"] == "/en/account/reauth/?next=%2Fen%2Faccount%2Fcontact%2F"
    page = client.get(response["Location"]).content.decode()
    assert 'href="/en/sign-in/?next=%2Fen%2Faccount%2Fcontact%2F&amp;reauth=1#id-card"' in page


def test_a_password_session_reauthenticates_with_password_and_totp(client: Client) -> None:
    person = make_account("tamar", "01001077777", password="a long password 1")
    device = TOTPDevice.objects.create(user=person, name="app", confirmed=True)
    sign_in(client, person, SignInMethod.PASSWORD, otp_device=device)
    _expire_reauth(client)
    url = "/en/account/reauth/?next=/en/account/contact/"
    right_code = f"{totp(device.bin_key):06d}"
    wrong = client.post(url, {"password": "not the password", "code": right_code})
    assert "The password or the code is wrong" in wrong.content.decode()
    assert client.get("/en/account/contact/").status_code == 302
    assert SignInAttempt.objects.filter(reason="reauth-wrong-password").count() == 1
    ok = client.post(url, {"password": "a long password 1", "code": right_code})
    assert ok["Location"] == "/en/account/contact/"
    assert client.get("/en/account/contact/").status_code == 200


def test_too_many_wrong_answers_end_the_session(client: Client) -> None:
    person = make_account("tamar", "01001077777", password="a long password 1")
    device = TOTPDevice.objects.create(user=person, name="app", confirmed=True)
    sign_in(client, person, SignInMethod.PASSWORD, otp_device=device)
    for _ in range(5):
        response = client.post("/en/account/reauth/", {"password": "wrong", "code": "123456"})
    assert response["Location"] == "/en/sign-in/"
    assert client.get("/en/account/").status_code == 302
