"""The portal's signing key and the certificates it trusts, read once per process."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from owexchange import TrustStore, load_private_key

from .errors import ExchangeNotConfigured


@dataclass(frozen=True)
class Credentials:
    client_id: str
    key: Ed25519PrivateKey
    trust: TrustStore


def portal_credentials() -> Credentials:
    """The key and trust store of EXCHANGE_PKI_DIR (cached per folder and client id)."""
    return _load(Path(settings.EXCHANGE_PKI_DIR), settings.EXCHANGE_CLIENT_ID)


@functools.cache
def _load(directory: Path, client_id: str) -> Credentials:
    try:
        return Credentials(
            client_id=client_id,
            key=load_private_key(directory, client_id),
            trust=TrustStore.load(directory),
        )
    except (OSError, ValueError) as error:
        raise ExchangeNotConfigured(
            f"The exchange's keys are missing or unreadable in {directory} ({error}). "
            "Create a test PKI with `manage.py exchange_keys`, or set EXCHANGE_PKI_DIR."
        ) from error


def credentials_forget() -> None:
    """Read the keys again on next use (after `exchange_keys`, or in tests)."""
    _load.cache_clear()
