"""Two-step signing through the agent over real HTTP: cards and seal devices, PINs, guards."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import Encoding

from tests.cardagent.conftest import OTHER_ALLOWED_ORIGIN
from tests.cardagent.helpers import (
    DOCUMENT,
    ORIGIN,
    Signing,
    error_code,
    single_card_pki,
    start_signing,
    verify_signature,
)
from tests.cardagent_process import DemoCards, RunningAgent, provision_cards

StartAgent = Callable[..., RunningAgent]
DIGEST_OF = {"SHA-256": hashlib.sha256, "SHA-384": hashlib.sha384}


def _sign_certificate(demo_cards: DemoCards, card: dict[str, Any]) -> x509.Certificate:
    return x509.load_pem_x509_certificate((demo_cards.pki_dir / card["sign_cert"]).read_bytes())


def _seals(demo_cards: DemoCards) -> list[dict[str, Any]]:
    seals: list[dict[str, Any]] = json.loads((demo_cards.pki_dir / "seals.json").read_text())
    return seals


def _to_certificate(signing: Signing, label: str) -> dict[str, Any]:
    """Open the dialog, choose `label`, and return the portal's view of the certificate."""
    assert signing.poll().json() == {"state": "waiting"}
    choose = signing.dialog()
    assert 'type="radio"' in choose.text and f'value="{label}"' in choose.text
    assert DOCUMENT["title"] in choose.text and 'name="pin"' not in choose.text
    waiting = signing.choose(label)
    assert waiting.status_code == 200
    assert "Preparing the document" in waiting.text and 'name="pin"' not in waiting.text
    state = signing.poll().json()
    assert state["state"] == "certificate", state
    return state


def _sign_through(
    signing: Signing, label: str, pin: str, expected_certificate: x509.Certificate
) -> None:
    state = _to_certificate(signing, label)
    certificate = x509.load_der_x509_certificate(base64.b64decode(state["certificate"]))
    assert certificate == expected_certificate
    digest = DIGEST_OF[state["hash"]](b"%PDF-1.7 the prepared signed attributes").digest()
    assert signing.send_digest(digest, state["hash"]).status_code == 202
    page = signing.dialog()
    assert (
        f"You are signing: {DOCUMENT['title']}, {DOCUMENT['pages']} pages, "
        "fingerprint 1A2B 3C4D 5E6F 7081" in page.text
    )
    assert 'name="pin"' in page.text and 'autocomplete="off"' in page.text
    assert "Signing PIN (PIN2)" in page.text
    assert "Signed — return to the OneWindow window" in signing.enter_pin(pin).text
    result = signing.poll().json()
    assert result["state"] == "signed", result
    signature = base64.b64decode(result["signature"])
    verify_signature(certificate, state["algorithm"], digest, signature)
    with pytest.raises(InvalidSignature):
        verify_signature(certificate, state["algorithm"], DIGEST_OF[state["hash"]](b"x").digest(),
                         signature)  # fmt: skip
    # A final result is given once.
    assert signing.poll().status_code == 404


@pytest.mark.parametrize(
    ("key_type", "algorithm", "hash_name"),
    [("rsa2048", "RS256", "SHA-256"), ("ec-p256", "ES256", "SHA-256"),
     ("ec-p384", "ES384", "SHA-384")],
)  # fmt: skip
def test_a_card_signs_the_digest_with_its_signing_key(
    demo_cards: DemoCards,
    card_agent_factory: StartAgent,
    key_type: str,
    algorithm: str,
    hash_name: str,
) -> None:
    card = demo_cards.card(key_type)
    other = demo_cards.card("ec-p256" if key_type != "ec-p256" else "rsa2048")
    agent = card_agent_factory(
        demo_cards.directory, ORIGIN, extra_args=["--card", card["label"], "--card", other["label"]]
    )
    signing = start_signing(agent.url, personal_number=card["personal_number"])
    _sign_through(signing, card["label"], card["pin"], _sign_certificate(demo_cards, card))
    # The personal number narrowed the choice to that person's card.
    narrowed = start_signing(agent.url, personal_number=card["personal_number"])
    assert f'value="{other["label"]}"' not in narrowed.dialog().text
    # Without it, the person chooses among every card; the algorithm follows the key.
    anyone = start_signing(agent.url)
    state_check = _to_certificate(anyone, card["label"])
    assert (state_check["algorithm"], state_check["hash"]) == (algorithm, hash_name)
    output = agent.output().replace(str(agent.port), "")
    assert card["pin"] not in output


