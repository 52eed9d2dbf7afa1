"""Agency seal certificates (`python -m testpki agency-seals DIR --agencies FILE.json`).

One seal per agency, issued by the PKI's seal CA with `organizationIdentifier=GOVGE-<code>`.
Idempotent: a seal that is still issued by the current seal CA for the same names is kept
(its key is in the server's HSM already); a changed or new agency gets a new seal. An agency
marked `"status": "revoked"` keeps its certificate, which the OCSP responder and the seal
CA's CRL then report revoked, as a real CA would.
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization

from . import layout
from .demo import KeyType
from .generate import issue_seal, locked, seal_authority
from .keys import write_private_key
from .model import Seal, load, load_agency_seals

AGENCY_KEY_TYPE: Final[KeyType] = "rsa2048"
STATUSES: Final = ("valid", "revoked")


class BadAgencies(ValueError):
    """The agencies file is not a list of `{"code", "name", "name_ka"[, "status"]}`."""


def read_agencies(path: Path) -> list[dict[str, str]]:
    """The agencies file, checked: codes are short slugs, names are non-empty text."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BadAgencies(f"{path} cannot be read: {error}") from error
    if not isinstance(entries, list):
        raise BadAgencies(f"{path} must hold a JSON list")
    agencies: list[dict[str, str]] = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise BadAgencies(f"{path}: every agency is an object")
        code, name, name_ka = entry.get("code"), entry.get("name"), entry.get("name_ka")
        status = entry.get("status", "valid")
        if not (isinstance(code, str) and code.replace("-", "").isalnum() and len(code) <= 40):
            raise BadAgencies(f"{path}: bad agency code {code!r}")
        if not (isinstance(name, str) and name and isinstance(name_ka, str) and name_ka):
            raise BadAgencies(f"{path}: agency {code} needs a name and a name_ka")
        if status not in STATUSES:
            raise BadAgencies(f"{path}: agency {code} has an unknown status {status!r}")
        agencies.append({"code": code, "name": name, "name_ka": name_ka, "status": status})
    if len({agency["code"] for agency in agencies}) != len(agencies):
        raise BadAgencies(f"{path}: agency codes repeat")
    return agencies


def issue_agency_seals(
    directory: Path | str, agencies: Sequence[Mapping[str, str]], *, now: datetime.datetime
) -> tuple[Seal, ...]:
    """Make `DIR/agency-seals.json` describe exactly `agencies`, issuing only what is new."""
    directory = Path(directory)
    pki = load(directory)
    with locked(directory):
        ca = seal_authority(pki)
        existing = {seal.code: seal for seal in load_agency_seals(directory)}
        (directory / layout.AGENCY_SEALS_DIR).mkdir(mode=0o755, exist_ok=True)
        entries = [
            _entry(directory, ca, agency, existing.get(agency["code"]), now) for agency in agencies
        ]
        for code in set(existing) - {agency["code"] for agency in agencies}:
            (directory / f"{layout.AGENCY_SEALS_DIR}/{code}.pem").unlink(missing_ok=True)
            (directory / layout.private_key_file(layout.agency_seal_key(code))).unlink(
                missing_ok=True
            )
        text = json.dumps(entries, ensure_ascii=False, indent=2) + "\n"
        temporary = directory / f".{layout.AGENCY_SEALS_JSON}.{os.getpid()}.tmp"
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, directory / layout.AGENCY_SEALS_JSON)
    return load_agency_seals(directory)


def _entry(
    directory: Path,
    ca: Any,
    agency: Mapping[str, str],
    old: Seal | None,
    now: datetime.datetime,
) -> dict[str, Any]:
    code = agency["code"]
    status = agency.get("status", "valid")
    cert_file = f"{layout.AGENCY_SEALS_DIR}/{code}.pem"
    key_file = layout.private_key_file(layout.agency_seal_key(code))
    revoked_at: str | None = None
    if old is not None and _still_good(old, ca.certificate, agency):
        if status == "revoked":
            revoked_at = (old.revoked_at or now).isoformat()
    else:
        certificate, key = issue_seal(
            ca,
            name=agency["name"],
            name_ka=agency["name_ka"],
            identifier=f"GOVGE-{code}",
            key_type=AGENCY_KEY_TYPE,
            now=now,
        )
        write_private_key(directory / key_file, key)
        (directory / cert_file).write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        revoked_at = now.isoformat() if status == "revoked" else None
    return {
        "code": code,
        "name": agency["name"],
        "name_ka": agency["name_ka"],
        "key_type": AGENCY_KEY_TYPE,
        "status": status,
        "revoked_at": revoked_at,
        "revocation_reason": x509.ReasonFlags.key_compromise.value if revoked_at else None,
        "cert": cert_file,
        "key": key_file,
    }


def _still_good(old: Seal, ca: x509.Certificate, agency: Mapping[str, str]) -> bool:
    """The old seal is for the same names, issued by this seal CA, and its files are there."""
    if old.name != agency["name"] or old.name_ka != agency["name_ka"]:
        return False
    if not (old.cert.is_file() and old.key.is_file()):
        return False
    try:
        old.certificate().verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature):  # a seal of an earlier seal CA
        return False
    return True
