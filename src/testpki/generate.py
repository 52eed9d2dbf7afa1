"""Generation of the test PKI: CAs, OCSP responder, TSA, seals, demo cards and the CRL.

`ensure(DIR)` leaves a complete PKI alone and makes a new one otherwise (`force=True`
always makes a new one). A lock file serialises parallel test workers.
"""

from __future__ import annotations

import datetime
import fcntl
import json
import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificateIssuerPrivateKeyTypes,
    CertificatePublicKeyTypes,
)
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

from . import der, layout
from .crl import Revocation, build_crl
from .demo import DEMO_CARDS, DEMO_SEALS, DemoCard, DemoSeal, KeyType
from .keys import new_key, signature_hash, write_private_key
from .model import IncompletePki, TestPki, load, load_certificate, load_private_key

ORGANISATION: Final = "OneWindow Test PKI"
ROOT_NAME: Final = "OneWindow Test Root CA"
IDCARD_CA_NAME: Final = "OneWindow Test ID-card CA"
SEAL_CA_NAME: Final = "OneWindow Test Organisation Seal CA"
OCSP_NAME: Final = "OneWindow Test ID-card OCSP Responder"
TSA_NAME: Final = "OneWindow Test Time-Stamping Authority"
CRL_LIFETIME: Final = datetime.timedelta(days=1)
DAY: Final = datetime.timedelta(days=1)
YEAR: Final = datetime.timedelta(days=365)
ExtensionList = Sequence[tuple[x509.ExtensionType, bool]]


def ensure(directory: Path | str, *, force: bool = False) -> TestPki:
    """The test PKI in `directory`: the existing one if complete, else a new one."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    with locked(directory):
        if not force:
            try:
                return load(directory)
            except IncompletePki:
                pass
        _clear(directory)
        _generate(directory, now())
    return load(directory)


@contextmanager
def locked(directory: Path) -> Iterator[None]:
    with open(directory / layout.LOCK, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _clear(directory: Path) -> None:
    (directory / layout.MANIFEST).unlink(missing_ok=True)
    for name in (layout.CARDS_DIR, layout.SEALS_DIR, layout.PRIVATE_DIR, layout.AGENCY_SEALS_DIR):
        shutil.rmtree(directory / name, ignore_errors=True)
    for name in (
        layout.ROOT_CA, layout.IDCARD_CA, layout.OCSP_RESPONDER, layout.TSA, layout.SEAL_CA,
        layout.IDCARD_CRL, layout.CARDS_JSON, layout.SEALS_JSON, layout.AGENCY_SEALS_JSON,
    ):  # fmt: skip
        (directory / name).unlink(missing_ok=True)


@dataclass(frozen=True)
class Authority:
    key: CertificateIssuerPrivateKeyTypes
    certificate: x509.Certificate
    name: str  # file stem, e.g. `idcard-ca`


class _Writer:
    """Writes the files of one generation and remembers them for the manifest."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.files: list[str] = []
        for name in (layout.CARDS_DIR, layout.SEALS_DIR):
            (directory / name).mkdir(mode=0o755, exist_ok=True)
        (directory / layout.PRIVATE_DIR).mkdir(mode=0o700, exist_ok=True)
        os.chmod(directory / layout.PRIVATE_DIR, 0o700)

    def certificate(self, relative: str, certificate: x509.Certificate) -> str:
        return self.public(relative, certificate.public_bytes(serialization.Encoding.PEM))

    def key(self, name: str, key: CertificateIssuerPrivateKeyTypes) -> str:
        relative = layout.private_key_file(name)
        write_private_key(self.directory / relative, key)
        self.files.append(relative)
        return relative

    def public(self, relative: str, data: bytes) -> str:
        (self.directory / relative).write_bytes(data)
        self.files.append(relative)
        return relative

    def json(self, relative: str, value: Any) -> str:
        text = json.dumps(value, ensure_ascii=False, indent=2) + "\n"
        return self.public(relative, text.encode("utf-8"))


