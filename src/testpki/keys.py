"""Key generation and storage (private keys readable by their owner only)."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificateIssuerPrivateKeyTypes,
    PrivateKeyTypes,
)

from .demo import KeyType

_CURVES: dict[str, type[ec.EllipticCurve]] = {"ec-p256": ec.SECP256R1, "ec-p384": ec.SECP384R1}


def new_key(key_type: KeyType) -> rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey:
    if key_type == "rsa2048":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(_CURVES[key_type]())


def signature_hash(key: CertificateIssuerPrivateKeyTypes) -> hashes.SHA256 | hashes.SHA384:
    """The hash to sign with: SHA-384 for P-384 keys, SHA-256 otherwise."""
    if isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.key_size >= 384:
        return hashes.SHA384()
    return hashes.SHA256()


def write_private_key(path: Path, key: PrivateKeyTypes) -> None:
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        os.fchmod(file.fileno(), 0o600)
        file.write(pem)