def test_a_company_seals_with_its_seal_device(
    demo_cards: DemoCards, card_agent_factory: StartAgent
) -> None:
    seal = _seals(demo_cards)[0]
    card = demo_cards.card("ec-p256")
    agent = card_agent_factory(demo_cards.directory, ORIGIN)
    status = httpx.get(f"{agent.url}/v1/status", headers={"Origin": ORIGIN}).json()
    assert status["cards"] == len(demo_cards.cards)  # seal devices are not ID cards
    signing = start_signing(agent.url, kind="seal", company_code=seal["code"])
    choose = signing.dialog()
    assert seal["name"] in choose.text and f'value="seal-{seal["code"]}"' in choose.text
    assert f'value="{card["label"]}"' not in choose.text  # no ID card is offered for a seal
    certificate = x509.load_pem_x509_certificate((demo_cards.pki_dir / seal["cert"]).read_bytes())
    state = _to_certificate(signing, f"seal-{seal['code']}")
    assert base64.b64decode(state["certificate"]) == certificate.public_bytes(Encoding.DER)
    digest = hashlib.sha256(b"sealed answer").digest()
    assert signing.send_digest(digest, state["hash"]).status_code == 202
    page = signing.dialog(lang="ka")
    assert "თქვენ ბეჭდავთ:" in page.text and seal["name_ka"] in page.text
    assert "Sealed" in signing.enter_pin(seal["pin"]).text
    result = signing.poll().json()
    verify_signature(certificate, state["algorithm"], digest, base64.b64decode(result["signature"]))
    # A seal request never offers ID cards, and a person's request never offers seal devices.
    person = start_signing(agent.url)
    assert "seal-" not in person.dialog().text


@pytest.fixture
def own_card(demo_cards: DemoCards, tmp_path: Path) -> Callable[[str], DemoCards]:
    def provision(label: str) -> DemoCards:
        pki = single_card_pki(demo_cards.pki_dir, label, tmp_path / f"pki-{label}")
        return provision_cards(pki, tmp_path / f"cards-{label}")

    return provision


def test_wrong_signing_pins_count_down_then_block(
    own_card: Callable[[str], DemoCards], card_agent_factory: StartAgent
) -> None:
    cards = own_card("card-01024011122")
    card = cards.card("rsa2048")
    agent = card_agent_factory(cards.directory, ORIGIN)
    signing = start_signing(agent.url)
    state = _to_certificate(signing, card["label"])
    assert signing.send_digest(hashlib.sha256(b"doc").digest(), state["hash"]).status_code == 202
    wrong = "0000" if card["pin"] != "0000" else "1111"
    first = signing.enter_pin(wrong)
    assert "Wrong PIN. 2 tries left." in first.text and 'aria-invalid="true"' in first.text
    assert 'href="#pin"' in first.text  # the error summary links to the field
    assert signing.poll().json()["state"] == "certificate"
    assert "Wrong PIN. 1 try left." in signing.enter_pin(wrong).text
    blocked = signing.enter_pin(wrong)
    assert error_code(blocked) == "pin-blocked"
    result = signing.poll().json()
    assert result["state"] == "error" and result["error"] == "pin-blocked"
    assert "PUK" in result["message"]["en"]
    # A blocked card cannot even be chosen again.
    again = start_signing(agent.url)
    again.dialog()
    assert error_code(again.choose(card["label"])) == "pin-blocked"
    assert again.poll().json()["error"] == "pin-blocked"


def test_cancelled_at_the_choice_and_at_the_pin(
    demo_cards: DemoCards, card_agent_factory: StartAgent
) -> None:
    card = demo_cards.card("ec-p256")
    agent = card_agent_factory(demo_cards.directory, ORIGIN, extra_args=["--card", card["label"]])
    first = start_signing(agent.url)
    first.dialog()
    assert error_code(first.submit(step="card", action="cancel")) == "cancelled"
    assert first.poll().json()["error"] == "cancelled"
    second = start_signing(agent.url)
    state = _to_certificate(second, card["label"])
    second.send_digest(hashlib.sha256(b"doc").digest(), state["hash"])
    assert error_code(second.submit(step="pin", pin="", action="cancel")) == "cancelled"
    assert second.poll().json() == {
        "state": "error",
        "error": "cancelled",
        "message": {"ka": "ხელმოწერა გაუქმდა.", "en": "Signing was cancelled."},
    }


