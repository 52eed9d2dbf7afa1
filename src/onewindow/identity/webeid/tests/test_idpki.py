"""Tokens of the project's demo ID cards, checked against the test PKI's real OCSP responder."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from onewindow.identity.webeid import (
    OcspChecker,
    Reason,
    TokenRejected,
    ValidatedCard,
    load_trusted_cas,
    validate_token,
)

from .pki import NONCE, ORIGIN, sign_challenge

ALGORITHM = {"rsa2048": "RS256", "ec-p256": "ES256", "ec-p384": "ES384"}


def card_token(card: Any, algorithm: str) -> str:
    key = serialization.load_pem_private_key(card.auth_key.read_bytes(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey)
    der = card.auth_certificate().public_bytes(serialization.Encoding.DER)
    return json.dumps(
        {
            "unverifiedCertificate": base64.b64encode(der).decode(),
            "algorithm": algorithm,
            "signature": base64.b64encode(sign_challenge(key, algorithm, ORIGIN, NONCE)).decode(),
            "format": "web-eid:1.0",
            "appVersion": "https://onewindow.example/cardagent/1.0.0",
        }
    )


@pytest.fixture
def checker(idpki_server: Any) -> Iterator[OcspChecker]:
    checker = OcspChecker(idpki_server.ocsp_url, timeout=5, cache_seconds=60)
    yield checker
    checker.close()


def validate(idpki: Any, token: str, checker: OcspChecker) -> ValidatedCard:
    return validate_token(
        token,
        nonce=NONCE,
        origin=ORIGIN,
        trusted_cas=load_trusted_cas([idpki.idcard_ca]),
        now=datetime.now(UTC),
        ocsp=checker,
    )


def test_valid_demo_cards_are_accepted(idpki: Any, checker: OcspChecker) -> None:
    valid = [card for card in idpki.cards if card.status == "valid"]
    assert {card.key_type for card in valid} >= {"rsa2048", "ec-p384"}
    for card in valid:
        result = validate(idpki, card_token(card, ALGORITHM[card.key_type]), checker)
        assert result.personal_number == card.personal_number
        assert (result.given_name, result.surname) == (card.given_name, card.surname)
        assert result.country == "GE"
    rsa_card = next(card for card in valid if card.key_type == "rsa2048")
    assert validate(idpki, card_token(rsa_card, "PS256"), checker).personal_number


def test_revoked_demo_card_is_refused(idpki: Any, checker: OcspChecker) -> None:
    revoked = [card for card in idpki.cards if card.status == "revoked"]
    assert revoked
    for card in revoked:
        with pytest.raises(TokenRejected) as caught:
            validate(idpki, card_token(card, ALGORITHM[card.key_type]), checker)
        assert caught.value.reason is Reason.REVOKED, caught.value.detail


def test_expired_demo_card_is_refused(idpki: Any, checker: OcspChecker) -> None:
    for card in (card for card in idpki.cards if card.status == "expired"):
        with pytest.raises(TokenRejected) as caught:
            validate(idpki, card_token(card, ALGORITHM[card.key_type]), checker)
        assert caught.value.reason is Reason.CERTIFICATE_EXPIRED
