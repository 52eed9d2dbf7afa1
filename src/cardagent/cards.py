"""One interface over every kind of card: readers, cards, their certificates, the PIN and its tries.

A `CardReader` lists the `Card`s present. A card answers its certificates without the PIN and
signs a digest with one of its keys after verifying the PIN. Three wrong PINs in a row block the
card and a right PIN resets the count; the counter is persisted by `PinCounter` so that a blocked
card stays blocked across restarts of the agent.
"""

from __future__ import annotations

import enum
import fcntl
import json
import os
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa

MAX_PIN_TRIES = 3
# A company's seal device is a token labelled `seal-<company code>` with one key (CKA_ID 02,
# label "sign"); every other token is an ID card.
SEAL_PREFIX = "seal-"
PIN_PATTERN = re.compile(r"\d{4,12}")


class KeySlot(enum.Enum):
    """The two keys of an ID card, by their PKCS#11 CKA_ID and label."""

    AUTH = (b"\x01", "auth")
    SIGN = (b"\x02", "sign")

    @property
    def object_id(self) -> bytes:
        return self.value[0]

    @property
    def label(self) -> str:
        return self.value[1]


class CardError(Exception):
    """A card problem the citizen is told about; `code` is the API's error code."""

    code = "card-error"


class NoReader(CardError):
    code = "no-reader"


class NoCard(CardError):
    code = "no-card"


class PinBlocked(CardError):
    code = "pin-blocked"


class WrongPin(CardError):
    code = "wrong-pin"

    def __init__(self, tries_left: int) -> None:
        super().__init__(f"wrong PIN, {tries_left} tries left")
        self.tries_left = tries_left


class PinRejected(Exception):
    """Raised by a backend when the card refused the PIN (the counter is the caller's)."""


@dataclass(frozen=True)
class Algorithm:
    """A Web eID signature algorithm: its JOSE name, hash and the signature's shape."""

    name: str
    hash: hashes.HashAlgorithm


def algorithm_for(certificate: x509.Certificate) -> Algorithm:
    """The algorithm Web eID uses with the certificate's key (raw r‖s for ECDSA)."""
    key = certificate.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return Algorithm("RS256", hashes.SHA256())
    if isinstance(key, ec.EllipticCurvePublicKey):
        by_curve: dict[str, Algorithm] = {
            "secp256r1": Algorithm("ES256", hashes.SHA256()),
            "secp384r1": Algorithm("ES384", hashes.SHA384()),
            "secp521r1": Algorithm("ES512", hashes.SHA512()),
        }
        if key.curve.name in by_curve:
            return by_curve[key.curve.name]
    raise CardError("unsupported key type")


class PinCounter(ABC):
    """How many PIN tries a card has left, kept where the card's chip would keep it."""

    def __init__(self, lock_path: Path) -> None:
        self._lock_path = lock_path

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Serialise PIN attempts across threads and processes sharing the card."""
        self._lock_path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock_path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @abstractmethod
    def read(self) -> int: ...

    @abstractmethod
    def write(self, tries_left: int) -> None: ...


class FilePinCounter(PinCounter):
    """A counter in a small JSON file of its own (beside a PKCS#11 token)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path.with_name(path.name + ".lock"))
        self.path = path

    def read(self) -> int:
        try:
            tries = json.loads(self.path.read_text())["tries_left"]
        except FileNotFoundError:
            return MAX_PIN_TRIES
        return max(0, min(MAX_PIN_TRIES, int(tries)))

    def write(self, tries_left: int) -> None:
        write_atomically(self.path, json.dumps({"tries_left": tries_left}).encode())


def write_atomically(path: Path, content: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(content)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


class Card(ABC):
    """An ID card in a reader."""

    label: str
    counter: PinCounter

    @property
    def is_seal(self) -> bool:
        """A company seal device rather than an ID card."""
        return self.label.startswith(SEAL_PREFIX)

    @abstractmethod
    def certificate(self, slot: KeySlot) -> x509.Certificate:
        """The certificate of a key; no PIN needed."""

    @abstractmethod
    def _sign_digest(self, slot: KeySlot, pin: str, digest: bytes, algorithm: Algorithm) -> bytes:
        """Log in with `pin` and sign; raise `PinRejected` if the card refuses the PIN."""

    def reported_tries_left(self) -> int | None:
        """What the card itself says about its PIN tries (PKCS#11 flags), if anything."""
        return None

    def reported_blocked(self) -> bool:
        return self.reported_tries_left() == 0

    def tries_left(self) -> int:
        reported = self.reported_tries_left()
        counted = self.counter.read()
        return counted if reported is None else min(counted, reported)

    def is_blocked(self) -> bool:
        return self.tries_left() <= 0

    def sign_digest(self, slot: KeySlot, pin: str, digest: bytes) -> tuple[Algorithm, bytes]:
        """Verify the PIN and sign a digest made with the slot's algorithm's hash.

        Returns the algorithm and the signature: PKCS#1 v1.5 for RSA, raw r‖s for ECDSA. This
        is how both sign-in (the auth key) and, later, document signing (the sign key) work.
        """
        if not PIN_PATTERN.fullmatch(pin):
            raise ValueError("the PIN must be 4 to 12 digits")
        algorithm = algorithm_for(self.certificate(slot))
        if len(digest) != algorithm.hash.digest_size:
            raise ValueError("the digest does not match the key's algorithm")
        with self.counter.locked():
            if self.is_blocked():
                raise PinBlocked("the PIN is blocked")
            try:
                signature = self._sign_digest(slot, pin, digest, algorithm)
            except PinRejected:
                self.counter.write(max(0, self.counter.read() - 1))
                left = self.tries_left()  # a counting card may know better than our file
                if left == 0:
                    raise PinBlocked("the PIN is blocked") from None
                raise WrongPin(left) from None
            if self.counter.read() != MAX_PIN_TRIES:
                self.counter.write(MAX_PIN_TRIES)
        return algorithm, signature


class CardReader(ABC):
    """Where cards are found: a PKCS#11 module's slots, or a folder of soft-card files."""

    @abstractmethod
    def cards(self) -> list[Card]:
        """The cards present; raises `NoReader` when the reader itself is missing."""