def test_requests_expire(demo_cards: DemoCards, card_agent_factory: StartAgent) -> None:
    card = demo_cards.card("ec-p256")
    ttl = 5.0
    agent = card_agent_factory(
        demo_cards.directory,
        ORIGIN,
        extra_args=["--card", card["label"], "--request-ttl", str(ttl)],
    )
    started = time.monotonic()
    signing = start_signing(agent.url)
    state = _to_certificate(signing, card["label"])
    # The waiting page's held status request ends when the request expires (not 10 s later).
    held = _in_background(lambda: _status(signing, wait=True))
    assert held().json() == {"state": "error", "error": "expired"}
    assert ttl - 0.5 < time.monotonic() - started < ttl + 3
    time.sleep(max(0.0, ttl + 0.3 - (time.monotonic() - started)))
    late = signing.send_digest(hashlib.sha256(b"doc").digest(), state["hash"])
    assert late.status_code == 409
    assert error_code(signing.dialog()) == "expired"
    assert _status(signing).json() == {"state": "error", "error": "expired"}
    assert signing.poll().json()["error"] == "expired"
    assert _status(signing).status_code == 404  # gone once the portal has its result


def test_only_the_allowed_origin_that_started_it_may_use_a_request(
    demo_cards: DemoCards, card_agent_factory: StartAgent
) -> None:
    card = demo_cards.card("ec-p256")
    agent = card_agent_factory(
        demo_cards.directory,
        ORIGIN,
        extra_args=["--card", card["label"], "--origin", OTHER_ALLOWED_ORIGIN],
    )
    body = {"lang": "en", "kind": "person", "document": DOCUMENT}
    evil = {"Origin": "http://127.0.0.1:8766"}
    refused = httpx.post(f"{agent.url}/v1/sign", json=body, headers=evil)
    assert refused.status_code == 403 and "access-control-allow-origin" not in refused.headers
    assert httpx.post(f"{agent.url}/v1/sign", json=body).status_code == 403  # no Origin
    rebinding = httpx.post(
        f"{agent.url}/v1/sign", json=body, headers={"Origin": ORIGIN, "Host": "evil.example"}
    )
    assert rebinding.status_code == 403
    signing = start_signing(agent.url)
    assert signing.poll(OTHER_ALLOWED_ORIGIN).status_code == 404
    assert signing.poll("http://127.0.0.1:8766").status_code == 403
    state = _to_certificate(signing, card["label"])
    other_site = Signing(signing.agent_url, signing.id, signing.dialog_url, OTHER_ALLOWED_ORIGIN)
    assert other_site.send_digest(hashlib.sha256(b"x").digest(), state["hash"]).status_code == 404
    # The dialog's form accepts posts from the agent's own pages only.
    foreign_form = httpx.post(
        signing.dialog_url.split("?")[0],
        data={"step": "pin", "pin": card["pin"]},
        headers={"Origin": ORIGIN},
    )
    assert foreign_form.status_code == 403
    assert signing.poll().json()["state"] == "certificate"


