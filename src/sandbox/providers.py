"""Georgian identifiers, places and transliteration for the synthetic population.

A Faker provider (`GeorgiaProvider`) makes single values; the population uses the same
builders through `IdentifierAllocator`, which also keeps every identifier unique.
Formats (sandbox conventions, documented in docs/demo-data.md):

- personal number (პირადი ნომერი), 11 digits: region code (2) + series (3, 001–059) +
  serial (6), e.g. `01008057492`;
- identification code (საიდენტიფიკაციო კოდი), 9 digits: registration office (3, first
  digit 2 before 2010 and 4 from 2010) + serial (6), e.g. `404123456`;
- plate (სახელმწიფო ნომერი): `AB-123-CD`;
- cadastral code (საკადასტრო კოდი): zone.sector.quarter.parcel.building, e.g.
  `01.18.02.012.034`, and `.01.005` (entrance and unit) more for an apartment;
- VIN: 17 characters with the ISO 3779 check digit in position 9.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, TypeVar

from faker.providers import BaseProvider

# The national system of romanisation (2002), without apostrophes, as in passports.
_ROMAN: Final = {
    "ა": "a", "ბ": "b", "გ": "g", "დ": "d", "ე": "e", "ვ": "v", "ზ": "z", "თ": "t",
    "ი": "i", "კ": "k", "ლ": "l", "მ": "m", "ნ": "n", "ო": "o", "პ": "p", "ჟ": "zh",
    "რ": "r", "ს": "s", "ტ": "t", "უ": "u", "ფ": "p", "ქ": "k", "ღ": "gh", "ყ": "q",
    "შ": "sh", "ჩ": "ch", "ც": "ts", "ძ": "dz", "წ": "ts", "ჭ": "ch", "ხ": "kh", "ჯ": "j",
    "ჰ": "h",
}  # fmt: skip
_ABBREVIATIONS: Final = {"ქ.": "St.", "გამზ.": "Ave.", "შეს.": "Ln.", "ჩიხი": "Dead End"}


T = TypeVar("T")


def pick(rng: random.Random, items: Sequence[T]) -> T:
    """A uniform choice (one C call, where `random.choice` makes several in Python)."""
    return items[int(rng.random() * len(items))]


def between(rng: random.Random, low: int, high: int) -> int:
    """A uniform integer from `low` to `high`, both included."""
    return low + int(rng.random() * (high - low + 1))


def below(rng: random.Random, start: int, stop: int | None = None) -> int:
    """A uniform integer in `range(start, stop)` (or `range(start)`)."""
    if stop is None:
        start, stop = 0, start
    return start + int(rng.random() * (stop - start))


def romanise(text: str) -> str:
    """Georgian text in Latin letters, each word capitalised (`გიორგი` → `Giorgi`)."""
    words = []
    for word in text.split(" "):
        if word in _ABBREVIATIONS:
            words.append(_ABBREVIATIONS[word])
            continue
        latin = "".join(_ROMAN.get(char, char) for char in word)
        words.append(latin[:1].upper() + latin[1:])
    return " ".join(words)


def genitive(name: str) -> str:
    """A Georgian place name in the genitive case (`ბათუმი` → `ბათუმის`, `მცხეთა` → `მცხეთის`)."""
    if name.endswith(("ი", "ა")):
        return name[:-1] + "ის"
    return name + "ს"


@dataclass(frozen=True, slots=True)
class Municipality:
    """A municipality (or Tbilisi) with the codes its identifiers start with."""

    ka: str
    en: str
    region_code: str  # first two digits of a personal number registered there
    cadastral_zone: str  # first group of a cadastral code
    office: str  # identification-code office for companies registered there (with 2/4)
    weight: int  # thousands of residents, roughly


MUNICIPALITIES: Final[tuple[Municipality, ...]] = (
    Municipality("თბილისი", "Tbilisi", "01", "01", "04", 1200),
    Municipality("ბათუმი", "Batumi", "61", "05", "45", 170),
    Municipality("ქუთაისი", "Kutaisi", "60", "03", "12", 130),
    Municipality("რუსთავი", "Rustavi", "35", "02", "16", 130),
    Municipality("გორი", "Gori", "59", "66", "18", 120),
    Municipality("ზუგდიდი", "Zugdidi", "19", "43", "27", 100),
    Municipality("მარნეული", "Marneuli", "24", "83", "39", 100),
    Municipality("ქობულეთი", "Kobuleti", "26", "20", "47", 70),
    Municipality("ოზურგეთი", "Ozurgeti", "33", "26", "37", 60),
    Municipality("თელავი", "Telavi", "41", "53", "30", 55),
    Municipality("ზესტაფონი", "Zestaponi", "43", "32", "14", 55),
    Municipality("გურჯაანი", "Gurjaani", "14", "50", "32", 55),
    Municipality("ხაშური", "Khashuri", "57", "69", "21", 50),
    Municipality("მცხეთა", "Mtskheta", "31", "72", "22", 50),
    Municipality("საგარეჯო", "Sagarejo", "54", "55", "31", 50),
    Municipality("სამტრედია", "Samtredia", "37", "38", "13", 45),
    Municipality("კასპი", "Kaspi", "20", "67", "19", 45),
    Municipality("ახალქალაქი", "Akhalkalaki", "07", "62", "23", 45),
    Municipality("ფოთი", "Poti", "42", "04", "15", 42),
    Municipality("სენაკი", "Senaki", "45", "44", "28", 40),
    Municipality("ჭიათურა", "Chiatura", "52", "35", "11", 40),
    Municipality("ლაგოდეხი", "Lagodekhi", "23", "56", "33", 40),
    Municipality("ახალციხე", "Akhaltsikhe", "08", "63", "24", 38),
    Municipality("დუშეთი", "Dusheti", "12", "73", "20", 25),
    Municipality("ბორჯომი", "Borjomi", "11", "64", "25", 25),
    Municipality("წალენჯიხა", "Tsalenjikha", "49", "45", "29", 25),
    Municipality("ტყიბული", "Tkibuli", "39", "34", "10", 20),
    Municipality("ამბროლაური", "Ambrolauri", "04", "86", "34", 10),
    Municipality("მესტია", "Mestia", "28", "46", "26", 9),
    Municipality("ყაზბეგი", "Kazbegi", "21", "74", "35", 4),
)
TBILISI: Final = 0  # index of Tbilisi in MUNICIPALITIES


@dataclass(frozen=True, slots=True)
class District:
    """A district (რაიონი) of Tbilisi."""

    ka: str
    en: str
    weight: int
    ka_genitive: str  # "ვაკის რაიონი" — the district of Vake


TBILISI_DISTRICTS: Final[tuple[District, ...]] = (
    District("მთაწმინდა", "Mtatsminda", 60, "მთაწმინდის"),
    District("ვაკე", "Vake", 120, "ვაკის"),
    District("საბურთალო", "Saburtalo", 150, "საბურთალოს"),
    District("კრწანისი", "Krtsanisi", 50, "კრწანისის"),
    District("ისანი", "Isani", 130, "ისნის"),
    District("სამგორი", "Samgori", 170, "სამგორის"),
    District("ჩუღურეთი", "Chughureti", 60, "ჩუღურეთის"),
    District("დიდუბე", "Didube", 70, "დიდუბის"),
    District("ნაძალადევი", "Nadzaladevi", 150, "ნაძალადევის"),
    District("გლდანი", "Gldani", 180, "გლდანის"),
)

PERSONAL_NUMBER_RE: Final = re.compile(r"\d{11}")
COMPANY_CODE_RE: Final = re.compile(r"[24]\d{8}")
PLATE_RE: Final = re.compile(r"[A-Z]{2}-\d{3}-[A-Z]{2}")
CADASTRAL_CODE_RE: Final = re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{3}\.\d{3}(\.\d{2}\.\d{3})?")
VIN_RE: Final = re.compile(r"[A-HJ-NPR-Z0-9]{17}")
_REGION_CODES: Final = frozenset(m.region_code for m in MUNICIPALITIES)
_PLATE_LETTERS: Final = "ABCDEFGHIJKLMNOPRSTUVWXZ"
_SERIES: Final = 59  # series 001–059 of personal numbers in a region
_SERIAL_SPACE: Final = 1_000_000


def is_personal_number(value: str) -> bool:
    """An 11-digit personal number with a known region code and a non-zero series."""
    return bool(
        PERSONAL_NUMBER_RE.fullmatch(value)
        and value[:2] in _REGION_CODES
        and 1 <= int(value[2:5]) <= _SERIES
    )


def is_company_code(value: str) -> bool:
    """A 9-digit identification code of a registration office (2xx or 4xx)."""
    return bool(COMPANY_CODE_RE.fullmatch(value))


def is_plate(value: str) -> bool:
    return bool(PLATE_RE.fullmatch(value)) and not set(value) & set("QY")


def is_cadastral_code(value: str) -> bool:
    return bool(CADASTRAL_CODE_RE.fullmatch(value))


_VIN_VALUES: Final = {
    **{str(digit): digit for digit in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS: Final = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_VIN_CHARS: Final = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
_VIN_YEARS: Final = "ABCDEFGHJKLMNPRSTVWXY123456789"  # model years 1980–2009, then again


def vin_check_digit(vin: str) -> str:
    total = sum(_VIN_VALUES[char] * weight for char, weight in zip(vin, _VIN_WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def is_vin(value: str) -> bool:
    return bool(VIN_RE.fullmatch(value)) and vin_check_digit(value) == value[8]


def make_vin(rng: random.Random, wmi: str, year: int, serial: int) -> str:
    """A VIN with the manufacturer's prefix, model year, a unique serial and a check digit."""
    descriptor = "".join(pick(rng, _VIN_CHARS) for _ in range(5))
    year_code = _VIN_YEARS[(year - 1980) % len(_VIN_YEARS)]
    plant = pick(rng, _VIN_CHARS)
    draft = f"{wmi}{descriptor}0{year_code}{plant}{serial % 1_000_000:06d}"
    return draft[:8] + vin_check_digit(draft) + draft[9:]


