"""Fail closed: every refusal of docs/signing.md, and nothing signed when refused."""

from __future__ import annotations

from typing import Any

from django.utils import translation

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from onewindow.signing import pades, trust
from onewindow.signing.errors import MESSAGES, SigningRefused
from onewindow.signing.pades import Level
from testpki import TestPki

from .conftest import card_sign, certificate_der, dead_url, validate_offline
from .self_made import self_made_signing_certificate

pytestmark = pytest.mark.usefixtures("pki_settings")

GIORGI = "01008057492"  # RSA-2048; his previous card is revoked
TAMAZ = "01024011122"  # RSA-2048; his previous card has expired
MARIAM = "01017033481"  # EC P-256


def _prepare(pdf: bytes, pki: TestPki, personal_number: str, status: Any = "valid") -> Any:
    card = pki.card_of(personal_number, status)
    return pades.prepare(
        pdf, certificate=certificate_der(card.sign_cert), reason="Test", location="Tbilisi"
    )


def _refusal(error: pytest.ExceptionInfo[SigningRefused]) -> str:
    return error.value.code


def test_a_revoked_card_is_refused(idpki: TestPki, small_pdf: bytes) -> None:
    with pytest.raises(SigningRefused) as error:
        _prepare(small_pdf, idpki, GIORGI, "revoked")
    assert _refusal(error) == "certificate-revoked"


def test_an_expired_card_is_refused(idpki: TestPki, small_pdf: bytes) -> None:
    with pytest.raises(SigningRefused) as error:
        _prepare(small_pdf, idpki, TAMAZ, "expired")
    assert _refusal(error) == "certificate-expired"


def test_the_authentication_certificate_cannot_sign(idpki: TestPki, small_pdf: bytes) -> None:
    card = idpki.card_of(MARIAM)
    with pytest.raises(SigningRefused) as error:
        pades.prepare(
            small_pdf, certificate=certificate_der(card.auth_cert), reason="r", location="l"
        )
    assert _refusal(error) == "not-a-signing-certificate"


def test_garbage_instead_of_a_certificate_is_refused(small_pdf: bytes) -> None:
    with pytest.raises(SigningRefused) as error:
        pades.prepare(small_pdf, certificate=b"not a certificate", reason="r", location="l")
    assert _refusal(error) == "not-a-signing-certificate"


def _self_made_signing_certificate() -> bytes:
    """A signing certificate from a CA nobody configured (same names as the real one)."""
    made = self_made_signing_certificate(
        ca_name=x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "OneWindow Test ID Card CA")]),
        subject=x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "FORGED,PERSON")]),
        days=30,
    )
    return made.certificate.public_bytes(serialization.Encoding.DER)


def test_a_certificate_from_an_untrusted_ca_is_refused(small_pdf: bytes) -> None:
    with pytest.raises(SigningRefused) as error:
        pades.prepare(
            small_pdf, certificate=_self_made_signing_certificate(), reason="r", location="l"
        )
    assert _refusal(error) == "certificate-untrusted"


@pytest.mark.parametrize("personal_number", [GIORGI, MARIAM])
def test_a_wrong_signature_is_refused_before_embedding(
    personal_number: str, idpki: TestPki, small_pdf: bytes
) -> None:
    prepared = _prepare(small_pdf, idpki, personal_number)
    card = idpki.card_of(personal_number)
    other_digest = bytes(reversed(prepared.digest))
    with pytest.raises(SigningRefused) as error:
        pades.finish(prepared.state, card_sign(card, other_digest, prepared.hash_function))
    assert _refusal(error) == "bad-signature"


def test_another_persons_signature_is_refused(idpki: TestPki, small_pdf: bytes) -> None:
    prepared = _prepare(small_pdf, idpki, GIORGI)
    someone_else = idpki.card_of(TAMAZ)  # also RSA-2048: the right shape, the wrong key
    with pytest.raises(SigningRefused) as error:
        pades.finish(
            prepared.state, card_sign(someone_else, prepared.digest, prepared.hash_function)
        )
    assert _refusal(error) == "bad-signature"


def test_an_ecdsa_signature_of_the_wrong_length_is_refused(
    idpki: TestPki, small_pdf: bytes
) -> None:
    prepared = _prepare(small_pdf, idpki, MARIAM)
    signature = card_sign(idpki.card_of(MARIAM), prepared.digest, prepared.hash_function)
    with pytest.raises(SigningRefused) as error:
        pades.finish(prepared.state, signature[:-1])
    assert _refusal(error) == "bad-signature"


