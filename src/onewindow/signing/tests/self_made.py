"""Test helpers: a CA of a test's own making, unknown to the portal, and a qualified-looking
signing certificate from it. One builder, so that every "untrusted CA" test forges the same
way and fails only for the reason it names."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

# nonRepudiation alone, as on a Georgian ID card's signing certificate.
SIGNING_USAGE = x509.KeyUsage(
    digital_signature=False,
    content_commitment=True,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=False,
    crl_sign=False,
    encipher_only=False,
    decipher_only=False,
)


@dataclass(frozen=True)
class SelfMade:
    """The CA's certificate, and the signing certificate it issued with its private key."""

    ca: x509.Certificate
    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey


def _valid_from_yesterday(builder: x509.CertificateBuilder, days: int) -> x509.CertificateBuilder:
    now = dt.datetime.now(dt.UTC)
    return (
        builder.serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=days))
    )


def self_made_signing_certificate(
    *, ca_name: x509.Name, subject: x509.Name, days: int = 365
) -> SelfMade:
    """A fresh EC P-256 CA named `ca_name` (a real CA's name is allowed: only the key makes a
    CA) and a nonRepudiation certificate for `subject` from it, valid for `days`."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        _valid_from_yesterday(x509.CertificateBuilder(), days)
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = (
        _valid_from_yesterday(x509.CertificateBuilder(), days)
        .subject_name(subject)
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(SIGNING_USAGE, critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    return SelfMade(ca=ca, certificate=certificate, key=key)
