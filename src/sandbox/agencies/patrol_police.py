"""Patrol Police of the Ministry of Internal Affairs (საპატრულო პოლიცია): fines, vehicles and
driving licences (მართვის მოწმობა)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Final, Literal

from faker.providers.address.ka_GE import Provider as AddressNames
from pydantic import Field

from owexchange import Subject

from ..population import COLOURS, REFERENCE_DATE, Population, Vehicle
from ..providers import MUNICIPALITIES, TBILISI, romanise
from .operations import Agency, Operation
from .values import AGENCY_NAMES, Party, Shape, Text, derived_random, money, party, text

GEORGIA_TIME: Final = timezone(timedelta(hours=4))
PLATE_PATTERN: Final = r"^[A-Z]{2}-\d{3}-[A-Z]{2}$"
# article of the Code of Administrative Offences, offence, fine in GEL (sandbox values)
_OFFENCES: Final = (
    ("125.1", "სიჩქარის გადაჭარბება 20–40 კმ/სთ-ით", "Speeding by 20–40 km/h", 50, 40),
    ("125.2", "სიჩქარის გადაჭარბება 40 კმ/სთ-ზე მეტით", "Speeding by over 40 km/h", 400, 8),
    ("125.4", "შუქნიშნის ამკრძალავ სიგნალზე გავლა", "Running a red light", 100, 12),
    ("125.6", "გასაყოფი ხაზის გადაკვეთა", "Crossing a solid line", 100, 10),
    ("125.8", "უსაფრთხოების ღვედის გამოუყენებლობა", "Not wearing a seat belt", 40, 12),
    ("125.9", "მობილური ტელეფონით სარგებლობა მართვისას", "Using a phone while driving", 100, 10),
    ("121.1", "ქვეითისთვის გზის დაუთმობლობა", "Not giving way to a pedestrian", 150, 5),
    ("118.2", "ტექდათვალიერების გარეშე მართვა", "Driving without a roadworthiness test", 100, 3),
)
_OFFENCE_WEIGHTS: Final = tuple(row[4] for row in _OFFENCES)


class Fine(Shape):
    protocol_number: str
    issued_at: datetime
    article: str = Field(description="Article of the Code of Administrative Offences.")
    offence: Text
    amount_gel: float
    status: Literal["paid", "unpaid", "appealed"]
    due_on: date
    plate: str | None = Field(pattern=PLATE_PATTERN)
    place: Text


class FinesData(Shape):
    total_unpaid_gel: float
    items: list[Fine]


class VehicleRecord(Shape):
    plate: str = Field(pattern=PLATE_PATTERN)
    vin: str = Field(pattern=r"^[A-HJ-NPR-Z0-9]{17}$")
    make: str
    model: str
    year: int
    colour: Text
    registration_certificate: str
    registered_on: date
    owner: Party
    status: Literal["registered"]


class VehiclesData(Shape):
    items: list[VehicleRecord]


def vehicle_record(population: Population, vehicle: Vehicle) -> VehicleRecord:
    rng = derived_random(population, "vehicle", vehicle.plate)
    letters = "".join(rng.choice("ABCDEFGHKLMNPRSTUVXZ") for _ in range(3))
    return VehicleRecord(
        plate=vehicle.plate,
        vin=vehicle.vin,
        make=vehicle.make,
        model=vehicle.model,
        year=vehicle.year,
        colour=text(*COLOURS[vehicle.colour]),
        registration_certificate=f"{letters}{rng.randrange(10_000_000):07d}",
        registered_on=vehicle.registered_on,
        owner=party(population, vehicle.owner),
        status="registered",
    )


def vehicles(population: Population, subject: Subject) -> VehiclesData:
    plates = population.vehicles_of.get(subject.id, [])
    return VehiclesData(items=[vehicle_record(population, population.vehicles[p]) for p in plates])


LicenceCategory = Literal["A", "B", "BE", "C1", "C", "CE", "D1", "D"]
_LICENCE_ISSUER: Final = text("შსს მომსახურების სააგენტო", "MIA Service Agency")
_LICENCE_STATUS_NAMES: Final = {
    "valid": text("მოქმედი", "Valid"),
    "expired": text("ვადაგასული", "Expired"),
    "suspended": text("შეჩერებული", "Suspended"),
}
LICENCE_YEARS: Final = 10
VANS: Final = frozenset({"Sprinter", "Transit"})  # over 3.5 t loaded: category C1


class DrivingLicence(Shape):
    number: str
    categories: list[LicenceCategory]
    issued_on: date
    valid_until: date
    status: Literal["valid", "expired", "suspended"]
    status_name: Text
    issuer: Text
    penalty_points: int = Field(ge=0, description="Points of the penalty-point system.")


class DrivingLicencesData(Shape):
    items: list[DrivingLicence]


def licence(
    number: str, categories: list[str], issued_on: date, status: str = "", points: int = 0
) -> DrivingLicence:
    valid_until = issued_on.replace(year=issued_on.year + LICENCE_YEARS)
    status = status or ("valid" if valid_until >= REFERENCE_DATE else "expired")
    return DrivingLicence(
        number=number,
        categories=categories,  # type: ignore[arg-type]
        issued_on=issued_on,
        valid_until=valid_until,
        status=status,  # type: ignore[arg-type]
        status_name=_LICENCE_STATUS_NAMES[status],
        issuer=_LICENCE_ISSUER,
        penalty_points=points,
    )


def driving_licences(population: Population, subject: Subject) -> DrivingLicencesData:
    """Every owner of a vehicle holds a licence for it (vans and lorries: C1 or C), and
    some adults without a car; the licence is renewed every ten years."""
    person = population.persons.get(subject.id)
    if person is None or person.age() < 18:
        return DrivingLicencesData(items=[])
    rng = derived_random(population, "driving-licence", subject.id)
    owned = [population.vehicles[plate] for plate in population.vehicles_of.get(subject.id, [])]
    if not owned and rng.random() >= 0.35:
        return DrivingLicencesData(items=[])
    categories = ["B"]
    if any(vehicle.model in VANS for vehicle in owned):
        categories.append("C1")
    first = person.birth_date.replace(year=person.birth_date.year + 18, day=1)
    first += timedelta(days=rng.randint(0, 8 * 365))
    issued = first
    while issued.replace(year=issued.year + LICENCE_YEARS) < REFERENCE_DATE:
        issued = issued.replace(year=issued.year + LICENCE_YEARS)
    number = f"{rng.choice('ABCDEFGHKLMN')}{rng.randrange(10**7):07d}"
    return DrivingLicencesData(
        items=[licence(number, categories, issued, points=rng.choices((0, 2, 4), (80, 15, 5))[0])]
    )


def _place(rng_choice: str, municipality: int) -> Text:
    town = MUNICIPALITIES[municipality]
    return text(f"{town.ka}, {rng_choice} ქ.", f"{town.en}, {romanise(rng_choice)} St.")


def fine_items(population: Population, subject_id: str) -> list[Fine]:
    """Fines for the subject's vehicles, mostly from cameras, over the last three years."""
    written = population.overrides.get(("fines", subject_id))
    if written is not None:
        return FinesData.model_validate(written).items
    items = []
    for plate in population.vehicles_of.get(subject_id, []):
        vehicle = population.vehicles[plate]
        rng = derived_random(population, "fines", plate)
        count = rng.choices((0, 1, 2, 3, 4), (55, 25, 12, 5, 3))[0]
        owner_home = (
            population.persons[subject_id].address if subject_id in population.persons else None
        )
        for _ in range(count):
            article, offence, offence_en, amount, _ = rng.choices(_OFFENCES, _OFFENCE_WEIGHTS)[0]
            earliest = max(vehicle.registered_on, REFERENCE_DATE - timedelta(days=3 * 365))
            day = earliest + timedelta(
                days=rng.randint(0, max(0, (REFERENCE_DATE - earliest).days))
            )
            issued = datetime(
                day.year,
                day.month,
                day.day,
                rng.randint(7, 23),
                rng.randint(0, 59),
                tzinfo=GEORGIA_TIME,
            )
            overdue = (REFERENCE_DATE - day).days > 30
            status = rng.choices(
                ("paid", "unpaid", "appealed"), (75, 17, 8) if overdue else (40, 55, 5)
            )[0]
            municipality = (
                TBILISI if rng.random() < 0.5 or owner_home is None else owner_home.municipality
            )
            items.append(
                Fine(
                    protocol_number=f"ZZ{rng.randrange(10**9):09d}",
                    issued_at=issued,
                    article=article,
                    offence=text(offence, offence_en),
                    amount_gel=float(amount),
                    status=status,  # type: ignore[arg-type]
                    due_on=day + timedelta(days=30),
                    plate=plate,
                    place=_place(rng.choice(AddressNames.street_titles), municipality),
                )
            )
    items.sort(key=lambda fine: fine.issued_at, reverse=True)
    return items


