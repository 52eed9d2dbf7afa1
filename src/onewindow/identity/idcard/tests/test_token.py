"""The challenge and the token: single use, 5 minutes, bound to the session; every reason a
card is refused; signing in an existing person; re-authentication.

Tokens are signed here with the keys of cards our own test CA issued; the portal checks
them with the real validator and asks the CA's OCSP responder over HTTP."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.test import Client

import pytest

from onewindow.identity.idcard.services import CHALLENGE_SESSION_KEY
from onewindow.identity.models import (
    Account,
    AuditEvent,
    PortalSession,
    SignInAttempt,
    SignInMethod,
)

from .conftest import (
    GIORGI,
    NINO,
    CardCa,
    challenge,
    make_ca,
    make_person,
    make_token,
    post_token,
    sign_in_with,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("idcard_settings")]


@pytest.fixture
def nino() -> Account:
    return make_person(NINO, "Nino", "Beridze")


def refused(response: Any, code: str, status: int = 400) -> None:
    """A refusal a person can read, in the login history and the audit log; no account."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["error"] and "Traceback" not in body["error"]
    attempt = SignInAttempt.objects.order_by("-id").first()
    assert attempt is not None
    assert (attempt.method, attempt.outcome, attempt.reason) == (
        SignInMethod.ID_CARD, SignInAttempt.Outcome.FAILURE, code,
    )  # fmt: skip
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None and event.kind == AuditEvent.Kind.SIGN_IN_FAILED
    assert event.data == {"method": "id-card", "reason": code}


# --- The challenge --------------------------------------------------------------------


def test_a_challenge_is_a_fresh_32_byte_nonce(client: Client) -> None:
    first, second = challenge(client), challenge(client)
    assert len(base64.b64decode(first, validate=True)) == 32
    assert len(first) == 44 and first != second


def test_the_challenge_accepts_only_post(client: Client) -> None:
    assert client.get("/en/sign-in/id-card/challenge").status_code == 405
    assert client.get("/en/sign-in/id-card/token").status_code == 405


def test_a_challenge_is_single_use(client: Client, card_ca: CardCa, nino: Account) -> None:
    card = card_ca.issue(NINO)
    token = make_token(card, challenge(client))
    assert post_token(client, token).status_code == 200
    client.logout()
    refused(post_token(client, token), "challenge-missing")


def test_a_refused_token_uses_the_challenge_up(client: Client, card_ca: CardCa) -> None:
    nonce = challenge(client)
    foreign = make_ca(card_ca.directory / "other").issue(NINO)
    refused(post_token(client, make_token(foreign, nonce)), "untrusted")
    refused(post_token(client, make_token(card_ca.issue(NINO), nonce)), "challenge-missing")


def test_a_new_challenge_replaces_the_old(client: Client, card_ca: CardCa, nino: Account) -> None:
    old = challenge(client)
    challenge(client)
    refused(post_token(client, make_token(card_ca.issue(NINO), old)), "bad-signature")


def test_a_challenge_expires_after_5_minutes(client: Client, card_ca: CardCa) -> None:
    nonce = challenge(client)
    session = client.session
    session[CHALLENGE_SESSION_KEY] = {
        **session[CHALLENGE_SESSION_KEY],
        "issued_at": time.time() - 301,
    }
    session.save()
    refused(post_token(client, make_token(card_ca.issue(NINO), nonce)), "challenge-expired")
    assert not Account.objects.exists()


def test_a_challenge_4_minutes_old_still_works(
    client: Client, card_ca: CardCa, nino: Account
) -> None:
    nonce = challenge(client)
    session = client.session
    session[CHALLENGE_SESSION_KEY] = {
        **session[CHALLENGE_SESSION_KEY],
        "issued_at": time.time() - 240,
    }
    session.save()
    assert post_token(client, make_token(card_ca.issue(NINO), nonce)).status_code == 200


def test_a_challenge_is_bound_to_its_session(card_ca: CardCa, nino: Account) -> None:
    mine, theirs = Client(), Client()
    nonce = challenge(theirs)
    token = make_token(card_ca.issue(NINO), nonce)
    refused(post_token(mine, token), "challenge-missing")
    # With a challenge of its own, the other session's nonce is a signature over the wrong
    # nonce.
    challenge(mine)
    refused(post_token(mine, token), "bad-signature")
    assert SESSION_KEY not in mine.session


