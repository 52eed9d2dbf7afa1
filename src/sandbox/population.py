"""The synthetic population every sandbox agency shares: persons, companies, cars, property.

`generate(seed=…, persons=…)` builds the core graph — people in families and households,
companies with partners and directors, vehicles, real estate with owners and mortgages,
pledges on shares — deterministically from the seed, then merges the fixed demo set
(`sandbox.demo`). Agencies derive their own records (fines, crossings, pensions …) from
this graph on demand (`sandbox.agencies`), so a large population stays compact.

`python -m sandbox.population --persons 200000 --measure` prints a JSON line with the
generation time and the process's peak memory.
"""

from __future__ import annotations

import argparse
import functools
import gc
import itertools
import json
import random
import resource
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Final, NamedTuple

from faker import Faker
from faker.providers.address.ka_GE import Provider as AddressNames
from faker.providers.person.ka_GE import Provider as PersonNames

from .providers import (
    MUNICIPALITIES,
    TBILISI,
    TBILISI_DISTRICTS,
    GeorgiaProvider,
    IdentifierAllocator,
    below,
    between,
    make_vin,
    pick,
    romanise,
)

# Every date in the data is relative to this day, not to the clock, so that a seed
# always gives the same population.
REFERENCE_DATE: Final = date(2026, 11, 1)
DEFAULT_PERSONS: Final = 2000
DEFAULT_SEED: Final = 2026


class Ref(NamedTuple):
    """A person (personal number) or a company (identification code)."""

    type: str
    id: str


class Holding(NamedTuple):
    """A share in a company or a property (percent)."""

    owner: Ref
    share: float
    since: date


class Appointment(NamedTuple):
    """A person appointed director or representative of a company."""

    person: str
    since: date


@dataclass(frozen=True, slots=True)
class Address:
    municipality: int  # index in providers.MUNICIPALITIES
    district: int  # index in providers.TBILISI_DISTRICTS, -1 outside Tbilisi
    street: str
    street_en: str
    building: str
    apartment: int  # 0: a house

    @property
    def in_tbilisi(self) -> bool:
        return self.municipality == TBILISI


@dataclass(slots=True)
class Person:
    personal_number: str
    first_name: str
    last_name: str
    first_name_en: str
    last_name_en: str
    sex: str  # "female" | "male"
    birth_date: date
    birth_place: int  # municipality index
    address: Address
    registered_since: date
    household: int
    spouse: str | None = None
    marriage_date: date | None = None
    father: str | None = None
    mother: str | None = None
    children: tuple[str, ...] = ()
    demo: bool = False

    def age(self, on: date = REFERENCE_DATE) -> int:
        born = self.birth_date
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@dataclass(slots=True)
class Company:
    code: str
    legal_form: str  # "LLC" (შპს), "JSC" (სს), "IE" (ი/მ — individual entrepreneur)
    name: str
    name_en: str
    registered_on: date
    address: Address
    status: str  # "active", "in-liquidation", "liquidated", "insolvent"
    activity: int  # index in ACTIVITIES
    capital_gel: int
    partners: tuple[Holding, ...] = ()
    directors: tuple[Appointment, ...] = ()
    representatives: tuple[Appointment, ...] = ()
    kind: str = ""  # "bank", "insurer" or ""
    demo: bool = False


@dataclass(slots=True)
class Vehicle:
    plate: str
    vin: str
    make: str
    model: str
    year: int
    colour: int  # index in COLOURS
    owner: Ref
    registered_on: date


@dataclass(slots=True)
class Property:
    cadastral_code: str
    kind: str  # "apartment", "house", "land-agricultural", "land-non-agricultural", "commercial"
    address: Address
    area_m2: float
    land_area_m2: float
    owners: tuple[Holding, ...]
    acquired_on: date
    acquired_by: str  # "purchase", "gift", "privatisation", "construction"
    previous_owner: Ref | None
    price_gel: int
    registration_number: str
    mortgages: tuple[str, ...] = ()


@dataclass(slots=True)
class Mortgage:
    registration_number: str
    cadastral_code: str
    mortgagee: str  # a bank's code
    mortgagors: tuple[Ref, ...]
    amount: int
    currency: str
    registered_on: date
    valid_until: date
    status: str  # "active" | "terminated"


@dataclass(slots=True)
class SharePledge:
    registration_number: str
    company: str
    pledgor: Ref
    pledgee: Ref
    share_percent: float
    amount: int
    currency: str
    registered_on: date
    status: str  # "active" | "terminated"


