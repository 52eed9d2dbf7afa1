"""Where a PKI folder keeps its files (`ca.crt`, `<party>.crt`, `<party>.key`)."""

from __future__ import annotations

from pathlib import Path
from typing import Final

CA_CERT: Final = "ca.crt"
CA_KEY: Final = "ca.key"


def cert_path(directory: Path, party: str) -> Path:
    return directory / f"{party}.crt"


def key_path(directory: Path, party: str) -> Path:
    return directory / f"{party}.key"