def _generate(directory: Path, now: datetime.datetime) -> None:
    out = _Writer(directory)
    root = _root_ca(out, now)
    idcard_ca = _sub_ca(out, root, layout.IDCARD_CA, "idcard-ca", IDCARD_CA_NAME, now)
    seal_ca = _sub_ca(out, root, layout.SEAL_CA, "seal-ca", SEAL_CA_NAME, now)
    _ocsp_responder(out, idcard_ca, now)
    _tsa(out, root, now)
    revocations: list[Revocation] = []
    cards = [_card(out, idcard_ca, card, now, revocations) for card in DEMO_CARDS]
    seals = [_seal(out, seal_ca, seal, now) for seal in DEMO_SEALS]
    crl = build_crl(
        issuer=idcard_ca.certificate,
        issuer_key=idcard_ca.key,
        revocations=revocations,
        this_update=now,
        next_update=now + CRL_LIFETIME,
        number=1,
    )
    out.public(layout.IDCARD_CRL, crl.public_bytes(serialization.Encoding.DER))
    out.json(layout.CARDS_JSON, cards)
    out.json(layout.SEALS_JSON, seals)
    manifest = {
        "format": layout.FORMAT,
        "generated_at": now.isoformat(),
        "files": sorted(out.files),
    }
    (directory / layout.MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")


def _root_ca(out: _Writer, now: datetime.datetime) -> Authority:
    key = new_key("ec-p384")
    name = _ca_name(ROOT_NAME)
    certificate = _issue(
        subject=name,
        public_key=key.public_key(),
        issuer=None,
        issuer_key=key,
        validity=(now - 10 * YEAR, now + 20 * YEAR),
        extensions=[
            (x509.BasicConstraints(ca=True, path_length=1), True),
            (_key_usage(key_cert_sign=True, crl_sign=True), True),
        ],
    )
    out.key("root-ca", key)
    out.certificate(layout.ROOT_CA, certificate)
    return Authority(key, certificate, "root-ca")


def _sub_ca(
    out: _Writer, root: Authority, filename: str, stem: str, common_name: str,
    now: datetime.datetime,
) -> Authority:  # fmt: skip
    key = new_key("ec-p384")
    certificate = _issue(
        subject=_ca_name(common_name),
        public_key=key.public_key(),
        issuer=root,
        issuer_key=root.key,
        validity=(now - 8 * YEAR, now + 12 * YEAR),
        extensions=[
            (x509.BasicConstraints(ca=True, path_length=0), True),
            (_key_usage(key_cert_sign=True, crl_sign=True), True),
            *_distribution(root),
        ],
    )
    out.key(stem, key)
    out.certificate(filename, certificate)
    return Authority(key, certificate, stem)


def _ocsp_responder(out: _Writer, idcard_ca: Authority, now: datetime.datetime) -> None:
    key = new_key("ec-p256")
    certificate = _issue(
        subject=_ca_name(OCSP_NAME),
        public_key=key.public_key(),
        issuer=idcard_ca,
        issuer_key=idcard_ca.key,
        validity=(now - DAY, now + 4 * YEAR),
        extensions=[
            (x509.BasicConstraints(ca=False, path_length=None), True),
            (_key_usage(digital_signature=True), True),
            (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.OCSP_SIGNING]), True),
            (x509.OCSPNoCheck(), False),
        ],
    )
    out.key("ocsp-responder", key)
    out.certificate(layout.OCSP_RESPONDER, certificate)


def _tsa(out: _Writer, root: Authority, now: datetime.datetime) -> None:
    key = new_key("ec-p256")
    certificate = _issue(
        subject=_ca_name(TSA_NAME),
        public_key=key.public_key(),
        issuer=root,
        issuer_key=root.key,
        validity=(now - YEAR, now + 10 * YEAR),
        extensions=[
            (x509.BasicConstraints(ca=False, path_length=None), True),
            (_key_usage(digital_signature=True, content_commitment=True), True),
            (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), True),
            *_distribution(root),
        ],
    )
    out.key("tsa", key)
    out.certificate(layout.TSA, certificate)