# Floor area (m²), land area (m²) and price per m² (GEL) of each kind of real estate.
_SIZES: Final = {
    "apartment": ((35, 160), (0, 0), (700, 3500)),
    "house": ((80, 320), (300, 2000), (400, 2000)),
    "land-agricultural": ((0, 0), (500, 20000), (1, 15)),
    "land-non-agricultural": ((0, 0), (300, 3000), (20, 300)),
    "commercial": ((40, 800), (0, 0), (800, 4000)),
}
# Kinds of economic activity (NACE sections), Georgian and English.
ACTIVITIES: Final = (
    ("საცალო ვაჭრობა", "Retail trade"),
    ("საბითუმო ვაჭრობა", "Wholesale trade"),
    ("მშენებლობა", "Construction"),
    ("სასტუმროები და რესტორნები", "Accommodation and food service"),
    ("ტრანსპორტი და დასაწყობება", "Transport and storage"),
    ("ინფორმაცია და კომუნიკაცია", "Information and communication"),
    ("სოფლის მეურნეობა", "Agriculture"),
    ("ღვინის წარმოება", "Manufacture of wine"),
    ("უძრავი ქონების ოპერაციები", "Real estate activities"),
    ("პროფესიული და სამეცნიერო საქმიანობა", "Professional and scientific activities"),
    ("ჯანდაცვა", "Human health activities"),
    ("განათლება", "Education"),
    ("ფინანსური და სადაზღვევო საქმიანობა", "Financial and insurance activities"),
    ("დამამუშავებელი მრეწველობა", "Manufacturing"),
    ("ტურიზმი", "Travel agency and tour operator activities"),
)
FINANCE_ACTIVITY: Final = 12
COLOURS: Final = (
    ("თეთრი", "White"),
    ("შავი", "Black"),
    ("ვერცხლისფერი", "Silver"),
    ("ნაცრისფერი", "Grey"),
    ("ლურჯი", "Blue"),
    ("წითელი", "Red"),
    ("მწვანე", "Green"),
    ("ყავისფერი", "Brown"),
)
# make, world manufacturer identifier, models, weight (Georgia's fleet is mostly used imports)
MAKES: Final = (
    ("Toyota", "JTD", ("Prius", "Camry", "Corolla", "RAV4", "Land Cruiser"), 30),
    ("Mercedes-Benz", "WDD", ("E 350", "C 300", "ML 350", "Sprinter"), 14),
    ("Hyundai", "KMH", ("Elantra", "Sonata", "Tucson", "Santa Fe"), 10),
    ("Honda", "JHM", ("Fit", "Civic", "CR-V", "Accord"), 8),
    ("Ford", "1FA", ("Fusion", "Escape", "Focus", "Transit"), 8),
    ("BMW", "WBA", ("328i", "535i", "X5"), 7),
    ("Lexus", "JTH", ("RX 350", "ES 350", "GX 460"), 5),
    ("Volkswagen", "WVW", ("Golf", "Passat", "Jetta"), 5),
    ("Nissan", "JN1", ("Juke", "X-Trail", "Leaf"), 4),
    ("Subaru", "JF1", ("Forester", "Outback", "Impreza"), 4),
    ("Opel", "W0L", ("Astra", "Zafira", "Vectra"), 3),
    ("Kia", "KNA", ("Sportage", "Optima", "Rio"), 3),
    ("Chevrolet", "1G1", ("Cruze", "Malibu", "Volt"), 3),
    ("LADA", "XTA", ("Niva", "2107"), 2),
)
_MAKE_CUM: Final = tuple(itertools.accumulate(make[3] for make in MAKES))
_MUNICIPALITY_INDEXES: Final = tuple(range(len(MUNICIPALITIES)))
_MUNICIPALITY_CUM: Final = tuple(itertools.accumulate(m.weight for m in MUNICIPALITIES))
_DISTRICT_INDEXES: Final = tuple(range(len(TBILISI_DISTRICTS)))
_DISTRICT_CUM: Final = tuple(itertools.accumulate(d.weight for d in TBILISI_DISTRICTS))
_LEGAL_FORMS: Final = (("LLC", 80), ("IE", 14), ("JSC", 6))
# Words of company names (romanised for the Latin name).
_NAME_HEADS: Final = (
    "ქართლი", "კავკასია", "იბერია", "ალაზანი", "კოლხეთი", "მთაწმინდა", "არაგვი", "რიონი",
    "გეო", "ნიუ", "ოქროს", "თეთრი", "დიდი", "ახალი", "სამხრეთ", "ჩრდილო", "ვაზი", "ლომი",
    "არგო", "ტაო", "ბაზალეთი", "თამარი", "ვარძია", "ლაზი", "ქედი", "ზღვა", "მზე", "ცისკარი",
)  # fmt: skip
_NAME_TAILS: Final = (
    "ტრეიდი", "ჯგუფი", "კონსტრაქშენი", "ლოჯისტიკი", "სერვისი", "აგრო", "ფარმი", "ენერჯი",
    "დეველოპმენტი", "ტექნოლოგიები", "მარკეტი", "ტრანსი", "ჰოლდინგი", "კონსალტინგი",
    "მედი", "ტური", "ვაინი", "ფუდი", "სტუდიო", "ინვესტი",
)  # fmt: skip


