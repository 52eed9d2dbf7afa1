"""OCSP over real HTTP against a responder running in the test process."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.x509 import ocsp

from onewindow.identity.webeid import (
    OcspChecker,
    Reason,
    TokenRejected,
    ValidatedCard,
    validate_token,
)

from .conftest import CardPki
from .ocsp_responder import Responder, responder_certificate, serve
from .pki import NONCE, NOW, ORIGIN, Card, make_ca, make_token
from .test_vectors import closed_port_url


@pytest.fixture(scope="module")
def signer(pki: CardPki) -> tuple[Any, Any]:
    return responder_certificate(pki.intermediate)


@pytest.fixture
def responder(pki: CardPki, signer: tuple[Any, Any]) -> Iterator[Responder]:
    cert, key = signer
    with serve(Responder(pki.intermediate, cert, key)) as running:
        yield running


@pytest.fixture
def card(pki: CardPki) -> Card:
    return pki.cards["ec-p384"]


def check(card: Card, pki: CardPki, checker: OcspChecker) -> ValidatedCard:
    return validate_token(
        make_token(card, "ES384"),
        nonce=NONCE,
        origin=ORIGIN,
        trusted_cas=[pki.intermediate.trusted()],
        now=NOW,
        ocsp=checker,
    )


def refusal(card: Card, pki: CardPki, checker: OcspChecker) -> TokenRejected:
    with pytest.raises(TokenRejected) as caught:
        check(card, pki, checker)
    return caught.value


_open: list[OcspChecker] = []


@pytest.fixture(autouse=True)
def _close_checkers() -> Iterator[None]:
    yield
    while _open:
        _open.pop().close()


def checker_for(url: str, **kwargs: Any) -> OcspChecker:
    kwargs.setdefault("timeout", 2.0)
    kwargs.setdefault("cache_seconds", 60)
    checker = OcspChecker(url, **kwargs)
    _open.append(checker)
    return checker


def test_good_is_accepted_and_cached(card: Card, pki: CardPki, responder: Responder) -> None:
    checker = checker_for(responder.url)
    assert check(card, pki, checker).personal_number
    assert responder.requests == 1
    assert check(card, pki, checker).personal_number
    assert responder.requests == 1  # the second validation used the cache
    checker.clear_cache()
    check(card, pki, checker)
    assert responder.requests == 2


def test_cache_off_and_cache_expiry(card: Card, pki: CardPki, responder: Responder) -> None:
    uncached = checker_for(responder.url, cache_seconds=0)
    check(card, pki, uncached)
    check(card, pki, uncached)
    assert responder.requests == 2
    shift = [timedelta(0)]
    cached = checker_for(responder.url, clock=lambda: datetime.now(UTC) + shift[0])
    check(card, pki, cached)
    assert responder.requests == 3
    shift[0] = timedelta(seconds=61)  # past cache_seconds=60
    check(card, pki, cached)
    assert responder.requests == 4


def test_cache_is_bounded(pki: CardPki, responder: Responder) -> None:
    from .pki import make_card

    checker = checker_for(responder.url, cache_size=2)
    cards = [make_card(pki.intermediate, key=pki.cards["ec-p384"].key) for _ in range(3)]
    for each in cards:
        check(each, pki, checker)
    check(cards[2], pki, checker)
    assert responder.requests == 3  # the newest is cached
    check(cards[0], pki, checker)
    assert responder.requests == 4  # the oldest was evicted


def test_revoked(card: Card, pki: CardPki, responder: Responder) -> None:
    responder.revoked.add(card.cert.serial_number)
    checker = checker_for(responder.url)
    assert refusal(card, pki, checker).reason is Reason.REVOKED
    assert refusal(card, pki, checker).reason is Reason.REVOKED
    assert responder.requests == 2  # refusals are not cached


def test_unknown(card: Card, pki: CardPki, responder: Responder) -> None:
    responder.known = set()
    assert refusal(card, pki, checker_for(responder.url)).reason is Reason.OCSP_UNKNOWN


def test_responder_down(card: Card, pki: CardPki) -> None:
    rejected = refusal(card, pki, checker_for(closed_port_url()))
    assert rejected.reason is Reason.OCSP_UNAVAILABLE


def test_responder_timeout(card: Card, pki: CardPki, responder: Responder) -> None:
    responder.delay = 3.0
    started = time.monotonic()
    rejected = refusal(card, pki, checker_for(responder.url, timeout=0.5))
    assert rejected.reason is Reason.OCSP_UNAVAILABLE
    assert time.monotonic() - started < 2.5


@pytest.mark.parametrize(
    ("http_status", "body"),
    [
        (500, None),
        (200, b"this is not DER"),
        (200, b""),
        (
            200,
            ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.TRY_LATER
            ).public_bytes(serialization.Encoding.DER),
        ),
    ],
    ids=["http-500", "garbage", "empty", "try-later"],
)
def test_unusable_answers(
    card: Card, pki: CardPki, responder: Responder, http_status: int, body: bytes | None
) -> None:
    responder.http_status = http_status
    responder.body = body
    assert refusal(card, pki, checker_for(responder.url)).reason is Reason.OCSP_UNAVAILABLE


def test_signed_by_an_unauthorised_key(card: Card, pki: CardPki, responder: Responder) -> None:
    rogue_ca = make_ca("OneWindow Test ID-card CA")  # same name, other key
    responder.signer_cert, responder.signer_key = responder_certificate(rogue_ca)
    rejected = refusal(card, pki, checker_for(responder.url))
    assert rejected.reason is Reason.OCSP_UNAVAILABLE
    assert "signed" in rejected.detail


def test_responder_cert_without_ocsp_signing(
    card: Card, pki: CardPki, responder: Responder
) -> None:
    responder.signer_cert, responder.signer_key = responder_certificate(pki.intermediate, eku=False)
    assert refusal(card, pki, checker_for(responder.url)).reason is Reason.OCSP_UNAVAILABLE


def test_signed_by_the_ca_itself(card: Card, pki: CardPki, responder: Responder) -> None:
    responder.signer_cert, responder.signer_key = pki.intermediate.cert, pki.intermediate.key
    responder.include_signer_cert = False
    assert check(card, pki, checker_for(responder.url)).personal_number


def test_configured_responder_certificate(card: Card, pki: CardPki, responder: Responder) -> None:
    other = make_ca("Designated Responder CA")
    responder.signer_cert, responder.signer_key = responder_certificate(other)
    responder.include_signer_cert = False
    assert refusal(card, pki, checker_for(responder.url)).reason is Reason.OCSP_UNAVAILABLE
    der = responder.signer_cert.public_bytes(serialization.Encoding.DER)
    assert check(card, pki, checker_for(responder.url, responder_certs=[der])).personal_number


@pytest.mark.parametrize(
    ("this_update", "next_update"),
    [
        (timedelta(minutes=-20), timedelta(hours=1)),  # stale
        (timedelta(minutes=10), timedelta(hours=1)),  # from the future
        (timedelta(minutes=-5), timedelta(minutes=2)),  # nextUpdate has passed
    ],
    ids=["stale", "future", "next-update-passed"],
)
def test_freshness(
    card: Card,
    pki: CardPki,
    responder: Responder,
    this_update: timedelta,
    next_update: timedelta,
) -> None:
    responder.this_update_offset = this_update
    responder.next_update = next_update
    rejected = refusal(card, pki, checker_for(responder.url))
    assert rejected.reason is Reason.OCSP_UNAVAILABLE
    assert "Update" in rejected.detail


def test_wrong_nonce(card: Card, pki: CardPki, responder: Responder) -> None:
    responder.nonce = "wrong"
    rejected = refusal(card, pki, checker_for(responder.url))
    assert rejected.reason is Reason.OCSP_UNAVAILABLE
    assert "nonce" in rejected.detail


def test_nonce_may_be_left_out(card: Card, pki: CardPki, responder: Responder) -> None:
    responder.nonce = "none"
    assert check(card, pki, checker_for(responder.url)).personal_number


def test_answer_about_another_certificate(card: Card, pki: CardPki, responder: Responder) -> None:
    responder.answer_serial = card.cert.serial_number + 1
    rejected = refusal(card, pki, checker_for(responder.url))
    assert rejected.reason is Reason.OCSP_UNAVAILABLE


def test_sha256_cert_id(card: Card, pki: CardPki, responder: Responder) -> None:
    assert check(card, pki, checker_for(responder.url, cert_id_hash="sha256")).personal_number
