"""First-time registration over real HTTP: the Civil Registry asked through the exchange
(the sandbox agencies), codes sent over SMTP to the sandbox's mailbox and through its SMS
gateway, and read back from them as a person would."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.test import Client

import httpx
import pytest
from tests.sandbox_process import RunningSandbox

from onewindow.exchange.models import DataAccess
from onewindow.exchange.tests.conftest import exchange_through_sandbox
from onewindow.identity.idcard.pending import SESSION_KEY as PENDING_KEY
from onewindow.identity.models import (
    Account,
    AuditEvent,
    ConfirmationCode,
    PortalSession,
    SignInAttempt,
    TermsAcceptance,
    TermsVersion,
)

from .conftest import NINO, UNKNOWN_PERSON, CardCa, sign_in_with

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("idcard_settings", "portal")]

EMAIL = "nino.beridze@example.com"
MOBILE = "+995555123456"


@pytest.fixture
def portal(settings: Any, sandbox: RunningSandbox) -> Iterator[Any]:
    """The exchange, the mail and the SMS of the portal pointed at the sandbox."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sandbox.smtp_port
    settings.SMS_PROVIDER_URL = f"{sandbox.url}/sms-gateway"
    with exchange_through_sandbox(settings, sandbox, timeout=None):
        yield settings


