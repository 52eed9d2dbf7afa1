"""Keys and trust: a party's own private key, and the certificates of its peers."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.x509.oid import NameOID

from .errors import ProtocolRefusal
from .layout import CA_CERT, key_path


def load_private_key(directory: Path, party: str) -> Ed25519PrivateKey:
    """The party's signing key, `<party>.key` in the PKI folder."""
    key = serialization.load_pem_private_key(key_path(directory, party).read_bytes(), None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"The key of {party!r} is not an Ed25519 key.")
    return key


@dataclass(frozen=True)
class _Peer:
    certificate: x509.Certificate
    problem: str  # why it is not trusted; empty when the exchange CA issued it


class TrustStore:
    """The exchange CA and the certificates of the parties one trusts (key id = party id)."""

    def __init__(self, ca: x509.Certificate, peers: dict[str, _Peer]) -> None:
        self._ca = ca
        self._peers = peers

    @classmethod
    def load(cls, directory: Path) -> TrustStore:
        """The CA certificate (`ca.crt`) and every party certificate (`<party>.crt`) there."""
        ca = x509.load_pem_x509_certificate((directory / CA_CERT).read_bytes())
        peers: dict[str, _Peer] = {}
        for path in sorted(directory.glob("*.crt")):
            if path.name == CA_CERT:
                continue
            try:
                certificate = x509.load_pem_x509_certificate(path.read_bytes())
            except ValueError:
                continue
            peers[path.stem] = _Peer(certificate, _untrusted_because(certificate, path.stem, ca))
        return cls(ca, peers)

    @property
    def parties(self) -> list[str]:
        """The parties with a certificate the exchange CA issued."""
        return sorted(party for party, peer in self._peers.items() if not peer.problem)

    def public_key(self, party: str) -> Ed25519PublicKey:
        """The party's verification key; refuses an unknown party or an invalid certificate."""
        peer = self._peers.get(party)
        if peer is None:
            raise ProtocolRefusal("unknown-client", 401, f"No certificate for {party!r}.")
        if peer.problem:
            raise ProtocolRefusal("unknown-client", 401, peer.problem)
        now = datetime.datetime.now(datetime.UTC)
        certificate = peer.certificate
        if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
            raise ProtocolRefusal(
                "unknown-client", 401, f"The certificate of {party!r} is not valid now."
            )
        if not self._ca.not_valid_before_utc <= now <= self._ca.not_valid_after_utc:
            raise ProtocolRefusal("unknown-client", 401, "The exchange CA is not valid now.")
        key = certificate.public_key()
        if not isinstance(key, Ed25519PublicKey):  # checked at load; keeps the type exact
            raise ProtocolRefusal("unknown-client", 401, f"{party!r} has no Ed25519 key.")
        return key


def _untrusted_because(certificate: x509.Certificate, party: str, ca: x509.Certificate) -> str:
    try:
        certificate.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature):
        return f"The certificate of {party!r} was not issued by the exchange CA."
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if [name.value for name in names] != [party]:
        return f"The certificate in {party}.crt is not issued to {party!r}."
    if not isinstance(certificate.public_key(), Ed25519PublicKey):
        return f"The certificate of {party!r} does not hold an Ed25519 key."
    try:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
    except x509.ExtensionNotFound:
        return ""
    return f"The certificate of {party!r} is a CA certificate." if constraints.value.ca else ""
