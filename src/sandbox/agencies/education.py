"""Ministry of Education, Science and Youth (განათლების სამინისტრო): education records."""

from __future__ import annotations

from datetime import date
from typing import Final, Literal

from owexchange import Subject

from ..population import REFERENCE_DATE, Person, Population
from ..providers import MUNICIPALITIES, genitive
from .operations import Agency, Operation
from .values import AGENCY_NAMES, Shape, Text, derived_random, text

Level = Literal["general", "vocational", "bachelor", "master", "doctoral"]
_LEVEL_NAMES = {
    "general": text("ზოგადი განათლება", "General education"),
    "vocational": text("პროფესიული განათლება", "Vocational education"),
    "bachelor": text("ბაკალავრიატი", "Bachelor's degree"),
    "master": text("მაგისტრატურა", "Master's degree"),
    "doctoral": text("დოქტორანტურა", "Doctoral degree"),
}
_UNIVERSITIES: Final = (
    (
        "ივანე ჯავახიშვილის სახელობის თბილისის სახელმწიფო უნივერსიტეტი",
        "Ivane Javakhishvili Tbilisi State University",
    ),
    ("საქართველოს ტექნიკური უნივერსიტეტი", "Georgian Technical University"),
    ("ილიას სახელმწიფო უნივერსიტეტი", "Ilia State University"),
    ("თბილისის სახელმწიფო სამედიცინო უნივერსიტეტი", "Tbilisi State Medical University"),
    ("ბათუმის შოთა რუსთაველის სახელმწიფო უნივერსიტეტი", "Batumi Shota Rustaveli State University"),
    ("აკაკი წერეთლის სახელმწიფო უნივერსიტეტი", "Akaki Tsereteli State University"),
    ("თავისუფალი უნივერსიტეტი", "Free University of Tbilisi"),
    ("კავკასიის უნივერსიტეტი", "Caucasus University"),
)
_PROGRAMMES: Final = (
    ("სამართალი", "Law"),
    ("ეკონომიკა", "Economics"),
    ("მედიცინა", "Medicine"),
    ("კომპიუტერული მეცნიერება", "Computer Science"),
    ("საერთაშორისო ურთიერთობები", "International Relations"),
    ("სამოქალაქო მშენებლობა", "Civil Engineering"),
    ("ქართული ფილოლოგია", "Georgian Philology"),
    ("ბიზნესის ადმინისტრირება", "Business Administration"),
    ("ფსიქოლოგია", "Psychology"),
    ("ჟურნალისტიკა", "Journalism"),
    ("მათემატიკა", "Mathematics"),
    ("არქიტექტურა", "Architecture"),
    ("ტურიზმი", "Tourism"),
    ("ქიმია", "Chemistry"),
)
_COLLEGES: Final = (
    ("კოლეჯი „იკაროსი“", "Ikarosi College"),
    ("კოლეჯი „სპექტრი“", "Spektri College"),
    ("კოლეჯი „მოდუსი“", "Modusi College"),
)
_TRADES: Final = (
    ("ავტომობილის ტექნიკოსი", "Car mechanic"),
    ("მზარეული", "Cook"),
    ("ელექტრიკოსი", "Electrician"),
    ("ბუღალტერი", "Accountant"),
    ("ფარმაცევტი", "Pharmacist assistant"),
)
_DEGREES = {
    "bachelor": ("ბაკალავრი", "Bachelor of"),
    "master": ("მაგისტრი", "Master of"),
    "doctoral": ("დოქტორი", "Doctor of"),
}
Status = Literal["studying", "completed", "discontinued"]


class EducationRecord(Shape):
    level: Level
    level_name: Text
    institution: Text
    programme: Text | None
    qualification: Text | None
    started_on: date
    finished_on: date | None
    status: Status
    document_number: str | None


class EducationRecordsData(Shape):
    items: list[EducationRecord]


def _school(person: Person, number: int) -> Text:
    town = MUNICIPALITIES[person.birth_place]
    return text(
        f"{genitive(town.ka)} №{number} საჯარო სკოლა", f"{town.en} Public School No. {number}"
    )


def _on(year: int, month: int, day: int) -> date:
    return date(year, month, day)