@pytest.mark.parametrize("position", [0, 40, -200, -1])
def test_a_state_changed_between_prepare_and_finish_is_refused(
    position: int, idpki: TestPki, small_pdf: bytes
) -> None:
    prepared = _prepare(small_pdf, idpki, MARIAM)
    signature = card_sign(idpki.card_of(MARIAM), prepared.digest, prepared.hash_function)
    tampered = bytearray(prepared.state)
    tampered[position] ^= 0x01
    with pytest.raises(SigningRefused) as error:
        pades.finish(bytes(tampered), signature)
    assert _refusal(error) == "session-expired"
    # The untouched state still finishes: the refusal was the tampering's.
    assert pades.finish(prepared.state, signature, level=Level.B_T).startswith(b"%PDF")


def test_a_state_from_another_secret_key_is_refused(
    idpki: TestPki, small_pdf: bytes, settings: Any
) -> None:
    prepared = _prepare(small_pdf, idpki, MARIAM)
    signature = card_sign(idpki.card_of(MARIAM), prepared.digest, prepared.hash_function)
    settings.SECRET_KEY = "another-installation-" + "x" * 40
    with pytest.raises(SigningRefused) as error:
        pades.finish(prepared.state, signature)
    assert _refusal(error) == "session-expired"


def test_an_old_state_is_refused(
    idpki: TestPki, small_pdf: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepared = _prepare(small_pdf, idpki, MARIAM)
    signature = card_sign(idpki.card_of(MARIAM), prepared.digest, prepared.hash_function)
    later = trust.clock() + pades.STATE_LIFETIME_SECONDS + 1
    monkeypatch.setattr(trust, "clock", lambda: later)
    with pytest.raises(SigningRefused) as error:
        pades.finish(prepared.state, signature)
    assert _refusal(error) == "session-expired"


def test_no_timestamp_no_signature(idpki: TestPki, small_pdf: bytes, settings: Any) -> None:
    prepared = _prepare(small_pdf, idpki, GIORGI)
    signature = card_sign(idpki.card_of(GIORGI), prepared.digest, prepared.hash_function)
    settings.SIGNING_TSA_URL = dead_url() + "/tsa"
    for level in Level:
        with pytest.raises(SigningRefused) as error:
            pades.finish(prepared.state, signature, level=level)
        assert _refusal(error) == "tsa-unreachable"


def test_revocation_answers_are_reused_within_the_window(
    idpki: TestPki, small_pdf: bytes, settings: Any
) -> None:
    prepared = _prepare(small_pdf, idpki, MARIAM)  # fetches (and caches) OCSP and CRLs
    signature = card_sign(idpki.card_of(MARIAM), prepared.digest, prepared.hash_function)
    settings.SIGNING_PKI_URL_REWRITES = {"http://127.0.0.1:8300": dead_url()}

    signed = pades.finish(prepared.state, signature, level=Level.LT)

    [status] = validate_offline(signed, idpki)
    assert status.bottom_line, status.pretty_print_details()


def test_revocation_answers_too_old_refuse(
    idpki: TestPki, small_pdf: bytes, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepared = _prepare(small_pdf, idpki, MARIAM)
    signature = card_sign(idpki.card_of(MARIAM), prepared.digest, prepared.hash_function)
    settings.SIGNING_PKI_URL_REWRITES = {"http://127.0.0.1:8300": dead_url()}
    later = trust.clock() + settings.SIGNING_FAIL_CLOSED_AFTER + 1
    monkeypatch.setattr(trust, "clock", lambda: later)
    monkeypatch.setattr(pades, "STATE_LIFETIME_SECONDS", 3600)

    with pytest.raises(SigningRefused) as error:
        pades.finish(prepared.state, signature, level=Level.LT)
    assert _refusal(error) == "revocation-unavailable"


def test_no_revocation_answer_ever_refuses(idpki: TestPki, small_pdf: bytes, settings: Any) -> None:
    settings.SIGNING_PKI_URL_REWRITES = {"http://127.0.0.1:8300": dead_url()}
    with pytest.raises(SigningRefused) as error:
        _prepare(small_pdf, idpki, MARIAM)
    assert _refusal(error) == "revocation-unavailable"


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_refusal_has_a_sentence(code: str) -> None:
    with translation.override("en"):
        message = SigningRefused(code, "detail for the log").message
    assert message.endswith(".") and len(message) > 20
    assert "detail for the log" not in message


def test_an_unknown_refusal_code_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        SigningRefused("something-else")
