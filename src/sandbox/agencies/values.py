"""Values every agency's answers share: bilingual text, parties, postal addresses."""

from __future__ import annotations

import random
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..population import Address, Population, Ref
from ..providers import MUNICIPALITIES, TBILISI_DISTRICTS


class Shape(BaseModel):
    """Base of every documented shape: unknown fields are refused both ways."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Shape):
    """The same text in Georgian and English."""

    ka: str
    en: str


PartyType = Literal["person", "company", "agency"]


class Party(Shape):
    """A person (personal number), a company (identification code) or an agency (its id)."""

    type: PartyType
    id: str = Field(examples=["01008057492", "404123456", "revenue"])
    name: Text


class PostalAddress(Shape):
    municipality: Text
    district: Text | None = Field(description="Tbilisi's district; null elsewhere.")
    street: Text
    building: str
    apartment: str | None
    text: Text = Field(description="The whole address on one line.")


def text(ka: str, en: str) -> Text:
    return Text(ka=ka, en=en)


def party(population: Population, ref: Ref) -> Party:
    name, name_en = population.name_of(ref)
    return Party(
        type="person" if ref.type == "person" else "company", id=ref.id, name=text(name, name_en)
    )


def person_party(population: Population, personal_number: str) -> Party:
    return party(population, Ref("person", personal_number))


def company_party(population: Population, code: str) -> Party:
    return party(population, Ref("company", code))


AGENCY_NAMES: dict[str, Text] = {
    "civil-registry": text(
        "სახელმწიფო სერვისების განვითარების სააგენტო", "Public Service Development Agency"
    ),
    "public-registry": text(
        "საჯარო რეესტრის ეროვნული სააგენტო", "National Agency of Public Registry"
    ),
    "revenue": text("შემოსავლების სამსახური", "Revenue Service"),
    "patrol-police": text("საპატრულო პოლიცია", "Patrol Police"),
    "border-police": text("საქართველოს სასაზღვრო პოლიცია", "Border Police of Georgia"),
    "enforcement": text("აღსრულების ეროვნული ბიურო", "National Bureau of Enforcement"),
    "social-service": text("სოციალური მომსახურების სააგენტო", "Social Service Agency"),
    "education": text(
        "საქართველოს განათლების, მეცნიერებისა და ახალგაზრდობის სამინისტრო",
        "Ministry of Education, Science and Youth of Georgia",
    ),
    "tbilisi": text("თბილისის მერია", "Tbilisi City Hall"),
}


def agency_party(agency_id: str) -> Party:
    return Party(type="agency", id=agency_id, name=AGENCY_NAMES[agency_id])


def municipality_text(index: int) -> Text:
    municipality = MUNICIPALITIES[index]
    return text(municipality.ka, municipality.en)


def postal_address(address: Address) -> PostalAddress:
    municipality = MUNICIPALITIES[address.municipality]
    district = TBILISI_DISTRICTS[address.district] if address.district >= 0 else None
    apartment = str(address.apartment) if address.apartment else None
    flat_ka = f", ბ. {apartment}" if apartment else ""
    flat_en = f", apt. {apartment}" if apartment else ""
    district_ka = f", {district.ka_genitive} რაიონი" if district else ""
    district_en = f", {district.en} district" if district else ""
    city_ka = f"ქ. {municipality.ka}" if address.in_tbilisi else municipality.ka
    return PostalAddress(
        municipality=text(municipality.ka, municipality.en),
        district=text(district.ka, district.en) if district else None,
        street=text(address.street, address.street_en),
        building=address.building,
        apartment=apartment,
        text=text(
            f"{city_ka}{district_ka}, {address.street} №{address.building}{flat_ka}",
            f"{address.building} {address.street_en}{flat_en}{district_en}, {municipality.en}",
        ),
    )


def derived_random(population: Population, topic: str, key: str) -> random.Random:
    """A random stream for one subject's records: the same for the same seed, topic and key.

    The demo set's streams do not depend on the seed, so its records never change.
    """
    seed = "demo" if key in population.demo_keys else population.seed
    return random.Random(f"{seed}:{topic}:{key}")  # noqa: S311 — synthetic data


def money(value: float) -> float:
    return round(value, 2)
