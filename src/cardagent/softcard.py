"""Soft cards: a demo ID card as one file, `<label>.card`, for machines without SoftHSM2.

The file is JSON: the two certificates in the clear, each private key (PKCS#8 DER) encrypted
with AES-256-GCM under a key derived from the PIN with scrypt, and the tries counter. A wrong
PIN fails the GCM tag, so the PIN is really needed to sign. This is a demo, not a smart card:
anyone who copies the file can try all 10 000 four-digit PINs offline, and can reset the
counter by editing the file. The agent counts tries honestly; the file cannot enforce it.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from .cards import (
    MAX_PIN_TRIES,
    Algorithm,
    Card,
    CardReader,
    KeySlot,
    PinCounter,
    PinRejected,
    write_atomically,
)

FORMAT = "onewindow-softcard/1"
SUFFIX = ".card"
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def _pin_key(pin: str, salt: bytes) -> bytes:
    kdf = Scrypt(salt=salt, length=32, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return kdf.derive(pin.encode("utf-8"))


def _aad(label: str, slot: KeySlot) -> bytes:
    return f"{FORMAT}|{label}|{slot.label}".encode()


def write_soft_card(
    path: Path,
    *,
    label: str,
    pin: str,
    keys: dict[KeySlot, tuple[x509.Certificate, bytes]],
) -> None:
    """Write a soft card; `keys` maps a slot to its certificate and PKCS#8 DER private key."""
    salt = os.urandom(16)
    pin_key = AESGCM(_pin_key(pin, salt))
    content: dict[str, Any] = {
        "format": FORMAT,
        "label": label,
        "kdf": {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "salt": _b64(salt)},
        "tries_left": MAX_PIN_TRIES,
        "keys": {},
    }
    for slot, (certificate, private_der) in keys.items():
        nonce = os.urandom(12)
        content["keys"][slot.label] = {
            "certificate": _b64(certificate.public_bytes(serialization.Encoding.DER)),
            "nonce": _b64(nonce),
            "private_key": _b64(pin_key.encrypt(nonce, private_der, _aad(label, slot))),
        }
    write_atomically(path, json.dumps(content, indent=1).encode())


class SoftCardCounter(PinCounter):
    """The tries counter inside the card file."""

    def __init__(self, path: Path) -> None:
        super().__init__(path.with_name(path.name + ".lock"))
        self.path = path

    def read(self) -> int:
        tries = json.loads(self.path.read_text())["tries_left"]
        return max(0, min(MAX_PIN_TRIES, int(tries)))

    def write(self, tries_left: int) -> None:
        content = json.loads(self.path.read_text())
        content["tries_left"] = tries_left
        write_atomically(self.path, json.dumps(content, indent=1).encode())


class SoftCard(Card):
    def __init__(self, path: Path) -> None:
        self.path = path
        content = json.loads(path.read_text())
        if content.get("format") != FORMAT:
            raise ValueError(f"{path.name} is not a soft card")
        self.label = str(content["label"])
        self._keys: dict[str, dict[str, str]] = content["keys"]
        self._kdf: dict[str, Any] = content["kdf"]
        self.counter = SoftCardCounter(path)

    def certificate(self, slot: KeySlot) -> x509.Certificate:
        return x509.load_der_x509_certificate(_unb64(self._keys[slot.label]["certificate"]))

    def _sign_digest(self, slot: KeySlot, pin: str, digest: bytes, algorithm: Algorithm) -> bytes:
        entry = self._keys[slot.label]
        salt = _unb64(self._kdf["salt"])
        kdf = Scrypt(
            salt=salt,
            length=32,
            n=int(self._kdf["n"]),
            r=int(self._kdf["r"]),
            p=int(self._kdf["p"]),
        )
        try:
            private_der = AESGCM(kdf.derive(pin.encode("utf-8"))).decrypt(
                _unb64(entry["nonce"]), _unb64(entry["private_key"]), _aad(self.label, slot)
            )
        except InvalidTag:
            raise PinRejected from None
        key = serialization.load_der_private_key(private_der, password=None)
        prehashed = utils.Prehashed(algorithm.hash)
        if isinstance(key, rsa.RSAPrivateKey):
            return key.sign(digest, padding.PKCS1v15(), prehashed)
        if isinstance(key, ec.EllipticCurvePrivateKey):
            r, s = utils.decode_dss_signature(key.sign(digest, ec.ECDSA(prehashed)))
            size = (key.curve.key_size + 7) // 8
            return r.to_bytes(size, "big") + s.to_bytes(size, "big")
        raise PinRejected  # pragma: no cover - provisioning writes only RSA and EC keys


class SoftCardReader(CardReader):
    """Every `*.card` file in a folder is a card in its own reader."""

    def __init__(self, directory: Path, only: frozenset[str] | None = None) -> None:
        self.directory = directory
        self.only = only

    def cards(self) -> list[Card]:
        found: list[Card] = []
        for path in sorted(self.directory.glob(f"*{SUFFIX}")):
            card = SoftCard(path)
            if self.only is None or card.label in self.only:
                found.append(card)
        return found