def education_records(population: Population, person: Person) -> list[EducationRecord]:
    """School from 6 (a certificate at 18), then perhaps college, bachelor, master, doctorate."""
    rng = derived_random(population, "education", person.personal_number)
    born = person.birth_date.year + (person.birth_date.month > 9)
    items: list[EducationRecord] = []
    school_start = _on(born + 6, 9, 15)
    if school_start > REFERENCE_DATE:
        return items
    school_end = _on(born + 18, 6, 30)
    done = school_end <= REFERENCE_DATE
    items.append(
        EducationRecord(
            level="general",
            level_name=_LEVEL_NAMES["general"],
            institution=_school(person, rng.randint(1, 220)),
            programme=None,
            qualification=text("სრული ზოგადი განათლება", "Complete general education")
            if done
            else None,
            started_on=school_start,
            finished_on=school_end if done else None,
            status="completed" if done else "studying",
            document_number=f"AT{born + 18}{rng.randrange(10**6):06d}" if done else None,
        )
    )
    if not done:
        return items
    year = born + 18
    if rng.random() < 0.12:
        college, college_en = rng.choice(_COLLEGES)
        trade, trade_en = rng.choice(_TRADES)
        items.append(
            _higher(rng.random(), "vocational", (college, college_en), (trade, trade_en), year, 2)
        )
        year += 2
    if born < 1950 or rng.random() >= 0.55:
        return items
    university = rng.choice(_UNIVERSITIES)
    programme = rng.choice(_PROGRAMMES)
    cycles: tuple[tuple[Level, int, float], ...] = (
        ("bachelor", 4, 1.0),
        ("master", 2, 0.35),
        ("doctoral", 3, 0.12),
    )
    for level, years, chance in cycles:
        if rng.random() >= chance:
            break
        record = _higher(rng.random(), level, university, programme, year, years)
        items.append(record)
        if record.status != "completed":
            break
        year += years
    return items


def _higher(
    chance: float,
    level: Level,
    institution: tuple[str, str],
    programme: tuple[str, str],
    start_year: int,
    years: int,
) -> EducationRecord:
    started = _on(start_year, 9, 15)
    finished = _on(start_year + years, 7, 10)
    status: Status = "completed"
    if finished > REFERENCE_DATE:
        status = "studying"
    elif chance < 0.08:
        status = "discontinued"
        finished = _on(start_year + 1, 7, 1)
    qualification = None
    if status == "completed":
        if level == "vocational":
            qualification = text(f"{programme[0]} (პროფესიული კვალიფიკაცია)", programme[1])
        else:
            degree, degree_en = _DEGREES[level]
            qualification = text(f"{degree} ({programme[0]})", f"{degree_en} {programme[1]}")
    return EducationRecord(
        level=level,
        level_name=_LEVEL_NAMES[level],
        institution=text(*institution),
        programme=text(*programme),
        qualification=qualification,
        started_on=started,
        finished_on=None if status == "studying" else finished,
        status=status,
        document_number=f"D{start_year + years}{int(chance * 10**6):06d}"
        if status == "completed"
        else None,
    )


def education_records_of(population: Population, person: Person) -> list[EducationRecord]:
    """The person's records as the ministry answers them (hand-written for the demo set)."""
    written = population.overrides.get(("education-records", person.personal_number))
    if written is not None:
        return EducationRecordsData.model_validate(written).items
    return education_records(population, person)


def is_student(population: Population, person: Person) -> bool:
    return any(
        record.status == "studying" and record.level != "general"
        for record in education_records_of(population, person)
    )


def is_pupil(population: Population, person: Person) -> bool:
    return any(
        record.status == "studying" and record.level == "general"
        for record in education_records_of(population, person)
    )


def education(population: Population, subject: Subject) -> EducationRecordsData:
    person = population.persons.get(subject.id)
    if person is None:
        return EducationRecordsData(items=[])
    return EducationRecordsData(items=education_records(population, person))


AGENCY = Agency(
    id="education",
    name=AGENCY_NAMES["education"],
    description="Education records: general education, vocational education and higher "
    "education (bachelor, master, doctorate). An unknown person gets an empty list.",
    operations=(
        Operation(
            name="education-records",
            summary="Education records",
            description="Schools, colleges and universities attended, programmes, "
            "qualifications and years, with the status of each.",
            subjects=("person",),
            model=EducationRecordsData,
            derive=education,
        ),
    ),
)
