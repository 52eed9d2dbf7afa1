"""Social Service Agency (სოციალური მომსახურების სააგენტო): pensions, benefits, health cover.

Benefits follow the household (everyone registered at one address), pensions the age,
health cover the person's category (pensioner, child, student, socially vulnerable).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final, Literal

from owexchange import Subject

from ..population import REFERENCE_DATE, Person, Population, financial_company_codes
from .education import is_student
from .operations import Agency, Operation
from .values import AGENCY_NAMES, Party, Shape, Text, company_party, derived_random, text

PAID_THROUGH: Final = date(2026, 10, 31)
PensionKind = Literal["old-age", "disability"]
_PENSION_NAMES = {
    "old-age": text("ასაკით პენსია", "Old-age pension"),
    "disability": text("სოციალური პაკეტი (შეზღუდული შესაძლებლობა)", "Social package (disability)"),
}
BenefitCode = Literal["subsistence-allowance", "child-benefit", "idp-allowance"]
_BENEFIT_NAMES = {
    "subsistence-allowance": text("საარსებო შემწეობა", "Subsistence allowance"),
    "child-benefit": text("ბავშვის შემწეობა", "Child benefit"),
    "idp-allowance": text("იძულებით გადაადგილებული პირის შემწეობა", "IDP allowance"),
}
Package = Literal["basic", "pensioner", "child", "student", "socially-vulnerable"]
_PACKAGE_NAMES = {
    "basic": text("ძირითადი პაკეტი", "Basic package"),
    "pensioner": text("პენსიონერების პაკეტი", "Pensioners' package"),
    "child": text("ბავშვების პაკეტი", "Children's package"),
    "student": text("სტუდენტების პაკეტი", "Students' package"),
    "socially-vulnerable": text("სოციალურად დაუცველთა პაკეტი", "Socially vulnerable package"),
}
_UNIVERSAL = text("საყოველთაო ჯანდაცვის პროგრამა", "Universal Healthcare Programme")
_PRIVATE = text("კერძო სამედიცინო დაზღვევა", "Private health insurance")


class Pension(Shape):
    kind: PensionKind
    kind_name: Text
    status: Literal["active", "suspended"]
    monthly_gel: float
    since: date
    paid_through: date


class PensionsData(Shape):
    items: list[Pension]


class Benefit(Shape):
    programme: BenefitCode
    programme_name: Text
    status: Literal["active", "ended"]
    monthly_gel: float
    since: date
    until: date | None
    rating_score: int | None


class BenefitsData(Shape):
    items: list[Benefit]


class HealthCover(Shape):
    programme: Literal["universal", "private"]
    programme_name: Text
    package: Package | None
    package_name: Text | None
    status: Literal["active", "inactive"]
    insurer: Party | None
    since: date
    until: date | None


class HealthInsuranceData(Shape):
    items: list[HealthCover]


def pension_age(person: Person) -> int:
    return 60 if person.sex == "female" else 65


def _birthday(person: Person, age: int) -> date:
    born = person.birth_date
    return born.replace(year=born.year + age, day=min(born.day, 28))


def pension_items(population: Population, person: Person) -> list[Pension]:
    rng = derived_random(population, "pensions", person.personal_number)
    age = person.age()
    if age >= pension_age(person):
        return [
            Pension(
                kind="old-age",
                kind_name=_PENSION_NAMES["old-age"],
                status="active",
                monthly_gel=395.0 if age >= 70 else 345.0,
                since=_birthday(person, pension_age(person)),
                paid_through=PAID_THROUGH,
            )
        ]
    if age >= 18 and rng.random() < 0.02:
        return [
            Pension(
                kind="disability",
                kind_name=_PENSION_NAMES["disability"],
                status="active",
                monthly_gel=180.0,
                since=REFERENCE_DATE - timedelta(days=rng.randint(60, 4000)),
                paid_through=PAID_THROUGH,
            )
        ]
    return []


def benefit_items(population: Population, person: Person) -> list[Benefit]:
    """Household benefits: the subsistence allowance (children get the child benefit), IDPs."""
    written = population.overrides.get(("benefits", person.personal_number))
    if written is not None:
        return BenefitsData.model_validate(written).items
    household = derived_random(population, "household-benefits", str(person.household))
    items = []
    if household.random() < 0.07:
        score = household.randint(20_000, 99_000)
        since = REFERENCE_DATE - timedelta(days=household.randint(60, 2500))
        code: BenefitCode = "child-benefit" if person.age() < 16 else "subsistence-allowance"
        items.append(
            Benefit(
                programme=code,
                programme_name=_BENEFIT_NAMES[code],
                status="active",
                monthly_gel=200.0 if code == "child-benefit" else 60.0,
                since=max(since, person.birth_date),
                until=None,
                rating_score=score,
            )
        )
    if household.random() < 0.03:
        items.append(
            Benefit(
                programme="idp-allowance",
                programme_name=_BENEFIT_NAMES["idp-allowance"],
                status="active",
                monthly_gel=45.0,
                since=max(date(2008, 10, 1), person.birth_date),
                until=None,
                rating_score=None,
            )
        )
    return items


def is_socially_vulnerable(population: Population, person: Person) -> bool:
    return any(b.programme != "idp-allowance" for b in benefit_items(population, person))


def _next_anniversary(since: date) -> date:
    """A yearly policy's end: the first anniversary of `since` after the reference date."""
    until = since.replace(year=REFERENCE_DATE.year, day=min(since.day, 28))
    return until if until > REFERENCE_DATE else until.replace(year=until.year + 1)


