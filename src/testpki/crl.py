"""Certificate revocation lists of the test CAs."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes

from .keys import signature_hash


@dataclass(frozen=True)
class Revocation:
    serial_number: int
    revoked_at: datetime.datetime
    reason: x509.ReasonFlags


def build_crl(
    *,
    issuer: x509.Certificate,
    issuer_key: CertificateIssuerPrivateKeyTypes,
    revocations: Iterable[Revocation],
    this_update: datetime.datetime,
    next_update: datetime.datetime,
    number: int,
) -> x509.CertificateRevocationList:
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.subject)
        .last_update(this_update)
        .next_update(next_update)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    )
    for revocation in revocations:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(revocation.serial_number)
            .revocation_date(revocation.revoked_at)
            .add_extension(x509.CRLReason(revocation.reason), critical=False)
            .build()
        )
    return builder.sign(issuer_key, signature_hash(issuer_key))