def _latest_code(url: str, to: str, after: set[str]) -> str:
    """The code in the newest message to `to` not among `after` (ids), as a person reads it."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        messages = httpx.get(url, params={"to": to}, timeout=5).json()
        fresh = [m for m in messages if m["id"] not in after]
        if fresh:
            match = re.search(r"\b(\d{6})\b", fresh[0]["text"])
            assert match, fresh[0]
            return match.group(1)
        time.sleep(0.05)
    raise AssertionError(f"no message to {to}")


def _ids(url: str, to: str) -> set[str]:
    return {m["id"] for m in httpx.get(url, params={"to": to}, timeout=5).json()}


class Inbox:
    def __init__(self, sandbox: RunningSandbox) -> None:
        self.mail_url = f"{sandbox.url}/mailbox/messages"
        self.sms_url = f"{sandbox.url}/sms-gateway/messages"
        self.seen_mail = _ids(self.mail_url, EMAIL)
        self.seen_sms = _ids(self.sms_url, MOBILE)

    def email_code(self) -> str:
        code = _latest_code(self.mail_url, EMAIL, self.seen_mail)
        self.seen_mail = _ids(self.mail_url, EMAIL)
        return code

    def sms_code(self) -> str:
        code = _latest_code(self.sms_url, MOBILE, self.seen_sms)
        self.seen_sms = _ids(self.sms_url, MOBILE)
        return code


@pytest.fixture
def inbox(sandbox: RunningSandbox) -> Inbox:
    return Inbox(sandbox)


def _text(response: Any) -> str:
    return str(response.content.decode())


def _start(client: Client, card_ca: CardCa, lang: str = "en") -> None:
    response = sign_in_with(client, card_ca.issue(NINO), lang=lang)
    assert response.status_code == 200, response.content
    assert response.json() == {"redirect": f"/{lang}/sign-in/id-card/register/"}


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_a_first_sign_in_registers_the_person(
    client: Client, card_ca: CardCa, terms: TermsVersion, inbox: Inbox
) -> None:
    _start(client, card_ca)
    assert SESSION_KEY not in client.session
    # The Civil Registry was asked, for the person, and it is in their access log.
    access = DataAccess.objects.get(personal_number=NINO)
    assert (access.agency, access.operation, access.purpose) == (
        "civil-registry", "person", "registration",
    )  # fmt: skip
    assert (access.asker_kind, access.on_behalf_of) == ("portal", f"person:{NINO}")

    page = client.get("/en/sign-in/id-card/register/")
    assert page.status_code == 200
    assert "Nino Beridze" in _text(page) and NINO in _text(page)
    assert f"Terms of use, version {terms.version}" in _text(page)
    assert 'class="ow-terms"' in _text(page) and "{portal_name}" not in _text(page)
    assert "ნინო ბერიძე" in _text(client.get("/ka/sign-in/id-card/register/"))
    # The terms must be accepted.
    page = client.post("/en/sign-in/id-card/register/", {})
    assert page.status_code == 400
    assert 'href="#id_accept"' in _text(page)
    assert "Select that you accept the terms of use to continue" in _text(page)
    page = client.post("/en/sign-in/id-card/register/", {"accept": "on"})
    assert page["Location"] == "/en/sign-in/id-card/register/email/"

    page = client.post("/en/sign-in/id-card/register/email/", {"action": "send", "email": "x@"})
    assert page.status_code == 400 and 'href="#id_email"' in _text(page)
    page = client.post("/en/sign-in/id-card/register/email/", {"action": "send", "email": EMAIL})
    assert page["Location"] == "/en/sign-in/id-card/register/email/"
    assert EMAIL in _text(client.get(page["Location"]))
    code = inbox.email_code()
    page = client.post(
        "/en/sign-in/id-card/register/email/", {"action": "confirm", "code": _wrong(code)}
    )
    assert page.status_code == 400
    assert "The code is not right. Check it and try again" in _text(page)
    page = client.post("/en/sign-in/id-card/register/email/", {"action": "confirm", "code": code})
    assert page["Location"] == "/en/sign-in/id-card/register/mobile/"

    page = client.post(
        "/en/sign-in/id-card/register/mobile/", {"action": "send", "mobile": "+1 202 555 0100"}
    )
    assert page.status_code == 400
    assert "Enter a Georgian mobile number, like 555 12 34 56" in _text(page)
    page = client.post(
        "/en/sign-in/id-card/register/mobile/", {"action": "send", "mobile": "555 12-34-56"}
    )
    assert page["Location"] == "/en/sign-in/id-card/register/mobile/"
    code = inbox.sms_code()
    page = client.post(
        "/en/sign-in/id-card/register/mobile/",
        {"action": "confirm", "code": f"{code[:3]} {code[3:]}"},
    )
    assert page["Location"] == "/en/sign-in/id-card/register/confirm/"

    summary = _text(client.get("/en/sign-in/id-card/register/confirm/"))
    assert EMAIL in summary and "+995 555 12 34 56" in summary
    assert not Account.objects.exists()
    before = client.session.session_key
    page = client.post("/en/sign-in/id-card/register/confirm/")
    assert page.status_code == 302 and page["Location"] == "/en/my-data/"

    account = Account.objects.get()
    assert (account.username, account.personal_number) == (NINO, NINO)
    assert (account.first_name, account.last_name) == ("Nino", "Beridze")
    assert (account.first_name_ka, account.last_name_ka) == ("ნინო", "ბერიძე")
    assert (account.email, account.mobile) == (EMAIL, MOBILE)
    assert account.email_confirmed_at and account.mobile_confirmed_at
    assert not account.has_usable_password()
    assert TermsAcceptance.objects.filter(account=account, terms=terms).exists()
    registered = AuditEvent.objects.get(kind=AuditEvent.Kind.REGISTERED)
    assert registered.subject_id == account.pk and registered.data["method"] == "id-card"
    assert client.session[SESSION_KEY] == str(account.pk)
    assert client.session.session_key != before
    assert PENDING_KEY not in client.session
    assert PortalSession.objects.get().account == account
    # Signed in, the person sees their data (no step left, such as the terms).
    assert client.get("/en/my-data/").status_code == 200


def test_the_next_sign_in_goes_straight_in(
    client: Client, card_ca: CardCa, terms: TermsVersion, inbox: Inbox
) -> None:
    _register(client, card_ca, inbox)
    client.logout()
    response = sign_in_with(client, card_ca.issue(NINO))
    assert response.json() == {"redirect": "/en/my-data/"}
    assert SignInAttempt.objects.filter(outcome=SignInAttempt.Outcome.SUCCESS).count() == 2


def _register(client: Client, card_ca: CardCa, inbox: Inbox) -> None:
    _start(client, card_ca)
    client.post("/en/sign-in/id-card/register/", {"accept": "on"})
    client.post("/en/sign-in/id-card/register/email/", {"action": "send", "email": EMAIL})
    client.post(
        "/en/sign-in/id-card/register/email/", {"action": "confirm", "code": inbox.email_code()}
    )
    client.post("/en/sign-in/id-card/register/mobile/", {"action": "send", "mobile": MOBILE})
    client.post(
        "/en/sign-in/id-card/register/mobile/", {"action": "confirm", "code": inbox.sms_code()}
    )
    assert client.post("/en/sign-in/id-card/register/confirm/").status_code == 302
    assert Account.objects.filter(personal_number=NINO).exists()


def test_steps_cannot_be_skipped(client: Client, card_ca: CardCa, terms: TermsVersion) -> None:
    _start(client, card_ca)
    for path in ("email/", "mobile/", "confirm/"):
        response = client.get(f"/en/sign-in/id-card/register/{path}")
        assert response["Location"] == "/en/sign-in/id-card/register/", path
    response = client.post("/en/sign-in/id-card/register/confirm/")
    assert response["Location"] == "/en/sign-in/id-card/register/"
    assert not Account.objects.exists()


def test_registration_pages_need_a_card_sign_in_first(client: Client) -> None:
    for path in ("", "email/", "mobile/", "confirm/"):
        response = client.get(f"/en/sign-in/id-card/register/{path}")
        assert response["Location"] == "/en/sign-in/", path
    assert not Account.objects.exists()


def test_a_code_expires_after_too_many_wrong_tries_and_a_new_one_works(
    client: Client, card_ca: CardCa, terms: TermsVersion, inbox: Inbox
) -> None:
    _start(client, card_ca)
    client.post("/en/sign-in/id-card/register/", {"accept": "on"})
    client.post("/en/sign-in/id-card/register/email/", {"action": "send", "email": EMAIL})
    code = inbox.email_code()
    url = "/en/sign-in/id-card/register/email/"
    for _ in range(4):
        assert client.post(url, {"action": "confirm", "code": _wrong(code)}).status_code == 400
    page = client.post(url, {"action": "confirm", "code": _wrong(code)})
    assert "You entered a wrong code too many times. Send a new code" in _text(page)
    page = client.post(url, {"action": "confirm", "code": code})
    assert page.status_code == 400  # even the right code, now
    assert "too many times" in _text(page)
    page = client.post(url, {"action": "confirm", "code": "12ab"})
    assert "The code has 6 digits, like 123456" in _text(page)

    response = client.post(url, {"action": "resend"})
    assert response["Location"] == url
    new = inbox.email_code()
    page = client.post(url, {"action": "confirm", "code": code})
    assert page.status_code == 400 and (code == new or "not right" in _text(page))
    assert client.post(url, {"action": "confirm", "code": new})["Location"].endswith("/mobile/")


def test_an_old_code_stops_working_when_a_new_one_is_sent(
    client: Client, card_ca: CardCa, terms: TermsVersion, inbox: Inbox
) -> None:
    _start(client, card_ca)
    client.post("/en/sign-in/id-card/register/", {"accept": "on"})
    url = "/en/sign-in/id-card/register/email/"
    client.post(url, {"action": "send", "email": EMAIL})
    old = inbox.email_code()
    client.post(url, {"action": "resend"})
    new = inbox.email_code()
    if old != new:
        page = client.post(url, {"action": "confirm", "code": old})
        assert "The code is not right. Check it and try again" in _text(page)
    assert client.post(url, {"action": "confirm", "code": new}).status_code == 302


def test_an_abandoned_registration_creates_nothing(
    client: Client, card_ca: CardCa, terms: TermsVersion, inbox: Inbox
) -> None:
    _start(client, card_ca)
    client.post("/en/sign-in/id-card/register/", {"accept": "on"})
    client.post("/en/sign-in/id-card/register/email/", {"action": "send", "email": EMAIL})
    client.post(
        "/en/sign-in/id-card/register/email/", {"action": "confirm", "code": inbox.email_code()}
    )
    # The person walks away: the session ends (here: it is thrown away).
    client.cookies.clear()
    assert not Account.objects.exists()
    assert not TermsAcceptance.objects.exists()
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.REGISTERED).exists()
    assert not PortalSession.objects.exists()
    assert ConfirmationCode.objects.filter(confirmed_at__isnull=False).count() == 1
    response = client.get("/en/sign-in/id-card/register/mobile/")
    assert response["Location"] == "/en/sign-in/"


def test_an_expired_registration_starts_over(
    client: Client, card_ca: CardCa, terms: TermsVersion
) -> None:
    _start(client, card_ca)
    session = client.session
    session[PENDING_KEY] = {**session[PENDING_KEY], "started_at": time.time() - 3600}
    session.save()
    assert client.get("/en/sign-in/id-card/register/")["Location"] == "/en/sign-in/"
    assert PENDING_KEY not in client.session


def test_a_person_the_registry_does_not_know_is_refused(client: Client, card_ca: CardCa) -> None:
    response = sign_in_with(client, card_ca.issue(UNKNOWN_PERSON))
    assert response.status_code == 400
    assert response.json()["code"] == "not-in-registry"
    assert "Civil Registry has no record" in response.json()["error"]
    assert PENDING_KEY not in client.session
    assert not Account.objects.exists()


def test_names_that_differ_from_the_registry_are_refused(client: Client, card_ca: CardCa) -> None:
    card = card_ca.issue(NINO, given_name="NANA")
    response = sign_in_with(client, card)
    assert response.status_code == 400 and response.json()["code"] == "names-differ"
    assert PENDING_KEY not in client.session
    attempt = SignInAttempt.objects.get()
    assert attempt.reason == "names-differ"


def test_an_unreachable_registry_is_a_temporary_refusal(
    client: Client, card_ca: CardCa, sandbox: RunningSandbox
) -> None:
    sandbox.set_faults({"civil-registry": {"fail": True}})
    response = sign_in_with(client, card_ca.issue(NINO))
    assert response.status_code == 503
    assert response.json()["code"] == "registry-unavailable"
    assert PENDING_KEY not in client.session
    assert not Account.objects.exists()


def test_an_sms_gateway_that_fails_is_said_plainly(
    client: Client, card_ca: CardCa, terms: TermsVersion, inbox: Inbox, portal: Any
) -> None:
    _start(client, card_ca)
    client.post("/en/sign-in/id-card/register/", {"accept": "on"})
    client.post("/en/sign-in/id-card/register/email/", {"action": "send", "email": EMAIL})
    client.post(
        "/en/sign-in/id-card/register/email/", {"action": "confirm", "code": inbox.email_code()}
    )
    portal.SMS_PROVIDER_URL = f"{portal.SMS_PROVIDER_URL}/nowhere"
    page = client.post("/en/sign-in/id-card/register/mobile/", {"action": "send", "mobile": MOBILE})
    assert page.status_code == 400
    assert "We could not send an SMS to this number" in _text(page)
    assert PENDING_KEY in client.session
    assert client.session[PENDING_KEY]["mobile"] == ""
