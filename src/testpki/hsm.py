"""The server's seal HSM (`python -m testpki hsm DIR --into var/hsm`): one SoftHSM2 token.

The token `agency-seals` holds every agency seal's key and certificate (CKA_LABEL and CKA_ID
from the agency code). Keys are imported private, sensitive, non-extractable and sign-only,
so after the import the portal can only ask the token to sign. The folder gets its own
`softhsm2.conf`, `tokens/`, and the user PIN in `pin` (mode 0600; production takes it from
the environment). Idempotent: a key whose certificate is already in the token is left alone.

SoftHSM2 reads SOFTHSM2_CONF once per process, so run this as its own process (the CLI).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from cryptography.hazmat.primitives import serialization

from cardagent.tokenobjects import certificate_template, private_key_template

from .model import Seal, load, load_agency_seals, load_private_key

TOKEN_LABEL: Final = "agency-seals"  # noqa: S105 - a label, not a secret
SOFTHSM_MODULE: Final = Path("/usr/lib/softhsm/libsofthsm2.so")
CONF: Final = "softhsm2.conf"
TOKENS: Final = "tokens"
PIN_FILE: Final = "pin"
SO_PIN_FILE: Final = "so-pin"


class HsmUnavailable(RuntimeError):
    """SoftHSM2 (softhsm2-util and its PKCS#11 module) is not installed."""


@dataclass(frozen=True)
class HsmReport:
    """What `build_hsm` did: the labels in the token, and which it imported this time."""

    conf: Path
    labels: tuple[str, ...]
    imported: tuple[str, ...]


def build_hsm(pki_dir: Path | str, into: Path | str) -> HsmReport:
    """Make the token hold exactly the PKI's agency seals (see the module docstring)."""
    program = shutil.which("softhsm2-util")
    if program is None or not SOFTHSM_MODULE.is_file():
        raise HsmUnavailable("SoftHSM2 is not installed (softhsm2-util, libsofthsm2.so)")
    load(pki_dir)  # a complete PKI, or IncompletePki
    seals = load_agency_seals(pki_dir)
    into = Path(into)
    into.mkdir(parents=True, exist_ok=True)
    os.chmod(into, 0o700)
    conf = _write_conf(into)
    environment = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    pin, pin_is_new = _secret(into / PIN_FILE, digits=8)
    so_pin, _ = _secret(into / SO_PIN_FILE, digits=12)
    present = _token_present(program, environment)
    if present and pin_is_new:  # a token whose PIN was lost: start again
        _run(program, ["--delete-token", "--token", TOKEN_LABEL], environment)
        present = False
    if not present:
        _run(
            program,
            ["--init-token", "--free", "--label", TOKEN_LABEL, "--so-pin", so_pin, "--pin", pin],
            environment,
        )
    os.environ["SOFTHSM2_CONF"] = str(conf)
    imported = _synchronise(pin, seals)
    return HsmReport(conf, tuple(seal.code for seal in seals), imported)


def _write_conf(into: Path) -> Path:
    tokens = (into / TOKENS).resolve()
    tokens.mkdir(mode=0o700, exist_ok=True)
    conf = (into / CONF).resolve()
    text = (
        f"directories.tokendir = {tokens}\n"
        "objectstore.backend = file\n"
        "log.level = ERROR\n"
        "slots.removable = false\n"
    )
    if not conf.is_file() or conf.read_text() != text:
        conf.write_text(text)
    return conf


def _secret(path: Path, *, digits: int) -> tuple[str, bool]:
    """The PIN kept in `path` (mode 0600), made now if missing; and whether it is new."""
    if path.is_file():
        value = path.read_text().strip()
        if re.fullmatch(r"\d{4,32}", value):
            return value, False
    value = "".join(secrets.choice("0123456789") for _ in range(digits))
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        os.fchmod(file.fileno(), 0o600)
        file.write(value + "\n")
    return value, True


def _run(program: str, arguments: list[str], environment: dict[str, str]) -> str:
    done = subprocess.run(  # noqa: S603 - a fixed program with our own arguments
        [program, *arguments], env=environment, check=True, capture_output=True, text=True
    )
    return done.stdout


def _token_present(program: str, environment: dict[str, str]) -> bool:
    slots = _run(program, ["--show-slots"], environment)
    return re.search(rf"Label:\s+{re.escape(TOKEN_LABEL)}\s*$", slots, re.MULTILINE) is not None


def _synchronise(pin: str, seals: tuple[Seal, ...]) -> tuple[str, ...]:
    import pkcs11
    from pkcs11 import Attribute, ObjectClass

    token = pkcs11.lib(str(SOFTHSM_MODULE)).get_token(token_label=TOKEN_LABEL)
    wanted = {seal.code: seal for seal in seals}
    imported: list[str] = []
    with token.open(rw=True, user_pin=pin) as session:
        present: dict[str, bytes] = {}
        for certificate in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
            present[str(certificate[Attribute.LABEL])] = bytes(certificate[Attribute.VALUE])
        keys = {
            str(key[Attribute.LABEL])
            for key in session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY})
        }
        for label in (set(present) | keys) - set(wanted):
            _destroy(session, label)
        for code, seal in wanted.items():
            der = seal.certificate().public_bytes(serialization.Encoding.DER)
            if present.get(code) == der and code in keys:
                continue
            _destroy(session, code)
            key = load_private_key(seal.key)
            object_id = code.encode("utf-8")
            session.create_object(private_key_template(key, object_id=object_id, label=code))
            session.create_object(
                certificate_template(seal.certificate(), object_id=object_id, label=code)
            )
            imported.append(code)
    return tuple(imported)


def _destroy(session: Any, label: str) -> None:
    from pkcs11 import Attribute

    for found in list(session.get_objects({Attribute.LABEL: label})):
        found.destroy()
