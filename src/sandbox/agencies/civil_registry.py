"""Public Service Development Agency (სახელმწიფო სერვისების განვითარების სააგენტო).

The civil registry: a person's identity, registered address, family and identity documents.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from pydantic import Field

from owexchange import Subject

from ..population import REFERENCE_DATE, Person, Population
from .operations import Agency, Operation, not_found
from .values import (
    AGENCY_NAMES,
    PostalAddress,
    Shape,
    Text,
    derived_random,
    municipality_text,
    postal_address,
    text,
)

PN_PATTERN = r"^\d{11}$"


class PersonData(Shape):
    personal_number: str = Field(pattern=PN_PATTERN)
    first_name: Text
    last_name: Text
    sex: Literal["female", "male"]
    birth_date: date
    birth_place: Text
    citizenship: Literal["GEO"]
    status: Literal["active"]


class AddressData(Shape):
    registered_address: PostalAddress
    registered_since: date


Relation = Literal["spouse", "father", "mother", "son", "daughter"]
_RELATION_NAMES = {
    "spouse": text("მეუღლე", "Spouse"),
    "father": text("მამა", "Father"),
    "mother": text("დედა", "Mother"),
    "son": text("შვილი (ვაჟი)", "Son"),
    "daughter": text("შვილი (ქალიშვილი)", "Daughter"),
}


class Relative(Shape):
    relation: Relation
    relation_name: Text
    personal_number: str = Field(pattern=PN_PATTERN)
    first_name: Text
    last_name: Text
    birth_date: date


class FamilyData(Shape):
    marital_status: Literal["married", "single"]
    marriage_date: date | None
    relatives: list[Relative]


DocumentKind = Literal["id-card", "passport", "birth-certificate"]
_DOCUMENT_NAMES = {
    "id-card": text("პირადობის მოწმობა", "Identity card"),
    "passport": text("საქართველოს მოქალაქის პასპორტი", "Passport of a citizen of Georgia"),
    "birth-certificate": text("დაბადების მოწმობა", "Birth certificate"),
}


class IdentityDocument(Shape):
    kind: DocumentKind
    kind_name: Text
    number: str
    issued_on: date
    valid_until: date | None
    issuer: Text
    status: Literal["valid", "expired"]


class IdentityDocumentsData(Shape):
    items: list[IdentityDocument]


def _person(population: Population, subject: Subject) -> Person:
    person = population.persons.get(subject.id)
    if person is None:
        raise not_found(subject)
    return person


def person_data(population: Population, subject: Subject) -> PersonData:
    person = _person(population, subject)
    return PersonData(
        personal_number=person.personal_number,
        first_name=text(person.first_name, person.first_name_en),
        last_name=text(person.last_name, person.last_name_en),
        sex=person.sex,  # type: ignore[arg-type]
        birth_date=person.birth_date,
        birth_place=municipality_text(person.birth_place),
        citizenship="GEO",
        status="active",
    )


def address_data(population: Population, subject: Subject) -> AddressData:
    person = _person(population, subject)
    return AddressData(
        registered_address=postal_address(person.address),
        registered_since=person.registered_since,
    )


def _relative(population: Population, relation: Relation, personal_number: str) -> Relative:
    relative = population.persons[personal_number]
    return Relative(
        relation=relation,
        relation_name=_RELATION_NAMES[relation],
        personal_number=personal_number,
        first_name=text(relative.first_name, relative.first_name_en),
        last_name=text(relative.last_name, relative.last_name_en),
        birth_date=relative.birth_date,
    )


def family_data(population: Population, subject: Subject) -> FamilyData:
    person = _person(population, subject)
    relatives = []
    if person.spouse:
        relatives.append(_relative(population, "spouse", person.spouse))
    if person.father:
        relatives.append(_relative(population, "father", person.father))
    if person.mother:
        relatives.append(_relative(population, "mother", person.mother))
    for child in person.children:
        relation: Relation = "son" if population.persons[child].sex == "male" else "daughter"
        relatives.append(_relative(population, relation, child))
    return FamilyData(
        marital_status="married" if person.spouse else "single",
        marriage_date=person.marriage_date,
        relatives=relatives,
    )


def _years_later(day: date, years: int) -> date:
    return day.replace(year=day.year + years, day=min(day.day, 28))


def _number(rng_value: int, issued: date, series: str) -> str:
    return f"{issued.year % 100:02d}{series}{rng_value:05d}"


def identity_documents(population: Population, person: Person) -> list[IdentityDocument]:
    """A birth certificate under 14; an ID card (and its predecessor) and perhaps a passport."""
    rng = derived_random(population, "identity-documents", person.personal_number)
    issuer = AGENCY_NAMES["civil-registry"]
    documents: list[IdentityDocument] = []
    if person.age() < 14:
        issued = person.birth_date + timedelta(days=rng.randint(3, 40))
        documents.append(
            IdentityDocument(
                kind="birth-certificate",
                kind_name=_DOCUMENT_NAMES["birth-certificate"],
                number=_number(rng.randrange(100_000), issued, "BC"),
                issued_on=issued,
                valid_until=None,
                issuer=issuer,
                status="valid",
            )
        )
        return documents
    earliest = max(_years_later(person.birth_date, 14), date(2011, 8, 1))
    issued = max(earliest, REFERENCE_DATE - timedelta(days=rng.randint(30, 3600)))
    if issued - timedelta(days=3652) >= earliest:
        previous = issued - timedelta(days=3652)
        documents.append(_card("id-card", rng.randrange(100_000), previous, issuer))
    documents.append(_card("id-card", rng.randrange(100_000), issued, issuer))
    if person.age() >= 16 and rng.random() < 0.45:
        passport_issued = REFERENCE_DATE - timedelta(days=rng.randint(30, 3600))
        passport_issued = max(passport_issued, _years_later(person.birth_date, 16))
        documents.append(_card("passport", rng.randrange(100_000), passport_issued, issuer))
    return documents


def _card(kind: DocumentKind, serial: int, issued: date, issuer: Text) -> IdentityDocument:
    valid_until = _years_later(issued, 10)
    return IdentityDocument(
        kind=kind,
        kind_name=_DOCUMENT_NAMES[kind],
        number=_number(serial, issued, "ID" if kind == "id-card" else "PA"),
        issued_on=issued,
        valid_until=valid_until,
        issuer=issuer,
        status="valid" if valid_until >= REFERENCE_DATE else "expired",
    )


def identity_documents_data(population: Population, subject: Subject) -> IdentityDocumentsData:
    person = _person(population, subject)
    written = population.overrides.get(("identity-documents", person.personal_number))
    if written is not None:
        return IdentityDocumentsData.model_validate(written)
    return IdentityDocumentsData(items=identity_documents(population, person))


def documents_of(population: Population, person: Person) -> list[IdentityDocument]:
    """The person's documents as the registry answers them (hand-written for the demo set)."""
    return identity_documents_data(population, Subject.person(person.personal_number)).items


AGENCY = Agency(
    id="civil-registry",
    name=AGENCY_NAMES["civil-registry"],
    description="The civil registry: persons, registered addresses, family relations and "
    "identity documents. Every operation is about a person; an unknown personal number is "
    "`not-found` (404).",
    operations=(
        Operation(
            name="person",
            summary="A person's identity",
            description="Name (Georgian and Latin), sex, birth date and place, citizenship.",
            subjects=("person",),
            model=PersonData,
            derive=person_data,
        ),
        Operation(
            name="address",
            summary="The registered address",
            description="The address the person is registered at, and since when.",
            subjects=("person",),
            model=AddressData,
            derive=address_data,
        ),
        Operation(
            name="family",
            summary="Family relations",
            description="Spouse, parents and children known to the civil registry.",
            subjects=("person",),
            model=FamilyData,
            derive=family_data,
        ),
        Operation(
            name="identity-documents",
            summary="Identity documents",
            description="ID cards, passports and (under 14) the birth certificate.",
            subjects=("person",),
            model=IdentityDocumentsData,
            derive=identity_documents_data,
        ),
    ),
)