def _card(
    out: _Writer,
    ca: Authority,
    card: DemoCard,
    now: datetime.datetime,
    revocations: list[Revocation],
) -> dict[str, Any]:
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "GE"),
            x509.NameAttribute(
                NameOID.COMMON_NAME, f"{card.surname},{card.given_name},{card.personal_number}"
            ),
            x509.NameAttribute(NameOID.SURNAME, card.surname),
            x509.NameAttribute(NameOID.GIVEN_NAME, card.given_name),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, f"PNOGE-{card.personal_number}"),
        ]
    )
    georgian_name = x509.SubjectAlternativeName(
        [
            x509.DirectoryName(
                x509.Name(
                    [
                        x509.NameAttribute(
                            NameOID.COMMON_NAME, f"{card.given_name_ka} {card.surname_ka}"
                        ),
                        x509.NameAttribute(NameOID.SURNAME, card.surname_ka),
                        x509.NameAttribute(NameOID.GIVEN_NAME, card.given_name_ka),
                    ]
                )
            )
        ]
    )
    validity = card.validity(now)
    is_ec = card.key_type.startswith("ec-")
    common = [
        (x509.BasicConstraints(ca=False, path_length=None), True),
        (georgian_name, False),
        *_distribution(ca, ocsp_path=layout.IDCARD_OCSP_PATH),
    ]
    auth_key, sign_key = new_key(card.key_type), new_key(card.key_type)
    auth = _issue(
        subject=subject,
        public_key=auth_key.public_key(),
        issuer=ca,
        issuer_key=ca.key,
        validity=validity,
        extensions=[
            *common,
            (_key_usage(digital_signature=True, key_agreement=is_ec), True),
            (
                x509.ExtendedKeyUsage(
                    [ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.EMAIL_PROTECTION]
                ),
                False,
            ),
            (_policies(layout.POLICY_IDCARD_AUTH), False),
        ],
    )
    sign = _issue(
        subject=subject,
        public_key=sign_key.public_key(),
        issuer=ca,
        issuer_key=ca.key,
        validity=validity,
        extensions=[
            *common,
            (_key_usage(content_commitment=True), True),
            (_policies(layout.POLICY_IDCARD_SIGN), False),
            (
                qc_statements(layout.QC_COMPLIANCE, layout.QC_SSCD, qc_type=layout.QC_TYPE_ESIGN),
                False,
            ),
        ],
    )
    revocation = card.revocation(now)
    if revocation is not None:
        revoked_at, reason = revocation
        revocations += [Revocation(c.serial_number, revoked_at, reason) for c in (auth, sign)]
    return {
        "personal_number": card.personal_number,
        "label": card.label,
        "pin": card.pin,
        "puk": card.puk,
        "key_type": card.key_type,
        "status": card.status,
        "given_name": card.given_name,
        "surname": card.surname,
        "given_name_ka": card.given_name_ka,
        "surname_ka": card.surname_ka,
        "auth_cert": out.certificate(f"{layout.CARDS_DIR}/{card.label}-auth.pem", auth),
        "auth_key": out.key(f"{card.label}-auth", auth_key),
        "sign_cert": out.certificate(f"{layout.CARDS_DIR}/{card.label}-sign.pem", sign),
        "sign_key": out.key(f"{card.label}-sign", sign_key),
        "revoked_at": revocation[0].isoformat() if revocation else None,
        "revocation_reason": revocation[1].value if revocation else None,
    }


def _seal(out: _Writer, ca: Authority, seal: DemoSeal, now: datetime.datetime) -> dict[str, Any]:
    certificate, key = issue_seal(
        ca,
        name=seal.name,
        name_ka=seal.name_ka,
        identifier=f"NTRGE-{seal.code}",
        key_type=seal.key_type,
        now=now,
    )
    return {
        "code": seal.code,
        "name": seal.name,
        "name_ka": seal.name_ka,
        "key_type": seal.key_type,
        "pin": seal.pin,
        "status": seal.status,
        "revoked_at": None,
        "revocation_reason": None,
        "cert": out.certificate(f"{layout.SEALS_DIR}/{seal.code}.pem", certificate),
        "key": out.key(f"seal-{seal.code}", key),
    }


def seal_authority(pki: TestPki) -> Authority:
    """The seal CA of an existing PKI, to issue more seals (agency seals) with."""
    key: Any = load_private_key(pki.key("seal-ca"))
    return Authority(key, load_certificate(pki.seal_ca), "seal-ca")


