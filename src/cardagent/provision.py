"""`provision`: turn the test PKI's `cards.json` into demo cards in a cards folder.

With SoftHSM2, each card is a token labelled like the card (user PIN = pin, SO PIN = puk)
holding the auth key and certificate (CKA_ID 01) and the signing ones (CKA_ID 02), the keys
private, sensitive, non-extractable and sign-only. Without it, each card is a soft-card file.
Each company seal of `seals.json` becomes a seal device the same way: a token (or soft-card
file) `seal-<code>` with its PIN and one key (CKA_ID 02, label "sign").
A manifest records what was provisioned from which `cards.json` and `seals.json`, so
re-running is a no-op.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from .cards import SEAL_PREFIX, KeySlot
from .pkcs11card import SOFTHSM_MODULE
from .softcard import SUFFIX, write_soft_card
from .tokenobjects import certificate_template, private_key_template

MANIFEST = "cards-manifest.json"
SOFTHSM_CONF = "softhsm2.conf"
TOKEN_DIR = "tokens"  # noqa: S105 - a folder name
CA_DIR = "ca"


@dataclass(frozen=True)
class CardSpec:
    label: str
    pin: str
    puk: str
    keys: dict[KeySlot, tuple[x509.Certificate, Any]]


def softhsm_available() -> bool:
    return shutil.which("softhsm2-util") is not None and SOFTHSM_MODULE.is_file()


def read_cards(pki_dir: Path) -> list[CardSpec]:
    entries = json.loads((pki_dir / "cards.json").read_text())
    specs: list[CardSpec] = []
    for entry in entries:
        keys: dict[KeySlot, tuple[x509.Certificate, Any]] = {}
        for slot in KeySlot:
            certificate = x509.load_pem_x509_certificate(
                (pki_dir / entry[f"{slot.label}_cert"]).read_bytes()
            )
            key = serialization.load_pem_private_key(
                (pki_dir / entry[f"{slot.label}_key"]).read_bytes(), password=None
            )
            keys[slot] = (certificate, key)
        specs.append(CardSpec(str(entry["label"]), str(entry["pin"]), str(entry["puk"]), keys))
    return specs


def read_seals(pki_dir: Path) -> list[CardSpec]:
    """The company seal devices: every `seals.json` entry with a PIN (older PKIs have none)."""
    path = pki_dir / "seals.json"
    if not path.is_file():
        return []
    specs: list[CardSpec] = []
    for entry in json.loads(path.read_text()):
        if not entry.get("pin"):
            continue
        certificate = x509.load_pem_x509_certificate((pki_dir / entry["cert"]).read_bytes())
        key = serialization.load_pem_private_key(
            (pki_dir / entry["key"]).read_bytes(), password=None
        )
        pin = str(entry["pin"])
        # The SO PIN of a demo seal device: nobody needs it, SoftHSM2 does.
        specs.append(
            CardSpec(
                f"{SEAL_PREFIX}{entry['code']}", pin, pin * 2, {KeySlot.SIGN: (certificate, key)}
            )
        )
    return specs


def _fingerprint(pki_dir: Path) -> str:
    digest = hashlib.sha256((pki_dir / "cards.json").read_bytes())
    if (pki_dir / "seals.json").is_file():
        digest.update(b"\0" + (pki_dir / "seals.json").read_bytes())
    return digest.hexdigest()


def provision(
    pki_dir: Path, cards_dir: Path, *, use_softhsm: bool | None = None, force: bool = False
) -> str:
    """Provision every card; returns "softhsm" or "softcard" (what the folder now holds)."""
    if use_softhsm is None:
        use_softhsm = softhsm_available()
    kind = "softhsm" if use_softhsm else "softcard"
    fingerprint = _fingerprint(pki_dir)
    manifest_path = cards_dir / MANIFEST
    if not force and manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("kind") == kind and manifest.get("cards_json_sha256") == fingerprint:
            return kind
    specs = read_cards(pki_dir) + read_seals(pki_dir)
    _clear(cards_dir)
    cards_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(cards_dir, 0o700)
    if use_softhsm:
        _provision_softhsm(cards_dir, specs)
    else:
        for spec in specs:
            write_soft_card(
                cards_dir / f"{spec.label}{SUFFIX}",
                label=spec.label,
                pin=spec.pin,
                keys={slot: (cert, _pkcs8(key)) for slot, (cert, key) in spec.keys.items()},
            )
    ca_dir = cards_dir / CA_DIR
    ca_dir.mkdir(exist_ok=True)
    for name in ("idcard-ca.pem", "seal-ca.pem", "root-ca.pem"):
        if (pki_dir / name).is_file():
            shutil.copyfile(pki_dir / name, ca_dir / name)
    manifest = {
        "kind": kind,
        "cards_json_sha256": fingerprint,
        "labels": [spec.label for spec in specs],
    }
    manifest_path.write_text(json.dumps(manifest, indent=1) + "\n")
    return kind


def _clear(cards_dir: Path) -> None:
    if not cards_dir.exists():
        return
    for name in (MANIFEST, SOFTHSM_CONF):
        (cards_dir / name).unlink(missing_ok=True)
    for pattern in (f"*{SUFFIX}", f"*{SUFFIX}.lock", "*.pin-tries", "*.pin-tries.lock"):
        for path in cards_dir.glob(pattern):
            path.unlink()
    for name in (TOKEN_DIR, CA_DIR):
        shutil.rmtree(cards_dir / name, ignore_errors=True)


def _pkcs8(key: Any) -> bytes:
    der: bytes = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return der


def write_softhsm_conf(cards_dir: Path) -> Path:
    token_dir = (cards_dir / TOKEN_DIR).resolve()
    token_dir.mkdir(parents=True, exist_ok=True)
    conf = cards_dir / SOFTHSM_CONF
    conf.write_text(
        f"directories.tokendir = {token_dir}\n"
        "objectstore.backend = file\n"
        "log.level = ERROR\n"
        "slots.removable = false\n"
    )
    return conf


def _provision_softhsm(cards_dir: Path, specs: list[CardSpec]) -> None:
    from .pkcs11card import load_module

    conf = write_softhsm_conf(cards_dir)
    environment = {**os.environ, "SOFTHSM2_CONF": str(conf.resolve())}
    program = shutil.which("softhsm2-util") or "softhsm2-util"
    for spec in specs:
        subprocess.run(  # noqa: S603 - a fixed program; arguments from our own cards.json
            [
                program, "--init-token", "--free", "--label", spec.label,
                "--so-pin", spec.puk, "--pin", spec.pin,
            ],
            env=environment, check=True, capture_output=True,
        )  # fmt: skip
    library = load_module(SOFTHSM_MODULE, conf.resolve())
    for spec in specs:
        token = library.get_token(token_label=spec.label)
        with token.open(rw=True, user_pin=spec.pin) as session:
            for slot, (certificate, key) in spec.keys.items():
                object_id, label = slot.object_id, slot.label
                session.create_object(private_key_template(key, object_id=object_id, label=label))
                session.create_object(
                    certificate_template(certificate, object_id=object_id, label=label)
                )
