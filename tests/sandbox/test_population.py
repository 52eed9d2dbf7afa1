"""The synthetic population: deterministic, coherent, with valid identifiers and the demo set."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable
from typing import Any

import pytest
from faker import Faker

from owexchange import ProtocolRefusal, Subject
from sandbox import demo
from sandbox.agencies import AGENCIES
from sandbox.agencies.operations import Operation
from sandbox.population import REFERENCE_DATE, Population, generate
from sandbox.providers import (
    GeorgiaProvider,
    is_cadastral_code,
    is_company_code,
    is_personal_number,
    is_plate,
    is_vin,
    romanise,
)
from tests.sandbox_process import REPOSITORY


def _snapshot(population: Population) -> tuple[object, ...]:
    return (
        list(population.persons.values()),
        list(population.companies.values()),
        list(population.vehicles.values()),
        list(population.properties.values()),
        list(population.mortgages.values()),
        list(population.share_pledges.values()),
    )


def _answers(population: Population, limit: int = 150) -> list[object]:
    """Every agency's answer for the first persons and companies, as JSON."""
    answers: list[object] = []
    subjects = [Subject.person(pn) for pn in list(population.persons)[:limit]]
    subjects += [Subject.company(code) for code in list(population.companies)[: limit // 5]]
    for agency in AGENCIES.values():
        for operation in agency.operations:
            for subject in subjects:
                if subject.type in operation.subjects:
                    try:
                        answers.append(
                            operation.answer(population, subject).model_dump(mode="json")
                        )
                    except ProtocolRefusal as refusal:  # not-found is an answer too
                        answers.append(refusal.reason)
    return answers


def test_the_same_seed_gives_the_same_population_and_records() -> None:
    first, second = generate(seed=7, persons=600), generate(seed=7, persons=600)
    assert _snapshot(first) == _snapshot(second)
    assert _answers(first) == _answers(second)


def test_another_seed_gives_another_population() -> None:
    first, second = generate(seed=7, persons=600), generate(seed=8, persons=600)
    assert list(first.persons) != list(second.persons)
    assert _answers(first) != _answers(second)


@pytest.mark.parametrize("persons", [0, 1, 5, 37])
def test_any_number_of_persons(persons: int) -> None:
    population = generate(seed=1, persons=persons)
    generated = [p for p in population.persons.values() if not p.demo]
    assert len(generated) == persons
    population.reindex()


def test_identifiers_are_valid_and_unique(population: Population) -> None:
    assert all(is_personal_number(pn) for pn in population.persons)
    assert all(is_company_code(code) for code in population.companies)
    assert all(is_plate(plate) for plate in population.vehicles)
    assert all(is_vin(vehicle.vin) for vehicle in population.vehicles.values())
    assert all(is_cadastral_code(code) for code in population.properties)
    vins = Counter(vehicle.vin for vehicle in population.vehicles.values())
    assert vins.most_common(1)[0][1] == 1
    numbers = [e.registration_number for e in population.properties.values()]
    numbers += list(population.mortgages) + list(population.share_pledges)
    assert len(numbers) == len(set(numbers))


def test_names_are_georgian_with_a_latin_transliteration(population: Population) -> None:
    for person in list(population.persons.values())[:300]:
        assert person.first_name_en == romanise(person.first_name)
        assert person.last_name_en == romanise(person.last_name)
        assert all("\u10d0" <= char <= "\u10ff" for char in person.first_name)
        assert person.first_name_en.isascii()
    assert romanise("ჭავჭავაძე") == "Chavchavadze"
    assert romanise("ყაზბეგის გამზ.") == "Qazbegis Ave."


def test_the_faker_provider_makes_well_formed_identifiers() -> None:
    fake = Faker("ka_GE")
    fake.add_provider(GeorgiaProvider)
    fake.seed_instance(3)
    for _ in range(50):
        assert is_personal_number(fake.personal_number())
        assert is_company_code(fake.company_code())
        assert is_plate(fake.georgian_plate())
        assert is_cadastral_code(fake.cadastral_code())
        assert is_vin(fake.vin())


def test_family_links_are_symmetric_and_plausible(population: Population) -> None:
    persons = population.persons
    married = 0
    for person in persons.values():
        if person.spouse:
            married += 1
            spouse = persons[person.spouse]
            assert spouse.spouse == person.personal_number
            assert spouse.marriage_date == person.marriage_date
            assert spouse.sex != person.sex
        for parent_pn, relation in ((person.father, "male"), (person.mother, "female")):
            if parent_pn:
                parent = persons[parent_pn]
                assert person.personal_number in parent.children
                assert parent.sex == relation
                assert 15 <= person.birth_date.year - parent.birth_date.year <= 50
        for child in person.children:
            assert person.personal_number in (persons[child].father, persons[child].mother)
        assert person.birth_date <= REFERENCE_DATE
    assert married > len(persons) // 4


def test_every_party_exists_and_shares_add_up(population: Population) -> None:
    persons, companies = population.persons, population.companies
    for company in companies.values():
        if company.partners:
            assert sum(h.share for h in company.partners) == pytest.approx(100)
        for holding in company.partners:
            assert holding.owner.id in (persons if holding.owner.type == "person" else companies)
        for appointment in (*company.directors, *company.representatives):
            assert appointment.person in persons
            assert persons[appointment.person].age(appointment.since) >= 16
    for vehicle in population.vehicles.values():
        assert vehicle.owner.id in (persons if vehicle.owner.type == "person" else companies)
    for estate in population.properties.values():
        assert sum(h.share for h in estate.owners) == pytest.approx(100, abs=0.05)
        for holding in estate.owners:
            assert holding.owner.id in persons or holding.owner.id in companies
    for mortgage in population.mortgages.values():
        assert companies[mortgage.mortgagee].kind == "bank"
        assert (
            mortgage.registration_number in population.properties[mortgage.cadastral_code].mortgages
        )
    for pledge in population.share_pledges.values():
        partners = {h.owner for h in companies[pledge.company].partners}
        assert pledge.pledgor in partners


def _ask(population: Population, operation: str, subject: Subject) -> Any:
    for agency in AGENCIES.values():
        found = agency.operation(operation)
        if found:
            return found.answer(population, subject).model_dump(mode="json")
    raise AssertionError(operation)


def test_agencies_agree_about_the_same_things(population: Population) -> None:
    # a vehicle's owner sees it with the patrol police
    for vehicle in list(population.vehicles.values())[:100]:
        subject = Subject.from_json(vehicle.owner._asdict())
        plates = [v["plate"] for v in _ask(population, "vehicles", subject)["items"]]
        assert vehicle.plate in plates
    # a company's directors find it among their roles in the entrepreneurs' registry
    for company in list(population.companies.values())[:100]:
        for appointment in company.directors:
            roles = _ask(population, "entrepreneurs", Subject.person(appointment.person))["roles"]
            assert {"code": company.code, "role": "director"} in [
                {"code": r["company"]["id"], "role": r["role"]} for r in roles
            ]
    # fines are for the subject's own plates; crossings use the subject's documents
    for pn in list(population.persons)[:400]:
        subject = Subject.person(pn)
        own = set(population.vehicles_of.get(pn, []))
        for fine in _ask(population, "fines", subject)["items"]:
            assert fine["plate"] in own
        documents = {d["number"] for d in _ask(population, "identity-documents", subject)["items"]}
        for crossing in _ask(population, "border-crossings", subject)["items"]:
            assert crossing["document"]["number"] in documents
            assert crossing["plate"] is None or crossing["plate"] in own


def test_pensions_follow_age(population: Population) -> None:
    for person in list(population.persons.values())[:500]:
        pensions = _ask(population, "pensions", Subject.person(person.personal_number))["items"]
        old_age = [p for p in pensions if p["kind"] == "old-age"]
        retired = person.age() >= (60 if person.sex == "female" else 65)
        assert bool(old_age) == retired


def test_the_demo_set_is_the_same_for_every_seed() -> None:
    one, other = generate(seed=1, persons=300), generate(seed=99, persons=300)
    for pn in (*demo.RICH_PERSONS, *demo.RELATIVES):
        assert one.persons[pn] == other.persons[pn]
    for code in (*demo.COMPANIES, demo.LEVAN_IE):
        assert one.companies[code] == other.companies[code]
    assert _answers_of_demo(one) == _answers_of_demo(other)


def _about_subjects(operations: Iterable[Operation]) -> list[Operation]:
    """The operations answered for a subject alone (not those about one registered
    document, which tests/sandbox/test_registered_documents.py covers)."""
    return [operation for operation in operations if operation.derive_document is None]


def _answers_of_demo(population: Population) -> list[object]:
    subjects = [Subject.person(pn) for pn in (*demo.RICH_PERSONS, *demo.RELATIVES)]
    subjects += [Subject.company(code) for code in demo.COMPANIES]
    answers: list[object] = []
    for agency in AGENCIES.values():
        for operation in _about_subjects(agency.operations):
            for subject in subjects:
                if subject.type in operation.subjects:
                    data = operation.answer(population, subject).model_dump(mode="json")
                    if operation.name != "authorised-persons":
                        answers.append(data)
    return answers


def _non_empty(data: dict[str, object]) -> bool:
    return any(value not in ([], None, False, 0.0) for value in data.values())


def test_the_demo_persons_have_data_in_every_agency(population: Population) -> None:
    for pn in demo.RICH_PERSONS:
        subject = Subject.person(pn)
        agencies_with_data = set()
        for agency in AGENCIES.values():
            for operation in _about_subjects(agency.operations):
                if "person" in operation.subjects:
                    data = operation.answer(population, subject).model_dump(mode="json")
                    if _non_empty(data):
                        agencies_with_data.add(agency.id)
        missing = set(AGENCIES) - agencies_with_data
        # Only Levan lives outside Tbilisi, and only Mariam and Tamaz owe nothing.
        assert missing <= {"enforcement", "revenue", "public-registry"}, (pn, missing)
    every_operation = {
        operation.name
        for agency in AGENCIES.values()
        for operation in _about_subjects(agency.operations)
        if any(
            "person" in operation.subjects
            and _non_empty(operation.answer(population, Subject.person(pn)).model_dump())
            for pn in demo.RICH_PERSONS
        )
    }
    assert every_operation == {
        op.name
        for a in AGENCIES.values()
        for op in _about_subjects(a.operations)
        if "person" in op.subjects
    }


def test_the_demo_companies_are_in_the_registries(population: Population) -> None:
    construction = _ask(population, "entrepreneurs", Subject.company(demo.BERIDZE_CONSTRUCTION))
    extract = construction["company"]
    assert extract["name"]["en"] == "Beridze Construction LLC"
    assert [p["partner"]["id"] for p in extract["partners"]] == [demo.GIORGI, demo.LEVAN]
    for code in demo.COMPANIES:
        for operation in ("real-estate", "authorised-persons", "municipal-data"):
            assert _non_empty(_ask(population, operation, Subject.company(code)))
    pledges = _ask(population, "share-pledges", Subject.person(demo.GIORGI))["items"]
    assert pledges[0]["company"]["id"] == demo.BERIDZE_CONSTRUCTION


def test_the_hand_written_answers_have_the_documented_shapes(population: Population) -> None:
    for (operation_name, subject_id), written in population.overrides.items():
        operation = next(
            op for a in AGENCIES.values() for op in a.operations if op.name == operation_name
        )
        assert operation.model.model_validate(written).model_dump(mode="json") is not None
        assert subject_id in population.persons or subject_id in population.companies


def test_measure_prints_time_and_memory_as_json() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "sandbox.population", "--persons", "300", "--measure"],
        capture_output=True,
        check=True,
        cwd=REPOSITORY / "src",
        text=True,
    )
    result = json.loads(completed.stdout)
    assert result["persons"] >= 300
    assert result["seconds"] >= 0
    assert result["peak_rss_mb"] > 0