def test_bad_requests_and_digests_are_refused(
    demo_cards: DemoCards, card_agent_factory: StartAgent
) -> None:
    card = demo_cards.card("ec-p384")
    agent = card_agent_factory(demo_cards.directory, ORIGIN, extra_args=["--card", card["label"]])
    url, headers = f"{agent.url}/v1/sign", {"Origin": ORIGIN}
    for body in (
        {"lang": "de", "kind": "person", "document": DOCUMENT},
        {"lang": "en", "kind": "robot", "document": DOCUMENT},
        {"lang": "en", "kind": "person"},
        {"lang": "en", "kind": "person", "document": {"title": "", "pages": 1}},
        {"lang": "en", "kind": "person", "document": {"title": "a\u202eb", "pages": 1}},
        {"lang": "en", "kind": "person", "document": {"title": "T", "pages": 0}},
        {"lang": "en", "kind": "person", "document": {"title": "T", "pages": True}},
        {"lang": "en", "kind": "person", "personal_number": "123", "document": DOCUMENT},
        {"lang": "en", "kind": "seal", "company_code": "x", "document": DOCUMENT},
    ):
        assert httpx.post(url, json=body, headers=headers).status_code == 400, body
    assert httpx.post(url, data={"kind": "person"}, headers=headers).status_code == 415
    too_big = {"lang": "en", "document": {"title": "T" * 5000, "pages": 1}}
    assert httpx.post(url, json=too_big, headers=headers).status_code == 413

    signing = start_signing(agent.url)
    early = signing.send_digest(hashlib.sha384(b"doc").digest(), "SHA-384")
    assert early.status_code == 409  # no certificate chosen yet
    state = _to_certificate(signing, card["label"])
    assert state["hash"] == "SHA-384"
    for digest, function, fingerprint in (
        (hashlib.sha256(b"doc").digest(), "SHA-384", "1A2B 3C4D 5E6F 7081"),  # wrong length
        (hashlib.sha384(b"doc").digest()[:47], "SHA-384", "1A2B 3C4D 5E6F 7081"),
        (hashlib.sha384(b"doc").digest(), "SHA-256", "1A2B 3C4D 5E6F 7081"),  # not this card's
        (hashlib.sha384(b"doc").digest(), "MD5", "1A2B 3C4D 5E6F 7081"),
        (hashlib.sha384(b"doc").digest(), "SHA-384", "<script>"),
    ):
        refused = signing.send_digest(digest, function, fingerprint)
        assert refused.status_code == 400, (function, fingerprint)
    # Nothing was accepted: the dialog still waits for the document.
    assert 'name="pin"' not in signing.dialog().text
    assert signing.send_digest(hashlib.sha384(b"doc").digest(), "SHA-384").status_code == 202
    again = signing.send_digest(hashlib.sha384(b"other").digest(), "SHA-384")
    assert again.status_code == 409  # the digest cannot be swapped after it is shown


def _status(
    signing: Signing, *, wait: bool = False, headers: dict[str, str] | None = None
) -> httpx.Response:
    """The dialog's own status request, as its script sends it (same origin: no Origin)."""
    return httpx.get(
        f"{signing.agent_url}/v1/sign-dialog/{signing.id}/status",
        params={"wait": "1"} if wait else None,
        headers={"Sec-Fetch-Site": "same-origin", **(headers or {})},
        timeout=20,
    )


def _in_background(call: Callable[[], httpx.Response]) -> Callable[[], httpx.Response]:
    """Start `call` in a thread; the returned function waits for its answer."""
    answers: list[httpx.Response] = []
    worker = threading.Thread(target=lambda: answers.append(call()))
    worker.start()

    def answer() -> httpx.Response:
        worker.join(timeout=30)
        assert answers, "the request did not finish"
        return answers[0]

    return answer


EXPECTED_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def test_the_waiting_page_stays_and_its_status_says_when_the_document_is_ready(
    demo_cards: DemoCards, card_agent_factory: StartAgent
) -> None:
    card = demo_cards.card("ec-p256")
    agent = card_agent_factory(demo_cards.directory, ORIGIN, extra_args=["--card", card["label"]])
    signing = start_signing(agent.url)
    state = _to_certificate(signing, card["label"])
    waiting = signing.dialog()
    # The page itself does not reload: no reload target, no meta refresh; a polite status
    # region for progress, the script's status URL, and "Check now" for a browser without it.
    assert "data-reload" not in waiting.text and 'http-equiv="refresh"' not in waiting.text
    assert (
        'role="status" aria-live="polite" '
        f'data-sign-status="/v1/sign-dialog/{signing.id}/status" '
        f'data-sign-next="/v1/sign-dialog/{signing.id}?lang=en"'
    ) in waiting.text
    assert 'data-say-still="Still preparing the document…"' in waiting.text
    assert '<form method="get" action="/v1/sign-dialog/' in waiting.text
    assert "Check now" in waiting.text
    assert waiting.headers["content-security-policy"] == EXPECTED_CSP

    quick = _status(signing)
    assert quick.status_code == 200 and quick.json() == {"state": "preparing"}
    assert quick.headers["cache-control"] == "no-store"
    assert quick.headers["cross-origin-resource-policy"] == "same-origin"
    assert "access-control-allow-origin" not in quick.headers

    # A held status request answers as soon as the digest arrives.
    started = time.monotonic()
    held = _in_background(lambda: _status(signing, wait=True))
    time.sleep(0.5)
    assert signing.send_digest(hashlib.sha256(b"doc").digest(), state["hash"]).status_code == 202
    ready = held()
    assert 0.4 < time.monotonic() - started < 5
    assert ready.json() == {"state": "ready"}
    assert _status(signing, wait=True).json() == {"state": "ready"}  # not held once ready
    page = signing.dialog()
    assert 'name="pin"' in page.text and "data-sign-status" not in page.text

    assert "Signed" in signing.enter_pin(card["pin"]).text
    assert _status(signing).json() == {"state": "signed"}
    # The dialog's status does not use up the portal's result, which is given once.
    assert signing.poll().json()["state"] == "signed"
    assert signing.poll().status_code == 404
    assert _status(signing).status_code == 404


