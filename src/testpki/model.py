"""A generated test PKI as read from its folder: paths, demo cards and seals."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from . import layout
from .demo import CardStatus, KeyType, SealStatus


class IncompletePki(Exception):
    """The folder holds no complete test PKI (run `python -m testpki init DIR`)."""


@dataclass(frozen=True)
class Card:
    """One demo ID card: its holder, PIN/PUK and the absolute paths of its keys and certs."""

    personal_number: str
    label: str
    pin: str
    puk: str
    key_type: KeyType
    status: CardStatus
    given_name: str
    surname: str
    given_name_ka: str
    surname_ka: str
    auth_cert: Path
    auth_key: Path
    sign_cert: Path
    sign_key: Path
    revoked_at: datetime.datetime | None
    revocation_reason: x509.ReasonFlags | None

    def auth_certificate(self) -> x509.Certificate:
        return load_certificate(self.auth_cert)

    def sign_certificate(self) -> x509.Certificate:
        return load_certificate(self.sign_cert)


@dataclass(frozen=True)
class Seal:
    """An organisation's seal certificate (organizationIdentifier NTRGE-<code>).

    Company seals carry the PIN of their seal device; agency seals (GOVGE-<code>, kept in
    the server's HSM) have none.
    """

    code: str
    name: str
    name_ka: str
    key_type: KeyType
    cert: Path
    key: Path
    pin: str | None = None
    status: SealStatus = "valid"
    revoked_at: datetime.datetime | None = None
    revocation_reason: x509.ReasonFlags | None = None

    def certificate(self) -> x509.Certificate:
        return load_certificate(self.cert)


@dataclass(frozen=True)
class TestPki:
    """The files of a test PKI folder (see docs/identity.md, "The test PKI")."""

    __test__ = False  # not a pytest test class, despite the name

    directory: Path
    root_ca: Path
    idcard_ca: Path
    ocsp_responder: Path
    tsa: Path
    seal_ca: Path
    idcard_crl: Path
    cards: tuple[Card, ...]
    seals: tuple[Seal, ...]
    generated_at: datetime.datetime

    def key(self, name: str) -> Path:
        """The private key of `root-ca`, `idcard-ca`, `ocsp-responder`, `tsa` or `seal-ca`."""
        return self.directory / layout.private_key_file(name)

    def card(self, label: str) -> Card:
        for card in self.cards:
            if card.label == label:
                return card
        raise KeyError(label)

    def card_of(self, personal_number: str, status: CardStatus = "valid") -> Card:
        for card in self.cards:
            if card.personal_number == personal_number and card.status == status:
                return card
        raise KeyError(f"{status} card of {personal_number}")

    def seal(self, code: str) -> Seal:
        for seal in self.seals:
            if seal.code == code:
                return seal
        raise KeyError(code)


def load_certificate(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def load_private_key(path: Path) -> PrivateKeyTypes:
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def load(directory: Path | str) -> TestPki:
    """Read a complete test PKI; raises `IncompletePki` if the folder does not hold one."""
    directory = Path(directory)
    manifest = _read_json(directory / layout.MANIFEST)
    if not isinstance(manifest, dict) or not all(
        (directory / name).is_file() for name in manifest.get("files", [])
    ):
        raise IncompletePki(f"{directory} holds no complete test PKI.")
    if manifest.get("format", 1) < layout.FORMAT:
        raise IncompletePki(f"{directory} holds a test PKI made by an older version.")
    cards = _read_json(directory / layout.CARDS_JSON)
    seals = _read_json(directory / layout.SEALS_JSON)
    return TestPki(
        directory=directory,
        root_ca=directory / layout.ROOT_CA,
        idcard_ca=directory / layout.IDCARD_CA,
        ocsp_responder=directory / layout.OCSP_RESPONDER,
        tsa=directory / layout.TSA,
        seal_ca=directory / layout.SEAL_CA,
        idcard_crl=directory / layout.IDCARD_CRL,
        cards=tuple(_card(directory, entry) for entry in cards),
        seals=tuple(_seal(directory, entry) for entry in seals),
        generated_at=datetime.datetime.fromisoformat(manifest["generated_at"]),
    )


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise IncompletePki(f"{path} cannot be read: {error}") from error


def _card(directory: Path, entry: dict[str, Any]) -> Card:
    revoked_at = entry.get("revoked_at")
    reason = entry.get("revocation_reason")
    return Card(
        personal_number=entry["personal_number"],
        label=entry["label"],
        pin=entry["pin"],
        puk=entry["puk"],
        key_type=entry["key_type"],
        status=entry["status"],
        given_name=entry["given_name"],
        surname=entry["surname"],
        given_name_ka=entry["given_name_ka"],
        surname_ka=entry["surname_ka"],
        auth_cert=directory / entry["auth_cert"],
        auth_key=directory / entry["auth_key"],
        sign_cert=directory / entry["sign_cert"],
        sign_key=directory / entry["sign_key"],
        revoked_at=datetime.datetime.fromisoformat(revoked_at) if revoked_at else None,
        revocation_reason=x509.ReasonFlags(reason) if reason else None,
    )


def _seal(directory: Path, entry: dict[str, Any]) -> Seal:
    revoked_at = entry.get("revoked_at")
    reason = entry.get("revocation_reason")
    return Seal(
        code=entry["code"],
        name=entry["name"],
        name_ka=entry["name_ka"],
        key_type=entry["key_type"],
        cert=directory / entry["cert"],
        key=directory / entry["key"],
        pin=entry.get("pin"),
        status=entry.get("status", "valid"),
        revoked_at=datetime.datetime.fromisoformat(revoked_at) if revoked_at else None,
        revocation_reason=x509.ReasonFlags(reason) if reason else None,
    )


def load_agency_seals(directory: Path | str) -> tuple[Seal, ...]:
    """The agency seals issued into the PKI folder (`agency-seals.json`), none if not yet."""
    path = Path(directory) / layout.AGENCY_SEALS_JSON
    if not path.is_file():
        return ()
    return tuple(_seal(Path(directory), entry) for entry in _read_json(path))
