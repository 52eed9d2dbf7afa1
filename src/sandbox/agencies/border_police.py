"""Border Police of Georgia (საქართველოს სასაზღვრო პოლიცია): border crossings."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Final, Literal

from owexchange import Subject

from ..population import REFERENCE_DATE, Population
from .civil_registry import DocumentKind, IdentityDocument, documents_of
from .operations import Agency, Operation
from .patrol_police import GEORGIA_TIME
from .values import AGENCY_NAMES, Shape, Text, derived_random, text

Transport = Literal["air", "road", "sea"]
# code, Georgian, English, transport, neighbour country (ka, en), weight
_CHECKPOINTS: Final = (
    ("TBS", "თბილისის საერთაშორისო აეროპორტი", "Tbilisi International Airport", "air", None, 50),
    ("KUT", "ქუთაისის საერთაშორისო აეროპორტი", "Kutaisi International Airport", "air", None, 18),
    ("BUS", "ბათუმის საერთაშორისო აეროპორტი", "Batumi International Airport", "air", None, 6),
    ("SRP", "სარფი", "Sarpi", "road", ("თურქეთი", "Turkey"), 14),
    ("SDK", "სადახლო", "Sadakhlo", "road", ("სომხეთი", "Armenia"), 5),
    ("RBR", "წითელი ხიდი", "Red Bridge", "road", ("აზერბაიჯანი", "Azerbaijan"), 4),
    ("LRS", "ყაზბეგი (ლარსი)", "Kazbegi (Lars)", "road", ("რუსეთი", "Russia"), 2),
    ("BTP", "ბათუმის საზღვაო პორტი", "Batumi Sea Port", "sea", ("თურქეთი", "Turkey"), 1),
)
_LAND: Final = tuple(row for row in _CHECKPOINTS if row[3] == "road")
_DESTINATIONS: Final = (
    ("თურქეთი", "Turkey"),
    ("გერმანია", "Germany"),
    ("საბერძნეთი", "Greece"),
    ("იტალია", "Italy"),
    ("ისრაელი", "Israel"),
    ("არაბთა გაერთიანებული საამიროები", "United Arab Emirates"),
    ("პოლონეთი", "Poland"),
    ("საფრანგეთი", "France"),
    ("ესპანეთი", "Spain"),
)


class TravelDocument(Shape):
    kind: DocumentKind
    number: str


class BorderCrossing(Shape):
    crossed_at: datetime
    direction: Literal["exit", "entry"]
    checkpoint_code: str
    checkpoint: Text
    transport: Transport
    country: Text
    document: TravelDocument
    plate: str | None


class BorderCrossingsData(Shape):
    items: list[BorderCrossing]


def _valid_document(
    documents: list[IdentityDocument], day: date, air: bool
) -> IdentityDocument | None:
    for document in documents:
        if air and document.kind != "passport":
            continue
        if (
            document.kind != "birth-certificate"
            and document.issued_on <= day
            and (document.valid_until is None or day <= document.valid_until)
        ):
            return document
    return None


def border_crossings(population: Population, subject: Subject) -> BorderCrossingsData:
    """Return trips over the last five years, with a document valid on the day."""
    person = population.persons.get(subject.id)
    if person is None or person.age() < 14:
        return BorderCrossingsData(items=[])
    rng = derived_random(population, "border-crossings", person.personal_number)
    if rng.random() >= 0.4:
        return BorderCrossingsData(items=[])
    documents = sorted(documents_of(population, person), key=lambda d: d.kind != "passport")
    plates = population.vehicles_of.get(person.personal_number, [])
    items: list[BorderCrossing] = []
    day = REFERENCE_DATE - timedelta(days=rng.randint(200, 5 * 365))
    for _ in range(rng.choices((1, 2, 3, 4, 6, 8), (30, 25, 20, 12, 8, 5))[0]):
        passport = any(d.kind == "passport" for d in documents)
        checkpoint = rng.choices(_CHECKPOINTS, [row[5] for row in _CHECKPOINTS])[0]
        if not passport:
            checkpoint = rng.choice(_LAND[:3])
        code, name, name_en, transport, neighbour, _ = checkpoint
        document = _valid_document(documents, day, transport == "air")
        back = day + timedelta(days=rng.randint(2, 21))
        if document is None or back > REFERENCE_DATE:
            break
        country = text(*(neighbour or rng.choice(_DESTINATIONS)))
        plate = (
            rng.choice(plates) if plates and transport == "road" and rng.random() < 0.6 else None
        )
        for direction, when in (("exit", day), ("entry", back)):
            items.append(
                BorderCrossing(
                    crossed_at=datetime(
                        when.year,
                        when.month,
                        when.day,
                        rng.randint(0, 23),
                        rng.randint(0, 59),
                        tzinfo=GEORGIA_TIME,
                    ),
                    direction=direction,  # type: ignore[arg-type]
                    checkpoint_code=code,
                    checkpoint=text(name, name_en),
                    transport=transport,  # type: ignore[arg-type]
                    country=country,
                    document=TravelDocument(kind=document.kind, number=document.number),
                    plate=plate,
                )
            )
        day = back + timedelta(days=rng.randint(20, 300))
    items.sort(key=lambda crossing: crossing.crossed_at, reverse=True)
    return BorderCrossingsData(items=items)


AGENCY = Agency(
    id="border-police",
    name=AGENCY_NAMES["border-police"],
    description="Crossings of the state border by a person (Ministry of Internal Affairs). "
    "A person who never crossed, or an unknown one, gets an empty list.",
    operations=(
        Operation(
            name="border-crossings",
            summary="Border crossings",
            description="Exits and entries: date and time, checkpoint, transport, the "
            "travel document used and, by road, the vehicle's plate.",
            subjects=("person",),
            model=BorderCrossingsData,
            derive=border_crossings,
        ),
    ),
)