def test_a_token_without_a_challenge_is_refused(client: Client, card_ca: CardCa) -> None:
    refused(post_token(client, make_token(card_ca.issue(NINO), "A" * 44)), "challenge-missing")


# --- Every reason a card is refused ------------------------------------------------------


def _token_with(card_ca: CardCa, nonce: str, **changes: Any) -> dict[str, Any]:
    token = make_token(card_ca.issue(NINO), nonce)
    token.update(changes)
    return {key: value for key, value in token.items() if value is not None}


def _rsa_token_as_es256(card_ca: CardCa, nonce: str) -> dict[str, Any]:
    token = make_token(card_ca.issue(NINO, key_type="rsa"), nonce)
    token["algorithm"] = "ES256"
    return token


def _other_origin(card_ca: CardCa, nonce: str) -> dict[str, Any]:
    return make_token(card_ca.issue(NINO), nonce, origin="https://evil.example")


CASES: dict[str, Any] = {
    "malformed": lambda ca, nonce: "not an object",
    "unsupported-format": lambda ca, nonce: _token_with(ca, nonce, format="web-eid:0.9"),
    "certificate-missing": lambda ca, nonce: _token_with(ca, nonce, unverifiedCertificate=""),
    "certificate-malformed": lambda ca, nonce: _token_with(
        ca, nonce, unverifiedCertificate=base64.b64encode(b"not a certificate").decode()
    ),
    "wrong-key-usage": lambda ca, nonce: make_token(ca.issue(NINO, for_signing=True), nonce),
    "certificate-expired": lambda ca, nonce: make_token(ca.issue(NINO, expired=True), nonce),
    "untrusted": lambda ca, nonce: make_token(make_ca(ca.directory / "x").issue(NINO), nonce),
    "revoked": lambda ca, nonce: make_token(ca.issue(NINO, status="revoked"), nonce),
    "ocsp-unknown": lambda ca, nonce: make_token(ca.issue(NINO, status="unknown"), nonce),
    "unsupported-algorithm": lambda ca, nonce: _token_with(ca, nonce, algorithm="HS256"),
    "algorithm-mismatch": _rsa_token_as_es256,
    "bad-signature": _other_origin,
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_refusal_has_its_message_and_record(
    client: Client, card_ca: CardCa, nino: Account, code: str
) -> None:
    response = post_token(client, CASES[code](card_ca, challenge(client)))
    refused(response, code)
    assert SESSION_KEY not in client.session
    assert Account.objects.count() == 1  # Nino's own, nothing more
    assert not PortalSession.objects.exists()


def test_the_revoked_message_says_what_to_do(client: Client, card_ca: CardCa) -> None:
    card = card_ca.issue(NINO, status="revoked")
    response = post_token(client, make_token(card, challenge(client)))
    assert response.json()["error"] == (
        "This ID card has been revoked. Use your new card or visit a Public Service Hall."
    )
    georgian = post_token(client, make_token(card, challenge(client, lang="ka")), lang="ka")
    assert georgian.json()["code"] == "revoked"


def test_without_an_ocsp_answer_nobody_signs_in(
    client: Client, card_ca: CardCa, nino: Account, idcard_settings: Any
) -> None:
    from tests.sandbox_process import free_port

    from onewindow.identity.idcard import validation

    idcard_settings.IDCARD_OCSP_URL = f"http://127.0.0.1:{free_port()}/ocsp"
    idcard_settings.IDCARD_OCSP_TIMEOUT_SECONDS = 1.0
    validation.forget()
    refused(sign_in_with(client, card_ca.issue(NINO)), "ocsp-unavailable")


def test_a_body_over_the_limit_is_refused(client: Client) -> None:
    challenge(client)
    response = client.post(
        "/en/sign-in/id-card/token",
        data=json.dumps({"token": {"signature": "A" * 40_000}}),
        content_type="application/json",
    )
    refused(response, "too-long", status=413)


@pytest.mark.parametrize(
    "body", [b"not json", b"[]", b'{"token": "text"}', b'{"token": {}, "token": {}}']
)
def test_a_body_that_is_not_a_token_is_malformed(client: Client, body: bytes) -> None:
    challenge(client)
    response = client.post("/en/sign-in/id-card/token", data=body, content_type="application/json")
    refused(response, "malformed")


def test_a_card_without_a_georgian_personal_number_is_refused(
    client: Client, card_ca: CardCa
) -> None:
    card = card_ca.issue("38001085718", serial_prefix="PNOEE", given_name="MARI", surname="TAMM")
    refused(sign_in_with(client, card), "no-personal-number")
    assert not Account.objects.exists()


def test_a_blocked_account_cannot_sign_in(client: Client, card_ca: CardCa, nino: Account) -> None:
    nino.is_active = False
    nino.save()
    refused(sign_in_with(client, card_ca.issue(NINO)), "account-inactive")
    attempt = SignInAttempt.objects.get()
    assert attempt.account_id == nino.pk


def test_the_token_endpoint_needs_the_csrf_token(card_ca: CardCa) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.get("/en/sign-in/")
    response = browser.post("/en/sign-in/id-card/challenge")
    assert response.status_code == 403
    token = browser.cookies["csrftoken"].value
    response = browser.post("/en/sign-in/id-card/challenge", headers={"X-CSRFToken": token})
    assert response.status_code == 200


# --- Accepted cards ----------------------------------------------------------------------


def test_an_existing_person_signs_in(client: Client, card_ca: CardCa, nino: Account) -> None:
    client.get("/en/sign-in/")
    before = client.session.session_key
    nonce = challenge(client, "?next=/en/my-data/access-log/")
    response = post_token(client, make_token(card_ca.issue(NINO), nonce))
    assert response.status_code == 200, response.content
    assert response.json() == {"redirect": "/en/my-data/access-log/"}
    assert client.session[SESSION_KEY] == str(nino.pk)
    assert client.session.session_key != before
    assert client.session["ow_method"] == "id-card"
    portal_session = PortalSession.objects.get()
    assert portal_session.session_key == client.session.session_key
    assert portal_session.method == SignInMethod.ID_CARD
    attempt = SignInAttempt.objects.get()
    assert (attempt.account_id, attempt.outcome) == (nino.pk, SignInAttempt.Outcome.SUCCESS)
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGN_IN, subject=nino).exists()