class IdentifierAllocator:
    """Unique identifiers in the formats above, from one random stream.

    Personal numbers and identification codes walk an affine permutation of their serial
    space per region (unique without remembering them); plates and cadastral codes are
    drawn at random and redrawn on a collision. `reserved` holds the demo identifiers.
    """

    def __init__(self, rng: random.Random, reserved: set[str]) -> None:
        self._rng = rng
        self._reserved = reserved
        self._counters: dict[str, int] = {}
        self._steps: dict[str, tuple[int, int]] = {}
        self._taken: set[str] = set()

    def _next(self, key: str, space: int) -> int:
        if key not in self._steps:
            step = below(self._rng, space // 3, space) | 1
            while step % 5 == 0:
                step += 2
            self._steps[key] = (step, below(self._rng, space))
        step, offset = self._steps[key]
        count = self._counters.get(key, 0)
        self._counters[key] = count + 1
        return (step * count + offset) % space

    def personal_number(self, municipality: Municipality) -> str:
        while True:
            value = self._next("pn" + municipality.region_code, _SERIES * _SERIAL_SPACE)
            number = f"{municipality.region_code}{1 + value // _SERIAL_SPACE:03d}"
            number += f"{value % _SERIAL_SPACE:06d}"
            if number not in self._reserved:
                return number

    def company_code(self, municipality: Municipality, year: int) -> str:
        office = ("2" if year < 2010 else "4") + municipality.office
        while True:
            code = f"{office}{self._next('co' + office, _SERIAL_SPACE):06d}"
            if code not in self._reserved:
                return code

    def plate(self) -> str:
        return self._unique(lambda: plate(self._rng))

    def cadastral_code(self, municipality: Municipality) -> str:
        return self._unique(lambda: cadastral_code(self._rng, municipality.cadastral_zone))

    def _unique(self, make: Callable[[], str]) -> str:
        while True:
            value = make()
            if value not in self._taken and value not in self._reserved:
                self._taken.add(value)
                return value


def plate(rng: random.Random) -> str:
    letters = _PLATE_LETTERS
    return (
        f"{pick(rng, letters)}{pick(rng, letters)}-{below(rng, 1000):03d}-"
        f"{pick(rng, letters)}{pick(rng, letters)}"
    )


def cadastral_code(rng: random.Random, zone: str) -> str:
    return (
        f"{zone}.{between(rng, 1, 35):02d}.{between(rng, 1, 25):02d}."
        f"{between(rng, 1, 250):03d}.{between(rng, 1, 80):03d}"
    )


class GeorgiaProvider(BaseProvider):
    """Faker provider: `fake.personal_number()`, `company_code()`, `georgian_plate()`, …

    Single values for ad-hoc use; they are well formed but not guaranteed unique.
    """

    def personal_number(self) -> str:
        municipality = self.random_element(MUNICIPALITIES)
        series = self.random_int(1, _SERIES)
        return f"{municipality.region_code}{series:03d}{self.random_int(0, 999_999):06d}"

    def company_code(self) -> str:
        municipality = self.random_element(MUNICIPALITIES)
        return f"{self.random_element('24')}{municipality.office}{self.random_int(0, 999_999):06d}"

    def georgian_plate(self) -> str:
        return plate(self.generator.random)

    def cadastral_code(self) -> str:
        zone = self.random_element(MUNICIPALITIES).cadastral_zone
        return cadastral_code(self.generator.random, zone)

    def vin(self) -> str:
        year = self.random_int(1995, 2025)
        return make_vin(self.generator.random, "JTD", year, self.random_int(0, 999_999))
