"""The generated test PKI: an Ed25519 exchange CA and one key and certificate per party.

`python -m owexchange.pki --out var/pki [--party portal --party civil-registry …]` makes
what is missing and never overwrites: `ca.crt`/`ca.key` and `<party>.crt`/`<party>.key`
(PEM; keys readable by their owner only). Nothing here is for production use.
"""

from __future__ import annotations

import argparse
import datetime
import fcntl
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.x509.oid import NameOID

from .layout import CA_CERT, CA_KEY, cert_path, key_path
from .messages import PARTY_ID
from .parties import DEFAULT_PARTIES

CA_NAME: Final = "OneWindow Exchange Test CA"
VALIDITY: Final = datetime.timedelta(days=730)


def ensure_test_pki(directory: Path, parties: Iterable[str]) -> None:
    """Create the CA and each party's key and certificate unless they exist already."""
    wanted = list(dict.fromkeys(parties))
    for party in wanted:
        if party == "ca" or not PARTY_ID.fullmatch(party):
            raise ValueError(f"{party!r} is not a party id (lowercase letters, digits, '-').")
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    with _locked(directory):
        ca_key, ca_cert = _ensure_ca(directory)
        for party in wanted:
            if cert_path(directory, party).exists():
                continue
            key = _existing_or_new_key(key_path(directory, party))
            _write_public(
                cert_path(directory, party), _party_certificate(party, key, ca_key, ca_cert)
            )


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    # Parallel test workers and `make` targets may create the same PKI at once.
    with open(directory / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _ensure_ca(directory: Path) -> tuple[Ed25519PrivateKey, x509.Certificate]:
    cert_file, key_file = directory / CA_CERT, directory / CA_KEY
    if cert_file.exists():
        if not key_file.exists():
            raise FileNotFoundError(
                f"{cert_file} exists but {key_file} does not; new party certificates cannot "
                "be issued. Remove the folder to start a new test PKI."
            )
        ca_key = _read_key(key_file)
        return ca_key, x509.load_pem_x509_certificate(cert_file.read_bytes())
    ca_key = _existing_or_new_key(key_file)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME)])
    now = _now()
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .sign(private_key=ca_key, algorithm=None)
    )
    _write_public(cert_file, ca_cert)
    return ca_key, ca_cert


def _party_certificate(
    party: str, key: Ed25519PrivateKey, ca_key: Ed25519PrivateKey, ca_cert: x509.Certificate
) -> x509.Certificate:
    now = _now()
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, party)]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(ca=False), critical=True)
        .sign(private_key=ca_key, algorithm=None)
    )


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _existing_or_new_key(path: Path) -> Ed25519PrivateKey:
    if path.exists():
        return _read_key(path)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    return key


def _read_key(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key.")
    return key


def _write_public(path: Path, certificate: x509.Certificate) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(descriptor, "wb") as file:
        file.write(certificate.public_bytes(serialization.Encoding.PEM))


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC).replace(microsecond=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m owexchange.pki",
        description="Create the exchange's test PKI (idempotent; never overwrites a file).",
    )
    parser.add_argument("--out", type=Path, default=Path("var/pki"), help="Folder (var/pki).")
    parser.add_argument(
        "--party",
        action="append",
        dest="parties",
        metavar="ID",
        help="A party id; repeat for several. Default: the portal and the nine agencies.",
    )
    arguments = parser.parse_args(argv)
    parties = arguments.parties or list(DEFAULT_PARTIES)
    try:
        ensure_test_pki(arguments.out, parties)
    except (ValueError, FileNotFoundError) as error:
        sys.stderr.write(f"{error}\n")
        return 1
    sys.stdout.write(f"Test PKI in {arguments.out}: CA and {', '.join(parties)}.\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