def _fixed_financial_companies() -> tuple[Company, ...]:
    """Banks and insurers: the same codes and names for every seed (mortgages, pledges …)."""
    tbilisi = Address(TBILISI, 1, "ილია ჭავჭავაძის გამზ.", "Ilia Chavchavadze Ave.", "1", 0)
    rows = (
        ("204900001", "bank", "სს „საქართველოს სამომხმარებლო ბანკი“", "Georgian Consumer Bank JSC"),
        ("204900002", "bank", "სს „კავკასიის საინვესტიციო ბანკი“", "Caucasus Investment Bank JSC"),
        ("204900003", "bank", "სს „მთის ბანკი“", "Mountain Bank JSC"),
        ("204900004", "bank", "სს „კოლხეთის ბანკი“", "Colchis Bank JSC"),
        ("204900011", "insurer", "სს „ალდაგის დაზღვევა“", "Aldagi Insurance JSC"),
        ("204900012", "insurer", "სს „ქართული სადაზღვეო კომპანია“", "Georgian Insurance JSC"),
    )
    return tuple(
        Company(
            code=code,
            legal_form="JSC",
            name=name,
            name_en=name_en,
            registered_on=date(1995, 3, 1) + timedelta(days=97 * index),
            address=tbilisi,
            status="active",
            activity=FINANCE_ACTIVITY,
            capital_gel=12_000_000 + 1_000_000 * index,
            kind=kind,
        )
        for index, (code, kind, name, name_en) in enumerate(rows)
    )


@functools.cache
def financial_company_codes(kind: str) -> tuple[str, ...]:
    return tuple(c.code for c in _fixed_financial_companies() if c.kind == kind)


@dataclass
class Population:
    """The core graph and its indexes. Keys: personal numbers, codes, plates, cadastral codes."""

    seed: int
    generated_persons: int
    persons: dict[str, Person] = field(default_factory=dict)
    companies: dict[str, Company] = field(default_factory=dict)
    vehicles: dict[str, Vehicle] = field(default_factory=dict)
    properties: dict[str, Property] = field(default_factory=dict)
    mortgages: dict[str, Mortgage] = field(default_factory=dict)
    share_pledges: dict[str, SharePledge] = field(default_factory=dict)
    # Indexes, rebuilt by `reindex()`; keyed by personal number or company code.
    roles: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    vehicles_of: dict[str, list[str]] = field(default_factory=dict)
    properties_of: dict[str, list[str]] = field(default_factory=dict)
    sold_by: dict[str, list[str]] = field(default_factory=dict)
    pledges_of: dict[str, list[str]] = field(default_factory=dict)
    adults: list[str] = field(default_factory=list)  # generated persons aged 20 or more
    # Hand-written answers of the demo set: (operation, subject id) → the answer's `data`.
    overrides: dict[tuple[str, str], dict[str, object]] = field(default_factory=dict)
    # Keys (identifiers, households) of the demo set: their derived records ignore the seed.
    demo_keys: set[str] = field(default_factory=set)

    def knows(self, subject_type: str, subject_id: str) -> bool:
        if subject_type == "person":
            return subject_id in self.persons
        return subject_id in self.companies

    def name_of(self, ref: Ref) -> tuple[str, str]:
        """The Georgian and English name of a person or company."""
        if ref.type == "person":
            person = self.persons[ref.id]
            return (
                f"{person.first_name} {person.last_name}",
                f"{person.first_name_en} {person.last_name_en}",
            )
        company = self.companies[ref.id]
        return company.name, company.name_en

    def reindex(self) -> None:
        """Rebuild the indexes (after generation, or after the demo set was merged)."""
        born_before = _years_after(REFERENCE_DATE, -20)
        self.adults = [
            pn for pn, p in self.persons.items() if not p.demo and p.birth_date <= born_before
        ]
        self.roles = {}
        for company in self.companies.values():
            role = "individual-entrepreneur" if company.legal_form == "IE" else "partner"
            for holding in company.partners:
                if holding.owner.type == "person":
                    self.roles.setdefault(holding.owner.id, []).append((company.code, role))
            for appointment in company.directors:
                self.roles.setdefault(appointment.person, []).append((company.code, "director"))
            for appointment in company.representatives:
                self.roles.setdefault(appointment.person, []).append(
                    (company.code, "representative")
                )
        self._index_property()

    def _index_property(self) -> None:
        self.vehicles_of, self.properties_of, self.sold_by, self.pledges_of = {}, {}, {}, {}
        for vehicle in self.vehicles.values():
            self.vehicles_of.setdefault(vehicle.owner.id, []).append(vehicle.plate)
        for estate in self.properties.values():
            for holding in estate.owners:
                self.properties_of.setdefault(holding.owner.id, []).append(estate.cadastral_code)
            if estate.previous_owner is not None:
                self.sold_by.setdefault(estate.previous_owner.id, []).append(estate.cadastral_code)
        for pledge in self.share_pledges.values():
            for party in dict.fromkeys((pledge.company, pledge.pledgor.id, pledge.pledgee.id)):
                self.pledges_of.setdefault(party, []).append(pledge.registration_number)