def issue_seal(
    ca: Authority,
    *,
    name: str,
    name_ka: str,
    identifier: str,
    key_type: KeyType,
    now: datetime.datetime,
) -> tuple[x509.Certificate, CertificateIssuerPrivateKeyTypes]:
    """A seal certificate: `C=GE, O=name, CN=name, organizationIdentifier=identifier`.

    KeyUsage nonRepudiation, qcStatements QcType eseal, the seal policy, AIA (OCSP of the
    seal CA, caIssuers) and the CRL distribution point.
    """
    key = new_key(key_type)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "GE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
            x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, identifier),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
        ]
    )
    georgian_name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, name_ka)])
    certificate = _issue(
        subject=subject,
        public_key=key.public_key(),
        issuer=ca,
        issuer_key=ca.key,
        validity=(now - YEAR, now + 3 * YEAR),
        extensions=[
            (x509.BasicConstraints(ca=False, path_length=None), True),
            (_key_usage(content_commitment=True), True),
            (x509.SubjectAlternativeName([x509.DirectoryName(georgian_name)]), False),
            (_policies(layout.POLICY_SEAL), False),
            (
                qc_statements(layout.QC_COMPLIANCE, layout.QC_SSCD, qc_type=layout.QC_TYPE_ESEAL),
                False,
            ),
            *_distribution(ca, ocsp_path=layout.SEAL_OCSP_PATH),
        ],
    )
    return certificate, key


def _issue(
    *,
    subject: x509.Name,
    public_key: CertificatePublicKeyTypes,
    issuer: Authority | None,
    issuer_key: CertificateIssuerPrivateKeyTypes,
    validity: tuple[datetime.datetime, datetime.datetime],
    extensions: ExtensionList,
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.certificate.subject if issuer else subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(validity[0])
        .not_valid_after(validity[1])
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(issuer_key, signature_hash(issuer_key))


def _distribution(
    ca: Authority, *, ocsp_path: str | None = None
) -> list[tuple[x509.ExtensionType, bool]]:
    """AIA (caIssuers, and OCSP for end entities) and the CRL distribution point of `ca`."""
    access = [
        x509.AccessDescription(
            AuthorityInformationAccessOID.CA_ISSUERS,
            x509.UniformResourceIdentifier(layout.BASE_URL + layout.ca_certificate_path(ca.name)),
        )
    ]
    if ocsp_path is not None:
        access.insert(
            0,
            x509.AccessDescription(
                AuthorityInformationAccessOID.OCSP,
                x509.UniformResourceIdentifier(layout.BASE_URL + ocsp_path),
            ),
        )
    crl_url = x509.UniformResourceIdentifier(layout.BASE_URL + layout.crl_path(ca.name))
    return [
        (x509.AuthorityInformationAccess(access), False),
        (
            x509.CRLDistributionPoints([x509.DistributionPoint([crl_url], None, None, None)]),
            False,
        ),
    ]


def _policies(policy: x509.ObjectIdentifier) -> x509.CertificatePolicies:
    return x509.CertificatePolicies([x509.PolicyInformation(policy, None)])


def qc_statements(*statements: str, qc_type: str | None = None) -> x509.UnrecognizedExtension:
    """ETSI EN 319 412-5 QCStatements: each statement id alone, then QcType with its type.

    QCStatements ::= SEQUENCE OF SEQUENCE { statementId OID, statementInfo ANY OPTIONAL }
    QcType ::= SEQUENCE OF OBJECT IDENTIFIER
    """
    encoded = [der.sequence(der.oid(statement)) for statement in statements]
    if qc_type is not None:
        encoded.append(der.sequence(der.oid(layout.QC_TYPE) + der.sequence(der.oid(qc_type))))
    return x509.UnrecognizedExtension(layout.QC_STATEMENTS, der.sequence(b"".join(encoded)))


def _key_usage(
    *,
    digital_signature: bool = False,
    content_commitment: bool = False,
    key_agreement: bool = False,
    key_cert_sign: bool = False,
    crl_sign: bool = False,
) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=content_commitment,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=key_agreement,
        key_cert_sign=key_cert_sign,
        crl_sign=crl_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _ca_name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "GE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC).replace(microsecond=0)


__all__ = ["KeyType", "ensure", "qc_statements"]
