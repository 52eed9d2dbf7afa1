"""Tbilisi City Hall (თბილისის მერია): residents' municipal data.

Parking permits and parking fines for the subject's vehicles, municipal programmes a
resident takes part in (by age, studies, benefits), a company's municipal permits, and the
vehicles of the subject the municipal tow service took to an impound lot (ევაკუაცია).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Final, Literal

from faker.providers.address.ka_GE import Provider as AddressNames
from pydantic import Field

from owexchange import Subject

from ..population import REFERENCE_DATE, Person, Population
from ..providers import TBILISI_DISTRICTS, romanise
from .education import is_pupil, is_student
from .operations import Agency, Operation
from .patrol_police import GEORGIA_TIME
from .social_service import is_socially_vulnerable, pension_age
from .values import AGENCY_NAMES, Shape, Text, derived_random, text

PARKING_FINE_GEL: Final = 30.0
ProgrammeCode = Literal[
    "pensioner-transport", "pupil-transport", "student-transport", "utility-subsidy", "kindergarten"
]
_PROGRAMME_NAMES = {
    "pensioner-transport": text(
        "პენსიონერების უფასო მგზავრობა", "Free public transport for pensioners"
    ),
    "pupil-transport": text("მოსწავლეების უფასო მგზავრობა", "Free public transport for pupils"),
    "student-transport": text("სტუდენტების შეღავათიანი მგზავრობა", "Reduced fares for students"),
    "utility-subsidy": text("კომუნალური გადასახადების სუბსიდია", "Utility bills subsidy"),
    "kindergarten": text("საბავშვო ბაღი", "Municipal kindergarten"),
}
PermitKind = Literal["construction", "outdoor-advertising"]
_PERMIT_NAMES = {
    "construction": text("მშენებლობის ნებართვა", "Construction permit"),
    "outdoor-advertising": text("გარე რეკლამის ნებართვა", "Outdoor advertising permit"),
}


class ParkingPermit(Shape):
    number: str
    plate: str
    zone: Text
    valid_from: date
    valid_until: date
    status: Literal["valid", "expired"]


class ParkingFine(Shape):
    number: str
    plate: str
    issued_at: datetime
    place: Text
    amount_gel: float
    status: Literal["paid", "unpaid"]


class Programme(Shape):
    programme: ProgrammeCode
    programme_name: Text
    status: Literal["active", "ended"]
    since: date


class Permit(Shape):
    number: str
    kind: PermitKind
    kind_name: Text
    cadastral_code: str | None
    issued_on: date
    valid_until: date
    status: Literal["valid", "expired"]


class MunicipalData(Shape):
    resident: bool
    district: Text | None
    parking_permits: list[ParkingPermit]
    parking_fines: list[ParkingFine]
    programmes: list[Programme]
    permits: list[Permit]


def _parking(
    population: Population, subject_id: str, district: int
) -> tuple[list[ParkingPermit], list[ParkingFine]]:
    permits, fines = [], []
    for plate in population.vehicles_of.get(subject_id, []):
        rng = derived_random(population, "tbilisi-parking", plate)
        if district >= 0 and rng.random() < 0.25:
            valid_from = REFERENCE_DATE - timedelta(days=rng.randint(0, 500))
            valid_until = valid_from + timedelta(days=365)
            zone = TBILISI_DISTRICTS[district]
            permits.append(
                ParkingPermit(
                    number=f"TP-{valid_from:%y}-{rng.randrange(10**6):06d}",
                    plate=plate,
                    zone=text(f"{zone.ka_genitive} ზონა", f"{zone.en} zone"),
                    valid_from=valid_from,
                    valid_until=valid_until,
                    status="valid" if valid_until >= REFERENCE_DATE else "expired",
                )
            )
        for _ in range(rng.choices((0, 1, 2), (70, 22, 8))[0]):
            day = REFERENCE_DATE - timedelta(days=rng.randint(1, 700))
            street = rng.choice(AddressNames.street_titles)
            fines.append(
                ParkingFine(
                    number=f"TB{rng.randrange(10**9):09d}",
                    plate=plate,
                    issued_at=datetime(
                        day.year,
                        day.month,
                        day.day,
                        rng.randint(9, 20),
                        rng.randint(0, 59),
                        tzinfo=GEORGIA_TIME,
                    ),
                    place=text(f"თბილისი, {street} ქ.", f"Tbilisi, {romanise(street)} St."),
                    amount_gel=PARKING_FINE_GEL,
                    status="paid" if rng.random() < 0.8 else "unpaid",
                )
            )
    fines.sort(key=lambda fine: fine.issued_at, reverse=True)
    return permits, fines


def _programme(code: ProgrammeCode, since: date) -> Programme:
    return Programme(
        programme=code, programme_name=_PROGRAMME_NAMES[code], status="active", since=since
    )


def _programmes(population: Population, person: Person) -> list[Programme]:
    age = person.age()
    since = person.registered_since
    items = []
    if age >= pension_age(person):
        born = person.birth_date
        items.append(
            _programme(
                "pensioner-transport",
                max(
                    since, born.replace(year=born.year + pension_age(person), day=min(born.day, 28))
                ),
            )
        )
    elif 2 <= age <= 5:
        items.append(
            _programme(
                "kindergarten", person.birth_date.replace(year=person.birth_date.year + 2, day=1)
            )
        )
    elif is_pupil(population, person):
        items.append(_programme("pupil-transport", max(since, date(REFERENCE_DATE.year, 9, 15))))
    elif is_student(population, person):
        items.append(_programme("student-transport", max(since, date(REFERENCE_DATE.year, 9, 15))))
    if is_socially_vulnerable(population, person):
        items.append(_programme("utility-subsidy", since))
    return items


def _permits(population: Population, code: str) -> list[Permit]:
    permits = []
    for cadastral_code in population.properties_of.get(code, []):
        estate = population.properties[cadastral_code]
        rng = derived_random(population, "tbilisi-permits", cadastral_code)
        if not estate.address.in_tbilisi or rng.random() >= 0.5:
            continue
        kind: PermitKind = rng.choice(("construction", "outdoor-advertising"))
        issued = REFERENCE_DATE - timedelta(days=rng.randint(10, 1500))
        valid_until = issued + timedelta(days=365 * (3 if kind == "construction" else 1))
        permits.append(
            Permit(
                number=f"01-{issued:%y}{rng.randrange(10**6):06d}",
                kind=kind,
                kind_name=_PERMIT_NAMES[kind],
                cadastral_code=cadastral_code,
                issued_on=issued,
                valid_until=valid_until,
                status="valid" if valid_until >= REFERENCE_DATE else "expired",
            )
        )
    return permits


IMPOUND_LOTS: Final = (
    text("თბილისი, ფონიჭალა, ქიზიყის ქ. 5", "Tbilisi, Ponichala, 5 Kiziki St."),
    text("თბილისი, დიღომი, აღმაშენებლის ხეივანი 12", "Tbilisi, Dighomi, 12 Agmashenebeli Alley"),
)
TOW_FEE_GEL: Final = 100.0
DAILY_STORAGE_GEL: Final = 10.0
_TOW_REASONS: Final = {
    "no-parking": text("პარკირება აკრძალულ ადგილას", "Parked where parking is forbidden"),
    "pavement": text("პარკირება ტროტუარზე", "Parked on the pavement"),
    "bus-lane": text("პარკირება საზოგადოებრივი ტრანსპორტის ზოლში", "Parked in a bus lane"),
}


class TowedVehicle(Shape):
    plate: str
    towed_at: datetime
    towed_from: Text
    reason: str = Field(json_schema_extra={"enum": list(_TOW_REASONS)})
    reason_name: Text
    impound_lot: Text
    status: Literal["at-impound", "released"]
    released_at: datetime | None
    fee_gel: float


class TowedVehiclesData(Shape):
    items: list[TowedVehicle]


def tow(
    plate: str,
    at: datetime,
    street: Text,
    reason: str,
    lot: int,
    released_at: datetime | None,
) -> TowedVehicle:
    """A tow; the fee is the tow plus storage for every day begun at the lot."""
    days = ((released_at or datetime(2026, 11, 1, tzinfo=GEORGIA_TIME)) - at).days + 1
    return TowedVehicle(
        plate=plate,
        towed_at=at,
        towed_from=street,
        reason=reason,
        reason_name=_TOW_REASONS[reason],
        impound_lot=IMPOUND_LOTS[lot],
        status="released" if released_at else "at-impound",
        released_at=released_at,
        fee_gel=TOW_FEE_GEL + DAILY_STORAGE_GEL * max(days, 1),
    )


def towed_vehicles(population: Population, subject: Subject) -> TowedVehiclesData:
    """Tows in Tbilisi of the vehicles registered to the subject, by their plates; rare."""
    items = []
    for plate in population.vehicles_of.get(subject.id, []):
        rng = derived_random(population, "tbilisi-towing", plate)
        if rng.random() >= 0.06:
            continue
        day = REFERENCE_DATE - timedelta(days=rng.randint(1, 700))
        at = datetime(
            day.year, day.month, day.day, rng.randint(8, 21), rng.randint(0, 59),
            tzinfo=GEORGIA_TIME,
        )  # fmt: skip
        street = rng.choice(AddressNames.street_titles)
        items.append(
            tow(
                plate,
                at,
                text(f"თბილისი, {street} ქ.", f"Tbilisi, {romanise(street)} St."),
                rng.choice(list(_TOW_REASONS)),
                rng.randrange(len(IMPOUND_LOTS)),
                at + timedelta(hours=rng.randint(2, 30)),
            )
        )
    items.sort(key=lambda item: item.towed_at, reverse=True)
    return TowedVehiclesData(items=items)


def municipal_data(population: Population, subject: Subject) -> MunicipalData:
    person = population.persons.get(subject.id)
    company = population.companies.get(subject.id)
    address = person.address if person else company.address if company else None
    resident = bool(address and address.in_tbilisi)
    district = address.district if address and resident else -1
    permits, fines = _parking(population, subject.id, district)
    zone = TBILISI_DISTRICTS[district] if district >= 0 else None
    return MunicipalData(
        resident=resident,
        district=text(zone.ka, zone.en) if zone else None,
        parking_permits=permits,
        parking_fines=fines,
        programmes=_programmes(population, person) if person and resident else [],
        permits=_permits(population, subject.id) if company else [],
    )


AGENCY = Agency(
    id="tbilisi",
    name=AGENCY_NAMES["tbilisi"],
    description="Municipal data of Tbilisi: residency and district, residential parking "
    "permits and parking fines, municipal programmes, a company's municipal permits. A "
    "subject Tbilisi knows nothing about gets `resident: false` and empty lists.",
    operations=(
        Operation(
            name="municipal-data",
            summary="Municipal data",
            description="Parking permits and fines, municipal programmes (transport "
            "benefits, kindergarten, utility subsidy) and permits (construction, advertising).",
            subjects=("person", "company"),
            model=MunicipalData,
            derive=municipal_data,
        ),
        Operation(
            name="towed-vehicles",
            summary="Towed vehicles",
            description="The subject's vehicles the municipal tow service took away, by "
            "plate: when, from where, why, the impound lot, released or not, the fee.",
            subjects=("person", "company"),
            model=TowedVehiclesData,
            derive=towed_vehicles,
        ),
    ),
)