def generate(*, seed: int = DEFAULT_SEED, persons: int = DEFAULT_PERSONS) -> Population:
    """`persons` generated persons and what they own, plus the fixed demo set."""
    from . import demo

    population = Population(seed=seed, generated_persons=persons)
    # Millions of small objects and no cycles: the cyclic collector would only slow this down.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for company in _fixed_financial_companies():
            population.companies[company.code] = company
        _Generator(population, seed, demo.reserved_identifiers()).run(persons)
        demo.merge(population)
        population.reindex()
    finally:
        if collecting:
            gc.enable()
    return population


def _date_between(rng: random.Random, start: date, end: date) -> date:
    if end <= start:
        return start
    return date.fromordinal(between(rng, start.toordinal(), end.toordinal()))


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class _Generator:
    """Fills a population: families first, then what the adults own and run."""

    def __init__(self, population: Population, seed: int, reserved: set[str]) -> None:
        self.population = population
        self.fake = Faker("ka_GE")
        self.fake.add_provider(GeorgiaProvider)
        self.fake.seed_instance(seed)
        self.rng: random.Random = self.fake.random
        self.ids = IdentifierAllocator(self.rng, reserved)
        self.limit = 0
        self.household = 0
        self.registration = 0
        self.adults: list[str] = []
        self._romanised: dict[str, str] = {}
        self._strings: dict[str, str] = {}
        self._males = PersonNames.first_names_male
        self._females = PersonNames.first_names_female
        self._surnames = PersonNames.last_names
        self._streets = AddressNames.street_titles

    # Identifiers and values

    def latin(self, text: str) -> str:
        latin = self._romanised.get(text)
        if latin is None:
            latin = self._romanised[text] = romanise(text)
        return latin

    def shared(self, value: str) -> str:
        """One copy of a string many addresses repeat (street names, building numbers)."""
        return self._strings.setdefault(value, value)

    def registration_number(self, on: date) -> str:
        """A registration number of the Public Registry (12 digits, 88 + year + serial)."""
        self.registration += 1
        return f"88{on.year:04d}{self.registration:06d}"

    def municipality(self) -> int:
        return self.rng.choices(_MUNICIPALITY_INDEXES, cum_weights=_MUNICIPALITY_CUM)[0]

    def address(self, municipality: int, *, apartment: bool) -> Address:
        rng = self.rng
        title = pick(rng, self._streets)
        district = -1
        if municipality == TBILISI:
            district = rng.choices(_DISTRICT_INDEXES, cum_weights=_DISTRICT_CUM)[0]
        return Address(
            municipality=municipality,
            district=district,
            street=self.shared(f"{title} ქ."),
            street_en=self.shared(f"{self.latin(title)} St."),
            building=self.shared(
                str(between(rng, 1, 160)) + (pick(rng, "აბგ") if rng.random() < 0.1 else "")
            ),
            apartment=between(rng, 1, 120) if apartment else 0,
        )

    # Persons and families

    @property
    def full(self) -> bool:
        return len(self.population.persons) >= self.limit

    def person(
        self,
        *,
        sex: str,
        born: date,
        last_name: str,
        address: Address,
        since: date,
        household: int,
    ) -> Person | None:
        if self.full:
            return None
        rng = self.rng
        first = pick(rng, self._females if sex == "female" else self._males)
        birth_place = address.municipality if rng.random() < 0.7 else self.municipality()
        person = Person(
            personal_number=self.ids.personal_number(MUNICIPALITIES[birth_place]),
            first_name=first,
            last_name=last_name,
            first_name_en=self.latin(first),
            last_name_en=self.latin(last_name),
            sex=sex,
            birth_date=born,
            birth_place=birth_place,
            address=address,
            registered_since=max(since, born),
            household=household,
        )
        self.population.persons[person.personal_number] = person
        return person

    def new_household(self, municipality: int) -> tuple[int, Address]:
        self.household += 1
        rate = 0.75 if municipality == TBILISI else 0.45
        return self.household, self.address(municipality, apartment=self.rng.random() < rate)

    def marry(self, first: Person, second: Person, on: date) -> None:
        first.spouse, second.spouse = second.personal_number, first.personal_number
        first.marriage_date = second.marriage_date = on

    def children(self, mother: Person | None, father: Person | None, address: Address) -> None:
        """Zero to four children, born while the mother was 20–40, living with the parents."""
        rng = self.rng
        parent = mother or father
        if parent is None:
            return
        count = rng.choices((0, 1, 2, 3, 4), (10, 25, 40, 20, 5))[0]
        born = _years_after(parent.birth_date, between(rng, 20, 27))
        household = parent.household
        surname = (father or parent).last_name
        for _ in range(count):
            if born > REFERENCE_DATE - timedelta(days=30):
                return
            child = self.person(
                sex=pick(rng, ("female", "male")),
                born=born,
                last_name=surname,
                address=address,
                since=born,
                household=household,
            )
            if child is None:
                return
            for each in (mother, father):
                if each is not None:
                    each.children = (*each.children, child.personal_number)
            child.mother = mother.personal_number if mother else None
            child.father = father.personal_number if father else None
            born = born + timedelta(days=between(rng, 400, 365 * 6))

    def couple(self, born: date, municipality: int) -> tuple[Person | None, Person | None]:
        """A married couple (wife born on `born`) in a new household, or a lone parent."""
        rng = self.rng
        household, address = self.new_household(municipality)
        surname = pick(rng, self._surnames)
        married = _years_after(born, between(rng, 19, 30))
        if rng.random() < 0.85:
            wife = self.person(
                sex="female",
                born=born,
                last_name=surname,
                address=address,
                since=married,
                household=household,
            )
            husband_born = born - timedelta(days=between(rng, -700, 2500))
            husband = self.person(
                sex="male",
                born=husband_born,
                last_name=surname,
                address=address,
                since=married,
                household=household,
            )
            if wife and husband:
                self.marry(wife, husband, married)
            return wife, husband
        sex = pick(rng, ("female", "male"))
        alone = self.person(
            sex=sex,
            born=born,
            last_name=surname,
            address=address,
            since=married,
            household=household,
        )
        return (alone, None) if sex == "female" else (None, alone)

    def grown_child_household(self, child: Person) -> None:
        """A grown child marries into a new household (or lives alone, or stays)."""
        rng = self.rng
        age = child.age()
        if age >= 22 and rng.random() < 0.7:
            same = rng.random() < 0.5
            municipality = child.address.municipality if same else self.municipality()
            household, address = self.new_household(municipality)
            married = _years_after(child.birth_date, between(rng, 22, min(age, 34)))
            spouse_sex = "male" if child.sex == "female" else "female"
            spouse_born = child.birth_date + timedelta(days=between(rng, -1500, 1500))
            spouse_born = min(spouse_born, _years_after(REFERENCE_DATE, -20))
            husband_surname = child.last_name if child.sex == "male" else pick(rng, self._surnames)
            spouse_surname = husband_surname if spouse_sex == "male" else child.last_name
            if spouse_sex == "female" and rng.random() < 0.25:
                spouse_surname = pick(rng, self._surnames)  # kept her own name
            spouse = self.person(
                sex=spouse_sex,
                born=spouse_born,
                last_name=spouse_surname,
                address=address,
                since=married,
                household=household,
            )
            if spouse is None:
                return
            if child.sex == "female" and rng.random() < 0.75:
                child.last_name, child.last_name_en = husband_surname, self.latin(husband_surname)
            child.address, child.household, child.registered_since = address, household, married
            self.marry(child, spouse, married)
            wife, husband = (child, spouse) if child.sex == "female" else (spouse, child)
            self.children(wife, husband, address)
        elif age >= 27 and rng.random() < 0.4:
            household, address = self.new_household(child.address.municipality)
            child.address, child.household = address, household
            child.registered_since = _years_after(child.birth_date, between(rng, 25, age))

    def families(self) -> None:
        rng = self.rng
        while not self.full:
            born = _date_between(rng, date(1938, 1, 1), date(1974, 12, 31))
            mother, father = self.couple(born, self.municipality())
            parent = mother or father
            if parent is None:
                return
            self.children(mother, father, parent.address)
            for pn in parent.children:
                if self.full:
                    return
                self.grown_child_household(self.population.persons[pn])

    # Companies

    def adult(self) -> str:
        return pick(self.rng, self.adults)

    def company_name(self) -> tuple[str, str]:
        head, tail = pick(self.rng, _NAME_HEADS), pick(self.rng, _NAME_TAILS)
        return f"{head} {tail}", self.latin(f"{head} {tail}")

    def shares(self, count: int) -> list[float]:
        cuts = sorted(self.rng.sample(range(1, 100), count - 1))
        return [float(b - a) for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]

    def of_age(self, pn: str, day: date) -> date:
        """`day`, or the person's 18th birthday if that is later."""
        return max(day, _years_after(self.population.persons[pn].birth_date, 18))

    def registration_date(self, earliest: date) -> date:
        """Half of the companies were registered since 2012, the rest since 1995."""
        start = max(earliest, date(2012, 1, 1) if self.rng.random() < 0.5 else date(1995, 1, 1))
        return _date_between(self.rng, start, REFERENCE_DATE - timedelta(days=20))

    def company(self) -> Company:
        rng = self.rng
        form = rng.choices([f for f, _ in _LEGAL_FORMS], [w for _, w in _LEGAL_FORMS])[0]
        municipality = TBILISI if rng.random() < 0.6 else self.municipality()
        status = rng.choices(
            ("active", "in-liquidation", "liquidated", "insolvent"), (90, 3, 5, 2)
        )[0]
        activity = below(rng, len(ACTIVITIES))
        if form == "IE":
            owner = self.population.persons[self.adult()]
            registered = self.registration_date(self.of_age(owner.personal_number, date.min))
            return Company(
                code=self.ids.company_code(
                    MUNICIPALITIES[owner.address.municipality], registered.year
                ),
                legal_form=form,
                name=f"ი/მ {owner.first_name} {owner.last_name}",
                name_en=f"IE {owner.first_name_en} {owner.last_name_en}",
                registered_on=registered,
                address=owner.address,
                status=status,
                activity=activity,
                capital_gel=0,
                partners=(Holding(Ref("person", owner.personal_number), 100.0, registered),),
                directors=(Appointment(owner.personal_number, registered),),
            )
        partner_count = rng.choices((1, 2, 3), (50, 35, 15))[0] + (2 if form == "JSC" else 0)
        partners = list(dict.fromkeys(self.adult() for _ in range(partner_count)))
        registered = self.registration_date(max(self.of_age(pn, date.min) for pn in partners))
        holdings = tuple(
            Holding(Ref("person", pn), share, registered)
            for pn, share in zip(partners, self.shares(len(partners)), strict=True)
        )
        director = partners[0] if rng.random() < 0.7 else self.adult()
        directors = [Appointment(director, self.of_age(director, registered))]
        second = self.adult()
        if form == "JSC" and rng.random() < 0.5 and second != director:
            since = _date_between(rng, registered, REFERENCE_DATE)
            directors.append(Appointment(second, self.of_age(second, since)))
        representatives = []
        for _ in range(rng.choices((0, 1, 2), (65, 30, 5))[0]):
            pn = self.adult()
            since = _date_between(rng, registered, REFERENCE_DATE)
            representatives.append(Appointment(pn, self.of_age(pn, since)))
        name, name_en = self.company_name()
        prefix, prefix_en = ("შპს", "LLC") if form == "LLC" else ("სს", "JSC")
        return Company(
            code=self.ids.company_code(MUNICIPALITIES[municipality], registered.year),
            legal_form=form,
            name=f"{prefix} „{name}“",
            name_en=f"{name_en} {prefix_en}",
            registered_on=registered,
            address=self.address(municipality, apartment=False),
            status=status,
            activity=activity,
            capital_gel=pick(rng, (100, 1000, 2000, 5000, 10000, 50000))
            * (100 if form == "JSC" else 1),
            partners=holdings,
            directors=tuple(directors),
            representatives=tuple(representatives),
        )

    def companies(self, count: int) -> None:
        population = self.population
        for company in population.companies.values():
            if company.kind and self.adults:
                director = self.adult()
                company.directors = (
                    Appointment(director, self.of_age(director, date(2019, 6, 1))),
                )
        for _ in range(count):
            company = self.company()
            population.companies[company.code] = company

    # Vehicles, real estate, mortgages, pledges

    def vehicle(self, owner: Ref, earliest: date) -> None:
        rng = self.rng
        make, wmi, models, _ = rng.choices(MAKES, cum_weights=_MAKE_CUM)[0]
        year = min(between(rng, 1996, 2025), between(rng, 2003, 2025))
        registered = _date_between(rng, max(earliest, date(year, 1, 1)), REFERENCE_DATE)
        vehicle = Vehicle(
            plate=self.ids.plate(),
            vin=make_vin(rng, wmi, year, len(self.population.vehicles)),
            make=make,
            model=pick(rng, models),
            year=year,
            colour=below(rng, len(COLOURS)),
            owner=owner,
            registered_on=registered,
        )
        self.population.vehicles[vehicle.plate] = vehicle

    def vehicles(self) -> None:
        rng = self.rng
        for pn in self.adults:
            person = self.population.persons[pn]
            earliest = _years_after(person.birth_date, 18)
            for _ in range((rng.random() < 0.33) + (rng.random() < 0.05)):
                self.vehicle(Ref("person", pn), earliest)
        for company in list(self.population.companies.values()):
            if company.legal_form != "IE" and company.status == "active" and rng.random() < 0.3:
                for _ in range(between(rng, 1, 4)):
                    self.vehicle(Ref("company", company.code), company.registered_on)

    def property(
        self,
        *,
        kind: str,
        address: Address,
        owners: list[Ref],
        earliest: date,
        previous_owner: Ref | None = None,
        gift: bool = False,
    ) -> Property:
        rng = self.rng
        municipality = MUNICIPALITIES[address.municipality]
        code = self.ids.cadastral_code(municipality)
        if kind == "apartment":
            code += f".01.{address.apartment % 1000:03d}"
        (area_low, area_high), (land_low, land_high), (price_low, price_high) = _SIZES[kind]
        area = rng.uniform(area_low, area_high) if area_high else 0.0
        land = rng.uniform(land_low, land_high) if land_high else 0.0
        price_per_m2 = between(rng, price_low, price_high)
        acquired = _date_between(rng, max(earliest, date(1994, 1, 1)), REFERENCE_DATE)
        if previous_owner is not None:
            how = "gift" if gift or rng.random() < 0.05 else "purchase"
        elif acquired.year < 2001:
            how = "privatisation"
        else:
            how = "construction" if kind == "house" else "purchase"
            if how == "purchase" and self.adults:
                previous_owner = Ref("person", self.adult())
        share = round(100 / len(owners), 2)
        estate = Property(
            cadastral_code=code,
            kind=kind,
            address=address,
            area_m2=round(area, 1),
            land_area_m2=round(land, 1),
            owners=tuple(Holding(owner, share, acquired) for owner in owners),
            acquired_on=acquired,
            acquired_by=how,
            previous_owner=previous_owner,
            price_gel=int((area or land) * price_per_m2),
            registration_number=self.registration_number(acquired),
        )
        self.population.properties[code] = estate
        return estate

    def dwellings(self) -> None:
        """Each household's home, owned by its adults (or let by another person)."""
        rng = self.rng
        homes: dict[int, list[Person]] = {}
        for person in self.population.persons.values():
            homes.setdefault(person.household, []).append(person)
        for members in homes.values():
            address = members[0].address
            adults = [m for m in members if m.age() >= 18]
            if not adults:
                continue
            eldest = min(adults, key=lambda m: m.birth_date)
            owners = [Ref("person", eldest.personal_number)]
            if eldest.spouse and eldest.spouse in {m.personal_number for m in adults}:
                owners.append(Ref("person", eldest.spouse))
            if rng.random() < 0.12 and self.adults:
                owners = [Ref("person", self.adult())]  # rented from a landlord
            previous = None
            if eldest.father and rng.random() < 0.15:
                previous = Ref("person", eldest.father)
            self.property(
                kind="apartment" if address.apartment else "house",
                address=address,
                owners=owners,
                earliest=_years_after(eldest.birth_date, 18),
                previous_owner=previous,
                gift=previous is not None,
            )

    def other_properties(self) -> None:
        rng = self.rng
        for pn in self.adults:
            if rng.random() >= 0.12:
                continue
            person = self.population.persons[pn]
            kind = rng.choices(
                ("land-agricultural", "land-non-agricultural", "house", "apartment"),
                (45, 20, 20, 15),
            )[0]
            municipality = person.birth_place if rng.random() < 0.6 else self.municipality()
            self.property(
                kind=kind,
                address=self.address(municipality, apartment=kind == "apartment"),
                owners=[Ref("person", pn)],
                earliest=_years_after(person.birth_date, 18),
            )
        for company in list(self.population.companies.values()):
            if company.legal_form != "IE" and not company.kind and rng.random() < 0.25:
                self.property(
                    kind="commercial",
                    address=self.address(company.address.municipality, apartment=False),
                    owners=[Ref("company", company.code)],
                    earliest=company.registered_on,
                )

    def mortgages(self) -> None:
        rng = self.rng
        banks = financial_company_codes("bank")
        for estate in list(self.population.properties.values()):
            if estate.acquired_on.year < 2005 or rng.random() >= 0.14:
                continue
            registered = estate.acquired_on + timedelta(days=between(rng, 0, 30))
            registered = min(registered, REFERENCE_DATE)
            currency = "USD" if rng.random() < 0.4 else "GEL"
            amount = int(
                estate.price_gel * rng.uniform(0.4, 0.8) / (2.7 if currency == "USD" else 1)
            )
            valid_until = _years_after(registered, pick(rng, (5, 10, 15, 20)))
            active = valid_until > REFERENCE_DATE and rng.random() < 0.9
            mortgage = Mortgage(
                registration_number=self.registration_number(registered),
                cadastral_code=estate.cadastral_code,
                mortgagee=pick(rng, banks),
                mortgagors=tuple(holding.owner for holding in estate.owners),
                amount=max(amount, 1000),
                currency=currency,
                registered_on=registered,
                valid_until=valid_until,
                status="active" if active else "terminated",
            )
            self.population.mortgages[mortgage.registration_number] = mortgage
            estate.mortgages = (*estate.mortgages, mortgage.registration_number)

    def share_pledges(self) -> None:
        rng = self.rng
        banks = financial_company_codes("bank")
        for company in list(self.population.companies.values()):
            if company.legal_form != "LLC" or rng.random() >= 0.05:
                continue
            holding = pick(rng, company.partners)
            registered = _date_between(rng, company.registered_on, REFERENCE_DATE)
            pledge = SharePledge(
                registration_number=self.registration_number(registered),
                company=company.code,
                pledgor=holding.owner,
                pledgee=Ref("company", pick(rng, banks)),
                share_percent=holding.share,
                amount=between(rng, 5, 500) * 1000,
                currency=pick(rng, ("GEL", "USD")),
                registered_on=registered,
                status="active" if rng.random() < 0.8 else "terminated",
            )
            self.population.share_pledges[pledge.registration_number] = pledge

    def run(self, persons: int) -> None:
        self.limit = persons
        self.families()
        adult_born_before = _years_after(REFERENCE_DATE, -20)
        self.adults = [
            pn for pn, p in self.population.persons.items() if p.birth_date <= adult_born_before
        ]
        if not self.adults:
            return
        self.companies(persons // 10)
        self.vehicles()
        self.dwellings()
        self.other_properties()
        self.mortgages()
        self.share_pledges()


def _peak_rss_mb() -> float:
    # Linux reports kilobytes.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def measure(*, seed: int, persons: int) -> dict[str, object]:
    """Generate once; the time, the peak memory of the process and the sizes."""
    baseline = _peak_rss_mb()
    started, cpu_started = time.perf_counter(), time.process_time()
    population = generate(seed=seed, persons=persons)
    seconds = time.perf_counter() - started
    return {
        "persons": len(population.persons),
        "seed": seed,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(time.process_time() - cpu_started, 2),
        "peak_rss_mb": _peak_rss_mb(),
        "baseline_rss_mb": baseline,
        "companies": len(population.companies),
        "vehicles": len(population.vehicles),
        "properties": len(population.properties),
        "mortgages": len(population.mortgages),
        "share_pledges": len(population.share_pledges),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox.population", description="Generate the sandbox population."
    )
    parser.add_argument("--persons", type=int, default=DEFAULT_PERSONS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--measure", action="store_true", help="Print time and peak memory as one JSON line."
    )
    arguments = parser.parse_args(argv)
    if arguments.measure:
        result = measure(seed=arguments.seed, persons=arguments.persons)
    else:
        population = generate(seed=arguments.seed, persons=arguments.persons)
        result = {
            "persons": len(population.persons),
            "companies": len(population.companies),
            "vehicles": len(population.vehicles),
            "properties": len(population.properties),
        }
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
