"""The demo cards and organisation seals: who they are for, their key types, PINs and PUKs.

The persons and companies are the sandbox's fixed demo set (docs/demo-data.md). PINs and
PUKs are fixed so that people can try the demo from the documentation.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Final, Literal

from cryptography import x509

KeyType = Literal["rsa2048", "ec-p256", "ec-p384"]
CardStatus = Literal["valid", "revoked", "expired"]
SealStatus = Literal["valid", "revoked"]

YEAR: Final = datetime.timedelta(days=365)


@dataclass(frozen=True)
class DemoCard:
    personal_number: str
    label: str
    pin: str
    puk: str
    key_type: KeyType
    status: CardStatus
    given_name: str
    surname: str
    given_name_ka: str
    surname_ka: str

    def validity(self, now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
        """notBefore and notAfter of the card's certificates, relative to `now`."""
        if self.status == "expired":
            not_after = now - datetime.timedelta(days=30)
            return not_after - 5 * YEAR, not_after
        if self.status == "revoked":
            return now - 2 * YEAR, now + 3 * YEAR
        return now - YEAR, now + 4 * YEAR

    def revocation(
        self, now: datetime.datetime
    ) -> tuple[datetime.datetime, x509.ReasonFlags] | None:
        if self.status != "revoked":
            return None
        return now - datetime.timedelta(days=10), x509.ReasonFlags.key_compromise


@dataclass(frozen=True)
class DemoSeal:
    code: str  # identification code (საიდენტიფიკაციო კოდი) of the company
    name: str
    name_ka: str
    key_type: KeyType
    pin: str  # the seal device's PIN (4 digits)
    status: SealStatus = "valid"


def _card(
    personal_number: str,
    names: tuple[str, str, str, str],
    key_type: KeyType,
    pin: str,
    puk: str,
    status: CardStatus = "valid",
) -> DemoCard:
    given_name, surname, given_name_ka, surname_ka = names
    prefix = "card" if status == "valid" else status
    return DemoCard(
        personal_number=personal_number,
        label=f"{prefix}-{personal_number}",
        pin=pin,
        puk=puk,
        key_type=key_type,
        status=status,
        given_name=given_name,
        surname=surname,
        given_name_ka=given_name_ka,
        surname_ka=surname_ka,
    )


NINO: Final = ("NINO", "BERIDZE", "ნინო", "ბერიძე")
GIORGI: Final = ("GIORGI", "BERIDZE", "გიორგი", "ბერიძე")
MARIAM: Final = ("MARIAM", "BERIDZE", "მარიამ", "ბერიძე")
TAMAZ: Final = ("TAMAZ", "BERIDZE", "თამაზ", "ბერიძე")
LEVAN: Final = ("LEVAN", "KAPANADZE", "ლევან", "კაპანაძე")

DEMO_CARDS: Final[tuple[DemoCard, ...]] = (
    _card("01001012345", NINO, "ec-p384", "1234", "12345678"),
    _card("01008057492", GIORGI, "rsa2048", "2345", "23456789"),
    _card("01017033481", MARIAM, "ec-p256", "3456", "34567890"),
    _card("01024011122", TAMAZ, "rsa2048", "4567", "45678901"),
    _card("60001045678", LEVAN, "ec-p384", "5678", "56789012"),
    # Giorgi's previous card, revoked (key compromise) ten days before the PKI was made.
    _card("01008057492", GIORGI, "rsa2048", "6789", "67890123", status="revoked"),
    # Tamaz's previous card, expired thirty days before the PKI was made.
    _card("01024011122", TAMAZ, "rsa2048", "7890", "78901234", status="expired"),
)

DEMO_SEALS: Final[tuple[DemoSeal, ...]] = (
    DemoSeal(
        "404123456", "Beridze Construction LLC", "შპს „ბერიძე კონსტრაქშენი“", "rsa2048", "4040"
    ),
    DemoSeal(
        "404987654",
        "Georgian Digital Services JSC",
        "სს „ქართული ციფრული სერვისები“",
        "rsa2048",
        "4098",
    ),
)
