"""Cards behind a PKCS#11 module: SoftHSM2 demo tokens, or a real card's middleware.

Each initialised token is a card: CKA_ID 01 holds the authentication key and certificate,
CKA_ID 02 the signing ones. The agent signs a digest with the raw mechanisms a real card
offers (CKM_RSA_PKCS over a DigestInfo, CKM_ECDSA over the digest, which yields r‖s).

PIN tries: when the module reports CKF_USER_PIN_COUNT_LOW / FINAL_TRY / LOCKED, the card is
counting and the agent honours LOCKED. SoftHSM2 does not count wrong PINs at all, so the agent
also keeps a counter in `<label>.pin-tries` beside the token directory, as a card's chip would,
and refuses to log in once it reaches zero. That counter is only as strong as the file: it is
a demo of the behaviour, not a protection of the key.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pkcs11
from cryptography import x509
from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass, TokenFlag

from .cards import (
    MAX_PIN_TRIES,
    Algorithm,
    Card,
    CardReader,
    FilePinCounter,
    KeySlot,
    NoReader,
    PinBlocked,
    PinRejected,
)

SOFTHSM_MODULE = Path("/usr/lib/softhsm/libsofthsm2.so")
COUNTER_SUFFIX = ".pin-tries"

# DER DigestInfo prefixes (RFC 8017, section 9.2, note 1) for CKM_RSA_PKCS.
DIGEST_INFO_PREFIX = {
    "sha256": bytes.fromhex("3031300d060960864801650304020105000420"),
    "sha384": bytes.fromhex("3041300d060960864801650304020205000430"),
    "sha512": bytes.fromhex("3051300d060960864801650304020305000440"),
}


def load_module(module: Path, softhsm_conf: Path | None = None) -> Any:
    """Load a PKCS#11 module; `NoReader` when it is missing or does not initialise."""
    if softhsm_conf is not None:
        # SoftHSM2 reads its configuration when the module is initialised.
        os.environ["SOFTHSM2_CONF"] = str(softhsm_conf)
    if not module.is_file():
        raise NoReader(f"no PKCS#11 module at {module}")
    try:
        return pkcs11.lib(str(module))
    except pkcs11.PKCS11Error as error:
        raise NoReader(f"the PKCS#11 module did not load: {type(error).__name__}") from None


class Pkcs11Card(Card):
    def __init__(self, token: Any, counter_dir: Path) -> None:
        self._token = token
        self.label = str(token.label)
        self.counter = FilePinCounter(counter_dir / f"{self.label}{COUNTER_SUFFIX}")
        self._certificates: dict[KeySlot, x509.Certificate] = {}

    def certificate(self, slot: KeySlot) -> x509.Certificate:
        if slot not in self._certificates:
            with self._token.open() as session:
                objects = list(
                    session.get_objects(
                        {Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.ID: slot.object_id}
                    )
                )
                if not objects:
                    raise KeyError(f"no {slot.label} certificate on the card")
                value = bytes(objects[0][Attribute.VALUE])
            self._certificates[slot] = x509.load_der_x509_certificate(value)
        return self._certificates[slot]

    def reported_tries_left(self) -> int | None:
        flags = self._token.slot.get_token().flags
        if flags & TokenFlag.USER_PIN_LOCKED:
            return 0
        if flags & TokenFlag.USER_PIN_FINAL_TRY:
            return 1
        if flags & TokenFlag.USER_PIN_COUNT_LOW:
            return MAX_PIN_TRIES - 1
        return None

    def _sign_digest(self, slot: KeySlot, pin: str, digest: bytes, algorithm: Algorithm) -> bytes:
        try:
            session = self._token.open(user_pin=pin)
        except (pkcs11.PinIncorrect, pkcs11.PinInvalid, pkcs11.PinLenRange):
            raise PinRejected from None
        except pkcs11.PinLocked:
            raise PinBlocked("the card reports its PIN locked") from None
        with session:
            key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, id=slot.object_id)
            if key.key_type == KeyType.RSA:
                data = DIGEST_INFO_PREFIX[algorithm.hash.name] + digest
                return bytes(key.sign(data, mechanism=Mechanism.RSA_PKCS))
            return bytes(key.sign(digest, mechanism=Mechanism.ECDSA))


class Pkcs11Reader(CardReader):
    """The module's slots; a token that is not initialised is an empty reader."""

    def __init__(
        self,
        module: Path,
        counter_dir: Path,
        *,
        softhsm_conf: Path | None = None,
        only: frozenset[str] | None = None,
    ) -> None:
        self.module = module
        self.counter_dir = counter_dir
        self.softhsm_conf = softhsm_conf
        self.only = only

    def cards(self) -> list[Card]:
        library = load_module(self.module, self.softhsm_conf)
        found: list[Card] = []
        try:
            slots = library.get_slots(token_present=True)
        except pkcs11.PKCS11Error as error:
            raise NoReader(f"the PKCS#11 module failed: {type(error).__name__}") from None
        for slot in slots:
            try:
                token = slot.get_token()
            except (pkcs11.TokenNotPresent, pkcs11.TokenNotRecognised):
                continue
            if not token.flags & TokenFlag.TOKEN_INITIALIZED:
                continue
            if self.only is not None and token.label not in self.only:
                continue
            found.append(Pkcs11Card(token, self.counter_dir))
        return sorted(found, key=lambda card: card.label)
