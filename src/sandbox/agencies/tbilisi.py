"""Tbilisi City Hall (თბილისის მერია): residents' municipal data.

Parking permits and parking fines for the subject's vehicles, municipal programmes a
resident takes part in (by age, studies, benefits), and a company's municipal permits.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Final, Literal

from faker.providers.address.ka_GE import Provider as AddressNames

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
    ),
)