def health_cover(population: Population, person: Person) -> list[HealthCover]:
    rng = derived_random(population, "health-insurance", person.personal_number)
    age = person.age()
    if 22 <= age < 60 and rng.random() < 0.18:
        since = REFERENCE_DATE - timedelta(days=rng.randint(30, 1500))
        insurer = rng.choice(financial_company_codes("insurer"))
        return [
            HealthCover(
                programme="private",
                programme_name=_PRIVATE,
                package=None,
                package_name=None,
                status="active",
                insurer=company_party(population, insurer),
                since=since,
                until=_next_anniversary(since),
            )
        ]
    package: Package = "basic"
    if age >= pension_age(person):
        package = "pensioner"
    elif age < 18:
        package = "child"
    elif is_socially_vulnerable(population, person):
        package = "socially-vulnerable"
    elif is_student(population, person):
        package = "student"
    return [
        HealthCover(
            programme="universal",
            programme_name=_UNIVERSAL,
            package=package,
            package_name=_PACKAGE_NAMES[package],
            status="active",
            insurer=None,
            since=max(person.birth_date, date(2013, 2, 28)),
            until=None,
        )
    ]


def pensions(population: Population, subject: Subject) -> PensionsData:
    person = population.persons.get(subject.id)
    return PensionsData(items=pension_items(population, person) if person else [])


def benefits(population: Population, subject: Subject) -> BenefitsData:
    person = population.persons.get(subject.id)
    return BenefitsData(items=benefit_items(population, person) if person else [])


def health_insurance(population: Population, subject: Subject) -> HealthInsuranceData:
    person = population.persons.get(subject.id)
    return HealthInsuranceData(items=health_cover(population, person) if person else [])


AGENCY = Agency(
    id="social-service",
    name=AGENCY_NAMES["social-service"],
    description="Pensions, social benefits and health cover of a person. An unknown person "
    "gets empty lists.",
    operations=(
        Operation(
            name="pensions",
            summary="Pensions",
            description="Old-age pension (women from 60, men from 65) or the disability "
            "social package, with the monthly amount.",
            subjects=("person",),
            model=PensionsData,
            derive=pensions,
        ),
        Operation(
            name="benefits",
            summary="Social benefits",
            description="Subsistence allowance (with the household's rating score), child "
            "benefit, allowance of internally displaced persons.",
            subjects=("person",),
            model=BenefitsData,
            derive=benefits,
        ),
        Operation(
            name="health-insurance",
            summary="Health insurance status",
            description="Cover under the Universal Healthcare Programme (with the package) "
            "or private health insurance (with the insurer).",
            subjects=("person",),
            model=HealthInsuranceData,
            derive=health_insurance,
        ),
    ),
)