def fines(population: Population, subject: Subject) -> FinesData:
    items = fine_items(population, subject.id)
    unpaid = sum(fine.amount_gel for fine in items if fine.status == "unpaid")
    return FinesData(total_unpaid_gel=money(unpaid), items=items)


AGENCY = Agency(
    id="patrol-police",
    name=AGENCY_NAMES["patrol-police"],
    description="Traffic fines, registered vehicles and driving licences (Ministry of "
    "Internal Affairs). A subject with no vehicles, fines or licences gets empty lists.",
    operations=(
        Operation(
            name="fines",
            summary="Traffic fines",
            description="Fines issued to the subject or for the subject's vehicles: "
            "protocol number, article, amount, status (paid, unpaid, appealed), plate.",
            subjects=("person", "company"),
            model=FinesData,
            derive=fines,
        ),
        Operation(
            name="vehicles",
            summary="Vehicles owned",
            description="Vehicles registered to the subject: plate, VIN, make, model, year.",
            subjects=("person", "company"),
            model=VehiclesData,
            derive=vehicles,
        ),
        Operation(
            name="driving-licences",
            summary="Driving licences",
            description="The person's driving licences: number, categories, issue and expiry "
            "dates, status (valid, expired, suspended) and penalty points.",
            subjects=("person",),
            model=DrivingLicencesData,
            derive=driving_licences,
        ),
    ),
)