def test_a_held_status_ends_when_the_person_cancels(
    demo_cards: DemoCards, card_agent_factory: StartAgent
) -> None:
    card = demo_cards.card("ec-p256")
    agent = card_agent_factory(demo_cards.directory, ORIGIN, extra_args=["--card", card["label"]])
    signing = start_signing(agent.url)
    _to_certificate(signing, card["label"])
    started = time.monotonic()
    held = _in_background(lambda: _status(signing, wait=True))
    time.sleep(0.3)
    assert error_code(signing.submit(action="cancel")) == "cancelled"
    assert held().json() == {"state": "error", "error": "cancelled"}
    assert time.monotonic() - started < 5


def test_the_dialog_status_answers_the_agent_own_pages_only(
    demo_cards: DemoCards, card_agent_factory: StartAgent
) -> None:
    card = demo_cards.card("ec-p256")
    agent = card_agent_factory(
        demo_cards.directory,
        ORIGIN,
        extra_args=["--card", card["label"], "--origin", OTHER_ALLOWED_ORIGIN],
    )
    signing = start_signing(agent.url)
    _to_certificate(signing, card["label"])
    # The portal (even the one that started it) reads /v1/sign/<id>, never the dialog's status.
    for headers in (
        {"Origin": ORIGIN},
        {"Origin": OTHER_ALLOWED_ORIGIN},
        {"Origin": "http://127.0.0.1:8766"},
        {"Sec-Fetch-Site": "same-site"},  # another port of 127.0.0.1, e.g. the portal
        {"Sec-Fetch-Site": "cross-site"},
    ):
        refused = _status(signing, headers=headers)
        assert refused.status_code == 403, headers
        assert "access-control-allow-origin" not in refused.headers
        assert "state" not in refused.json()
    preflight = httpx.options(
        f"{agent.url}/v1/sign-dialog/{signing.id}/status",
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in preflight.headers
    rebinding = _status(signing, headers={"Host": "evil.example"})
    assert rebinding.status_code == 403
    own_page = _status(signing, headers={"Origin": agent.url})
    assert own_page.json() == {"state": "preparing"}
    # The id is the dialog's unguessable one: another id, even a near one, is unknown.
    unknown = Signing(agent.url, signing.id[:-1] + ("A" if signing.id[-1] != "A" else "B"),
                      signing.dialog_url, ORIGIN)  # fmt: skip
    assert _status(unknown).status_code == 404
    assert _status(unknown).json() == {"error": "unknown request"}
    # Each request may ask a bounded number of times; then 429 with Retry-After.
    answers = [_status(signing).status_code for _ in range(40)]
    assert answers.count(200) < 30 and answers[-1] == 429, answers
    limited = _status(signing)
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
    # Another request is not slowed by it, and the portal's side is unaffected.
    other = start_signing(agent.url)
    _to_certificate(other, card["label"])
    assert _status(other).json() == {"state": "preparing"}
    assert signing.poll().json()["state"] == "certificate"


def test_a_revoked_signing_certificate_is_refused_before_the_pin(
    demo_cards: DemoCards, card_agent_factory: StartAgent, idpki_server: Any
) -> None:
    revoked = demo_cards.by_status("revoked")
    agent = card_agent_factory(
        demo_cards.directory,
        ORIGIN,
        ocsp_url=idpki_server.ocsp_url,
        extra_args=["--card", revoked["label"]],
    )
    signing = start_signing(agent.url)
    signing.dialog()
    assert error_code(signing.choose(revoked["label"])) == "certificate-invalid"
    assert signing.poll().json()["error"] == "certificate-invalid"
