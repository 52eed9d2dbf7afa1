"""validate_token with tokens made here: a Georgian test card for each key type, every refusal."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

from onewindow.identity.webeid import (
    Reason,
    TokenRejected,
    TrustedCa,
    ValidatedCard,
    check_origin,
    validate_token,
)

from .conftest import CardPki
from .pki import (
    NONCE,
    NOW,
    ORIGIN,
    PERSONAL_NUMBER,
    Card,
    CardSpec,
    key_usage,
    make_ca,
    make_card,
    make_token,
    new_key,
    token_dict,
)


def validate(
    token: str | bytes,
    trusted: Sequence[TrustedCa],
    *,
    origin: str = ORIGIN,
    nonce: str = NONCE,
    now: datetime = NOW,
    **kwargs: Any,
) -> ValidatedCard:
    return validate_token(
        token, nonce=nonce, origin=origin, trusted_cas=trusted, now=now, ocsp=None, **kwargs
    )


def refused(token: str | bytes, trusted: Sequence[TrustedCa], **kwargs: Any) -> Reason:
    with pytest.raises(TokenRejected) as caught:
        validate(token, trusted, **kwargs)
    return caught.value.reason


@pytest.fixture
def trusted(pki: CardPki) -> list[TrustedCa]:
    return [pki.intermediate.trusted()]


@pytest.fixture
def ec_card(pki: CardPki) -> Card:
    return pki.cards["ec-p384"]


@pytest.mark.parametrize(
    ("key_type", "algorithm", "key_algorithm"),
    [
        ("rsa2048", "RS256", "RSA 2048"),
        ("rsa2048", "PS256", "RSA 2048"),
        ("rsa2048", "RS384", "RSA 2048"),
        ("rsa2048", "PS512", "RSA 2048"),
        ("ec-p256", "ES256", "EC secp256r1"),
        ("ec-p384", "ES384", "EC secp384r1"),
    ],
)
def test_valid_tokens_are_accepted(
    pki: CardPki, trusted: list[TrustedCa], key_type: str, algorithm: str, key_algorithm: str
) -> None:
    card = pki.cards[key_type]
    result = validate(make_token(card, algorithm), trusted)
    assert result.personal_number == PERSONAL_NUMBER
    assert result.subject_serial == f"PNOGE-{PERSONAL_NUMBER}"
    assert (result.given_name, result.surname, result.country) == ("NINO", "BERIDZE", "GE")
    assert result.common_name == f"BERIDZE,NINO,{PERSONAL_NUMBER}"
    assert result.certificate == card.der
    assert result.serial == card.cert.serial_number
    assert "OneWindow Test ID-card CA" in result.issuer
    assert result.not_after == card.cert.not_valid_after_utc
    assert result.key_algorithm == key_algorithm
    assert result.token_algorithm == algorithm


def test_token_as_bytes_and_local_development_origin(
    ec_card: Card, trusted: list[TrustedCa]
) -> None:
    origin = "http://127.0.0.1:8000"
    token = make_token(ec_card, "ES384", origin=origin).encode()
    assert validate(token, trusted, origin=origin).personal_number == PERSONAL_NUMBER


@pytest.mark.parametrize(
    "origin",
    ["https://onewindow.example/", "http://onewindow.example", "https://onewindow.example/x", ""],
)
def test_badly_configured_origin_is_a_programming_error(origin: str) -> None:
    with pytest.raises(ValueError, match="origin"):
        check_origin(origin)


def test_naive_now_is_a_programming_error(ec_card: Card, trusted: list[TrustedCa]) -> None:
    with pytest.raises(ValueError, match="timezone"):
        validate(make_token(ec_card, "ES384"), trusted, now=NOW.replace(tzinfo=None))


def test_foreign_card_has_no_personal_number(pki: CardPki, trusted: list[TrustedCa]) -> None:
    card = make_card(pki.intermediate, CardSpec(serial_number="PNOEE-38001085718"))
    result = validate(make_token(card, "ES384"), trusted)
    assert result.personal_number is None
    assert result.subject_serial == "PNOEE-38001085718"


def test_card_without_eku_is_accepted(pki: CardPki, trusted: list[TrustedCa]) -> None:
    card = make_card(pki.intermediate, CardSpec(eku=None))  # as Finnish cards
    assert validate(make_token(card, "ES384"), trusted).personal_number == PERSONAL_NUMBER


def test_rsa_pss_signed_certificates_are_verified() -> None:
    ca_key = new_key("rsa2048")
    assert isinstance(ca_key, rsa.RSAPrivateKey)
    ca = make_ca("PSS CA", key=ca_key)
    card = make_card(ca)
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
    builder = x509.CertificateBuilder(
        issuer_name=card.cert.issuer,
        subject_name=card.cert.subject,
        public_key=card.key.public_key(),
        serial_number=card.cert.serial_number,
        not_valid_before=card.cert.not_valid_before_utc,
        not_valid_after=card.cert.not_valid_after_utc,
        extensions=list(card.cert.extensions),
    )
    card.cert = builder.sign(ca_key, hashes.SHA256(), rsa_padding=pss)
    assert validate(make_token(card, "ES384"), [ca.trusted()]).personal_number == PERSONAL_NUMBER
    # The same certificate with one bit of its signature changed is not trusted.
    token = token_dict(card, "ES384")
    der = bytearray(base64.b64decode(token["unverifiedCertificate"]))
    der[-5] ^= 0x01
    token["unverifiedCertificate"] = base64.b64encode(bytes(der)).decode()
    assert refused(json.dumps(token), [ca.trusted()]) is Reason.UNTRUSTED


# --- one refusal per reason ---------------------------------------------------------------


def test_wrong_origin(ec_card: Card, trusted: list[TrustedCa]) -> None:
    token = make_token(ec_card, "ES384", origin="https://evil.example")
    assert refused(token, trusted) is Reason.BAD_SIGNATURE


def test_wrong_nonce(ec_card: Card, trusted: list[TrustedCa]) -> None:
    token = make_token(ec_card, "ES384")
    assert refused(token, trusted, nonce=NONCE[:-2] + "x=") is Reason.BAD_SIGNATURE


def test_bad_signature(pki: CardPki, trusted: list[TrustedCa]) -> None:
    for key_type, algorithm in (("ec-p384", "ES384"), ("rsa2048", "PS256")):
        token = token_dict(pki.cards[key_type], algorithm)
        signature = bytearray(base64.b64decode(token["signature"]))
        signature[10] ^= 0x40
        token["signature"] = base64.b64encode(bytes(signature)).decode()
        assert refused(json.dumps(token), trusted) is Reason.BAD_SIGNATURE


def test_ecdsa_signature_of_wrong_length(ec_card: Card, trusted: list[TrustedCa]) -> None:
    token = token_dict(ec_card, "ES384")
    token["signature"] = base64.b64encode(base64.b64decode(token["signature"])[:-1]).decode()
    assert refused(json.dumps(token), trusted) is Reason.BAD_SIGNATURE


def test_signature_not_base64(ec_card: Card, trusted: list[TrustedCa]) -> None:
    token = token_dict(ec_card, "ES384")
    token["signature"] = "not base64!"
    assert refused(json.dumps(token), trusted) is Reason.MALFORMED


@pytest.mark.parametrize(
    ("spec", "now", "reason"),
    [
        (CardSpec(not_after=NOW - timedelta(days=1)), NOW, Reason.CERTIFICATE_EXPIRED),
        (CardSpec(not_before=NOW + timedelta(days=1)), NOW, Reason.CERTIFICATE_NOT_YET_VALID),
        (CardSpec(key_usage=None), NOW, Reason.WRONG_KEY_USAGE),
        (CardSpec(key_usage=key_usage(key_agreement=True)), NOW, Reason.WRONG_KEY_USAGE),
        (CardSpec(eku=[ExtendedKeyUsageOID.EMAIL_PROTECTION]), NOW, Reason.WRONG_KEY_USAGE),
        (CardSpec(policies=["1.3.6.1.4.1.10015.1.3"]), NOW, Reason.DISALLOWED_POLICY),
        (CardSpec(policies=["1.3.6.1.4.1.10015.1.3.2"]), NOW, Reason.DISALLOWED_POLICY),
    ],
    ids=[
        "expired",
        "not-yet-valid",
        "no-key-usage",
        "no-digital-signature",
        "eku-no-client-auth",
        "mobile-id-policy",
        "mobile-id-policy-2",
    ],
)
def test_certificate_refusals(
    pki: CardPki, trusted: list[TrustedCa], spec: CardSpec, now: datetime, reason: Reason
) -> None:
    card = make_card(pki.intermediate, spec, key=pki.cards["ec-p384"].key)
    assert refused(make_token(card, "ES384"), trusted, now=now) is reason


def test_disallowed_policies_are_configurable(ec_card: Card, trusted: list[TrustedCa]) -> None:
    token = make_token(ec_card, "ES384")
    policy = "1.3.6.1.4.1.99999.1.1"
    assert refused(token, trusted, disallowed_policies=[policy]) is Reason.DISALLOWED_POLICY
    card = make_card(ec_card.issuer, CardSpec(policies=["1.3.6.1.4.1.10015.1.3"]), key=ec_card.key)
    # The list replaces the default (Mobile-ID) list.
    assert validate(make_token(card, "ES384"), trusted, disallowed_policies=[policy])


def test_unknown_critical_extension(pki: CardPki, trusted: list[TrustedCa]) -> None:
    extension = x509.UnrecognizedExtension(
        x509.ObjectIdentifier("1.3.6.1.4.1.99999.7"), b"\x05\x00"
    )
    card = make_card(pki.intermediate, CardSpec(extra_extensions=[(extension, True)]))
    assert refused(make_token(card, "ES384"), trusted) is Reason.UNTRUSTED


def test_untrusted_ca(pki: CardPki, ec_card: Card) -> None:
    other = make_ca("Some Other CA")
    assert refused(make_token(ec_card, "ES384"), [other.trusted()]) is Reason.UNTRUSTED
    assert refused(make_token(ec_card, "ES384"), []) is Reason.UNTRUSTED


def test_impostor_ca_with_the_same_name(pki: CardPki) -> None:
    impostor = make_ca("OneWindow Test ID-card CA", issuer=pki.root)  # same DN, other key
    card = make_card(impostor)
    assert refused(make_token(card, "ES384"), [pki.intermediate.trusted()]) is Reason.UNTRUSTED


def test_trust_anchor_must_be_the_issuing_ca(pki: CardPki, ec_card: Card) -> None:
    # Only the root is configured: the card's issuer is not a trust anchor, and the token
    # does not carry it, so there is no path.
    assert refused(make_token(ec_card, "ES384"), [pki.root.trusted()]) is Reason.UNTRUSTED


def test_ca_expired(pki: CardPki) -> None:
    old = make_ca("Expired ID-card CA", issuer=pki.root, not_after=NOW - timedelta(days=1))
    card = make_card(old)
    assert refused(make_token(card, "ES384"), [old.trusted()]) is Reason.CA_EXPIRED


def test_expired_unrelated_ca_is_ignored(pki: CardPki, ec_card: Card) -> None:
    old = make_ca("Old CA", not_after=NOW - timedelta(days=1))
    trusted = [old.trusted(), pki.intermediate.trusted()]
    assert validate(make_token(ec_card, "ES384"), trusted).personal_number == PERSONAL_NUMBER


@pytest.mark.parametrize("algorithm", ["none", "NONE", "HS256", "", "EdDSA", "ES256K", "es384"])
def test_refused_algorithms(ec_card: Card, trusted: list[TrustedCa], algorithm: str) -> None:
    token = token_dict(ec_card, "ES384")
    token["algorithm"] = algorithm
    assert refused(json.dumps(token), trusted) is Reason.UNSUPPORTED_ALGORITHM


def test_missing_algorithm(ec_card: Card, trusted: list[TrustedCa]) -> None:
    token = token_dict(ec_card, "ES384")
    del token["algorithm"]
    assert refused(json.dumps(token), trusted) is Reason.UNSUPPORTED_ALGORITHM


@pytest.mark.parametrize(
    ("key_type", "algorithm", "claimed"),
    [("rsa2048", "RS256", "ES256"), ("ec-p384", "ES384", "RS384"), ("ec-p256", "ES256", "PS256")],
)
def test_algorithm_key_mismatch(
    pki: CardPki, trusted: list[TrustedCa], key_type: str, algorithm: str, claimed: str
) -> None:
    token = token_dict(pki.cards[key_type], algorithm)
    token["algorithm"] = claimed
    assert refused(json.dumps(token), trusted) is Reason.ALGORITHM_MISMATCH


# --- the token as data ----------------------------------------------------------------------

PADDING = " " * 100  # the minimum length applies before JSON parsing


def _edit(card: Card, change: Callable[[dict[str, Any]], Any]) -> str:
    token = token_dict(card, "ES384")
    change(token)
    return json.dumps(token)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ('{"format": "web-eid:1.0", "algorithm": "ES384",' + PADDING, Reason.NOT_JSON),
        ('["web-eid:1.0", "ES384"]' + PADDING, Reason.MALFORMED),
        ('"a JSON string"' + PADDING, Reason.MALFORMED),
        ("null" + PADDING, Reason.MALFORMED),
        ('{"format": NaN}' + PADDING, Reason.NOT_JSON),
        ('{"format": "web-eid:1.0", "format": "web-eid:1.0"}' + PADDING, Reason.NOT_JSON),
        ("{}", Reason.MALFORMED),  # too short
        (b'{"format": "\xff\xfe"}' + PADDING.encode(), Reason.NOT_JSON),
        ("[" * 5000 + "]" * 5000, Reason.NOT_JSON),
    ],
    ids=[
        "truncated",
        "array",
        "string",
        "null",
        "nan",
        "duplicate-field",
        "too-short",
        "not-utf8",
        "deep-nesting",
    ],
)
def test_not_a_token(raw: str | bytes, reason: Reason, trusted: list[TrustedCa]) -> None:
    assert refused(raw, trusted) is reason


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("unverifiedCertificate", 1234),
        ("unverifiedCertificate", ["MIIB"]),
        ("algorithm", 256),
        ("signature", {"r": 1}),
        ("format", 1.0),
        ("appVersion", True),
    ],
)
def test_non_string_fields(
    ec_card: Card, trusted: list[TrustedCa], field: str, value: object
) -> None:
    token = _edit(ec_card, lambda t: t.__setitem__(field, value))
    assert refused(token, trusted) is Reason.MALFORMED


def test_unknown_fields_are_ignored(ec_card: Card, trusted: list[TrustedCa]) -> None:
    token = _edit(ec_card, lambda t: t.update(action="web-eid:authenticate-success", x=[1]))
    assert validate(token, trusted).personal_number == PERSONAL_NUMBER


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (None, Reason.CERTIFICATE_MISSING),
        ("", Reason.CERTIFICATE_MISSING),
        ("This is not base64!", Reason.CERTIFICATE_MALFORMED),
        ("MIIB-_", Reason.CERTIFICATE_MALFORMED),  # base64url is not accepted
        (base64.b64encode(b"not a certificate at all").decode(), Reason.CERTIFICATE_MALFORMED),
    ],
)
def test_bad_certificate_field(
    ec_card: Card, trusted: list[TrustedCa], value: str | None, reason: Reason
) -> None:
    token = _edit(ec_card, lambda t: t.__setitem__("unverifiedCertificate", value))
    assert refused(token, trusted) is reason


def test_certificate_with_trailing_data(ec_card: Card, trusted: list[TrustedCa]) -> None:
    value = base64.b64encode(ec_card.der + b"\x00\x00").decode()
    token = _edit(ec_card, lambda t: t.__setitem__("unverifiedCertificate", value))
    assert refused(token, trusted) is Reason.CERTIFICATE_MALFORMED


def test_oversized_token(ec_card: Card, trusted: list[TrustedCa]) -> None:
    token = _edit(ec_card, lambda t: t.__setitem__("padding", "x" * 10_000))
    assert refused(token, trusted) is Reason.TOO_LONG
    assert refused(token.encode() * 5, trusted) is Reason.TOO_LONG


@pytest.mark.parametrize(
    ("field", "length"),
    [("appVersion", 501), ("algorithm", 33), ("format", 40), ("signature", 1401)],
)
def test_oversized_field(ec_card: Card, trusted: list[TrustedCa], field: str, length: int) -> None:
    token = _edit(ec_card, lambda t: t.__setitem__(field, "A" * length))
    assert len(token) < 10_000
    assert refused(token, trusted) is Reason.TOO_LONG


@pytest.mark.parametrize("token_format", [None, "", "web-eid:2", "web-eid:0.9", "webauthn:1"])
def test_unsupported_format(
    ec_card: Card, trusted: list[TrustedCa], token_format: str | None
) -> None:
    token = _edit(ec_card, lambda t: t.__setitem__("format", token_format))
    assert refused(token, trusted) is Reason.UNSUPPORTED_FORMAT


def test_pss_salt_must_be_the_hash_length(pki: CardPki, trusted: list[TrustedCa]) -> None:
    card = pki.cards["rsa2048"]
    key = card.key
    assert isinstance(key, rsa.RSAPrivateKey)
    token = token_dict(card, "PS256")
    digest = hashes.SHA256()
    data = hashlib.sha256(ORIGIN.encode()).digest() + hashlib.sha256(NONCE.encode()).digest()
    for salt in (0, padding.PSS.MAX_LENGTH):
        pss = padding.PSS(mgf=padding.MGF1(digest), salt_length=salt)
        token["signature"] = base64.b64encode(key.sign(data, pss, digest)).decode()
        assert refused(json.dumps(token), trusted) is Reason.BAD_SIGNATURE
