"""A throw-away PKI for the tests: root and intermediate CA, ID cards, Web eID tokens."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from onewindow.identity.webeid import TrustedCa

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
ORIGIN = "https://onewindow.example"
NONCE = "dGhpcyBpcyBhIDMyIGJ5dGUgY2hhbGxlbmdlIG5vbmNlIQ=="
PERSONAL_NUMBER = "01001012345"

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "256": hashes.SHA256,
    "384": hashes.SHA384,
    "512": hashes.SHA512,
}


def new_key(kind: str) -> PrivateKey:
    if kind == "rsa2048":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    curves: dict[str, ec.EllipticCurve] = {
        "ec-p256": ec.SECP256R1(),
        "ec-p384": ec.SECP384R1(),
    }
    return ec.generate_private_key(curves[kind])


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "GE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "OneWindow Test"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def sign_hash(key: PrivateKey) -> hashes.SHA256 | hashes.SHA384:
    return hashes.SHA384() if isinstance(key, ec.EllipticCurvePrivateKey) else hashes.SHA256()


@dataclass
class Ca:
    name: x509.Name
    key: PrivateKey
    cert: x509.Certificate

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)

    def trusted(self) -> TrustedCa:
        return TrustedCa.from_der(self.der)


def make_ca(
    common_name: str,
    *,
    issuer: Ca | None = None,
    key: PrivateKey | None = None,
    not_before: datetime = NOW - timedelta(days=3650),
    not_after: datetime = NOW + timedelta(days=3650),
) -> Ca:
    key = key or new_key("ec-p384")
    name = _name(common_name)
    signer_name, signer_key = (issuer.name, issuer.key) if issuer else (name, key)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(signer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(signer_key, sign_hash(signer_key))
    )
    return Ca(name, key, cert)


def key_usage(**bits: bool) -> x509.KeyUsage:
    names = (
        "digital_signature",
        "content_commitment",
        "key_encipherment",
        "data_encipherment",
        "key_agreement",
        "key_cert_sign",
        "crl_sign",
        "encipher_only",
        "decipher_only",
    )
    return x509.KeyUsage(**{name: bits.get(name, False) for name in names})


_DEFAULT = object()


@dataclass
class Card:
    key: PrivateKey
    cert: x509.Certificate
    issuer: Ca
    sign_cert: x509.Certificate | None = None

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)


@dataclass
class CardSpec:
    """How to make a card certificate; the defaults give a valid Georgian ID card."""

    key_type: str = "ec-p384"
    serial_number: str = f"PNOGE-{PERSONAL_NUMBER}"
    given_name: str = "NINO"
    surname: str = "BERIDZE"
    not_before: datetime = NOW - timedelta(days=365)
    not_after: datetime = NOW + timedelta(days=365)
    key_usage: x509.KeyUsage | None = field(
        default_factory=lambda: key_usage(digital_signature=True)
    )
    eku: list[x509.ObjectIdentifier] | None = field(
        default_factory=lambda: [ExtendedKeyUsageOID.CLIENT_AUTH]
    )
    policies: list[str] = field(default_factory=lambda: ["1.3.6.1.4.1.99999.1.1"])
    extra_extensions: list[tuple[x509.ExtensionType, bool]] = field(default_factory=list)


def _person_name(spec: CardSpec) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "GE"),
            x509.NameAttribute(
                NameOID.COMMON_NAME,
                f"{spec.surname},{spec.given_name},{spec.serial_number.removeprefix('PNOGE-')}",
            ),
            x509.NameAttribute(NameOID.SURNAME, spec.surname),
            x509.NameAttribute(NameOID.GIVEN_NAME, spec.given_name),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, spec.serial_number),
        ]
    )


def issue_certificate(
    issuer: Ca, key: PrivateKey, spec: CardSpec, *, name: x509.Name | None = None
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(name or _person_name(spec))
        .issuer_name(issuer.name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(spec.not_before)
        .not_valid_after(spec.not_after)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    )
    if spec.key_usage is not None:
        builder = builder.add_extension(spec.key_usage, critical=True)
    if spec.eku is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage(spec.eku), critical=False)
    if spec.policies:
        builder = builder.add_extension(
            x509.CertificatePolicies(
                [x509.PolicyInformation(x509.ObjectIdentifier(oid), None) for oid in spec.policies]
            ),
            critical=False,
        )
    for extension, critical in spec.extra_extensions:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(issuer.key, sign_hash(issuer.key))


def make_card(issuer: Ca, spec: CardSpec | None = None, *, key: PrivateKey | None = None) -> Card:
    spec = spec or CardSpec()
    key = key or new_key(spec.key_type)
    return Card(key, issue_certificate(issuer, key, spec), issuer)


def sign_challenge(key: PrivateKey, algorithm: str, origin: str, nonce: str) -> bytes:
    """What the card does: sign H(origin) ‖ H(nonce) (ECDSA as raw r‖s)."""
    digest = _HASHES[algorithm[2:]]()
    name = digest.name
    data = hashlib.new(name, origin.encode()).digest() + hashlib.new(name, nonce.encode()).digest()
    if isinstance(key, ec.EllipticCurvePrivateKey):
        r, s = decode_dss_signature(key.sign(data, ec.ECDSA(digest)))
        size = (key.curve.key_size + 7) // 8
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")
    if algorithm.startswith("PS"):
        pss = padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size)
        return key.sign(data, pss, digest)
    return key.sign(data, padding.PKCS1v15(), digest)


def token_dict(
    card: Card,
    algorithm: str,
    *,
    origin: str = ORIGIN,
    nonce: str = NONCE,
    token_format: str = "web-eid:1.0",  # noqa: S107 (not a password)
) -> dict[str, Any]:
    signature = sign_challenge(card.key, algorithm, origin, nonce)
    return {
        "unverifiedCertificate": base64.b64encode(card.der).decode(),
        "algorithm": algorithm,
        "signature": base64.b64encode(signature).decode(),
        "format": token_format,
        "appVersion": "https://onewindow.example/cardagent/1.0.0",
    }


def make_token(card: Card, algorithm: str, **kwargs: Any) -> str:
    return json.dumps(token_dict(card, algorithm, **kwargs))
