"""The Web eID authentication token (`web-eid:1.0`) the agent returns to the portal."""

from __future__ import annotations

import base64
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization

from . import APP_VERSION_URL
from .cards import Card, KeySlot, algorithm_for

TOKEN_FORMAT = "web-eid:1.0"  # noqa: S105 - not a secret


def _digest(algorithm: hashes.HashAlgorithm, data: bytes) -> bytes:
    hasher = hashes.Hash(algorithm)
    hasher.update(data)
    return hasher.finalize()


def authentication_token(card: Card, *, pin: str, origin: str, nonce: str) -> dict[str, Any]:
    """Sign H(origin) ‖ H(nonce) with the card's authentication key (H: the algorithm's hash).

    Raises the card's errors (`WrongPin`, `PinBlocked`, …) unchanged.
    """
    certificate = card.certificate(KeySlot.AUTH)
    hash_algorithm = algorithm_for(certificate).hash
    signed_data = _digest(hash_algorithm, origin.encode("utf-8")) + _digest(
        hash_algorithm, nonce.encode("utf-8")
    )
    algorithm, signature = card.sign_digest(KeySlot.AUTH, pin, _digest(hash_algorithm, signed_data))
    return {
        "unverifiedCertificate": base64.b64encode(
            certificate.public_bytes(serialization.Encoding.DER)
        ).decode("ascii"),
        "algorithm": algorithm.name,
        "signature": base64.b64encode(signature).decode("ascii"),
        "format": TOKEN_FORMAT,
        "appVersion": APP_VERSION_URL,
    }