def test_an_rsa_card_signs_in_with_pss_too(client: Client, card_ca: CardCa, nino: Account) -> None:
    card = card_ca.issue(NINO, key_type="rsa")
    nonce = challenge(client)
    response = post_token(client, make_token(card, nonce, algorithm="PS256"))
    assert response.status_code == 200, response.content


def test_a_next_on_another_site_is_ignored(client: Client, card_ca: CardCa, nino: Account) -> None:
    response = sign_in_with(client, card_ca.issue(NINO), query="?next=https://evil.example/")
    assert response.json() == {"redirect": "/en/my-data/"}


def test_reauthentication_renews_the_proof_and_keeps_the_session(
    client: Client, card_ca: CardCa, nino: Account
) -> None:
    card = card_ca.issue(NINO)
    assert sign_in_with(client, card).status_code == 200
    session = client.session
    session["ow_reauth_at"] = time.time() - 3600
    session.save()
    key = client.session.session_key
    response = sign_in_with(client, card, query="?reauth=1&next=/en/my-data/")
    assert response.json() == {"redirect": "/en/my-data/"}
    assert client.session.session_key == key
    assert time.time() - client.session["ow_reauth_at"] < 5
    assert PortalSession.objects.count() == 1


def test_reauthentication_with_someone_elses_card_is_refused(
    client: Client, card_ca: CardCa, nino: Account
) -> None:
    assert sign_in_with(client, card_ca.issue(NINO)).status_code == 200
    before = client.session["ow_reauth_at"]
    other = card_ca.issue(GIORGI, given_name="GIORGI")
    refused(sign_in_with(client, other, query="?reauth=1"), "different-person")
    assert client.session["ow_reauth_at"] == before
    assert client.session[SESSION_KEY] == str(nino.pk)


def test_the_page_offers_the_id_card_with_its_urls(client: Client) -> None:
    page = client.get("/ka/sign-in/?next=/ka/my-data/").content.decode()
    assert 'data-module="ow-idcard"' in page
    assert 'data-challenge-url="/ka/sign-in/id-card/challenge?next=/ka/my-data/"' in page
    assert 'data-token-url="/ka/sign-in/id-card/token"' in page
    assert "<noscript>" in page and 'aria-live="polite"' in page
