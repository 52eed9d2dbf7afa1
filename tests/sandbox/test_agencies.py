"""What the agencies answer over HTTP: envelopes, subjects, coherence, access reports."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from owexchange import (
    PORTAL,
    ReplayCache,
    TrustStore,
    load_private_key,
    sign_response,
    verify_request,
)
from sandbox import demo
from sandbox.access_reports import PATH, report_accesses
from sandbox.agencies import AGENCIES
from sandbox.agencies.operations import Operation
from sandbox.app import answer_model
from sandbox.population import Population
from tests.sandbox.conftest import Portal, company, person
from tests.sandbox_process import RunningSandbox

# Operations about one registered document need `parameters.document`: see
# test_registered_documents.py.
EVERY_OPERATION = [
    (agency.id, operation)
    for agency in AGENCIES.values()
    for operation in agency.operations
    if operation.derive_document is None
]


@pytest.mark.parametrize(
    ("agency_id", "operation"), EVERY_OPERATION, ids=[op.name for _, op in EVERY_OPERATION]
)
def test_every_operation_answers_the_demo_set_in_its_documented_shape(
    portal: Portal, agency_id: str, operation: Operation
) -> None:
    model = answer_model(AGENCIES[agency_id], operation)
    subjects = [person(pn) for pn in demo.RICH_PERSONS] if "person" in operation.subjects else []
    if "company" in operation.subjects:
        subjects += [company(code) for code in demo.COMPANIES]
    for subject in subjects:
        request = portal.prepare(agency_id, operation.name, subject)
        response = portal.send(request)
        portal.verified(request, response, agency_id)
        assert response.status_code == 200, response.text
        answer = model.model_validate_json(response.content).model_dump(mode="json")
        assert answer["request_id"] == request.meta.request_id
        assert answer["subject"] == subject
        generated = datetime.fromisoformat(response.json()["generated_at"])
        assert generated.tzinfo is not None


def test_an_unknown_person_has_no_records_but_is_not_in_the_civil_registry(
    portal: Portal,
) -> None:
    nobody = person("01059999999")
    assert portal.data("patrol-police", "fines", nobody) == {"total_unpaid_gel": 0.0, "items": []}
    assert portal.data("border-police", "border-crossings", nobody) == {"items": []}
    assert portal.data("enforcement", "debtors-registry", nobody)["registered"] is False
    for operation in ("person", "address", "family", "identity-documents"):
        response = portal.ask("civil-registry", operation, nobody)
        assert (response.status_code, response.json()["reason"]) == (404, "not-found")


def test_an_unknown_company_has_no_registry_extract(portal: Portal) -> None:
    response = portal.ask("public-registry", "entrepreneurs", company("404000000"))
    assert (response.status_code, response.json()["reason"]) == (404, "not-found")
    assert portal.data("revenue", "authorised-persons", company("404000000")) == {"items": []}


@pytest.mark.parametrize(
    ("agency_id", "operation", "subject"),
    [
        ("civil-registry", "person", company(demo.BERIDZE_CONSTRUCTION)),
        ("border-police", "border-crossings", company(demo.BERIDZE_CONSTRUCTION)),
        ("public-registry", "document-participation", company(demo.DIGITAL_SERVICES)),
        ("revenue", "authorised-persons", person(demo.GIORGI)),
    ],
)
def test_a_subject_of_the_wrong_type_is_a_bad_request(
    portal: Portal, agency_id: str, operation: str, subject: dict[str, str]
) -> None:
    response = portal.ask(agency_id, operation, subject)
    assert (response.status_code, response.json()["reason"]) == (400, "bad-request")


def test_the_agencies_agree_over_http(portal: Portal, population: Population) -> None:
    vehicle = next(v for v in population.vehicles.values() if not v.plate.startswith("TB-5"))
    owner = {"type": vehicle.owner.type, "id": vehicle.owner.id}
    plates = [item["plate"] for item in portal.data("patrol-police", "vehicles", owner)["items"]]
    assert vehicle.plate in plates
    a_company = next(c for c in population.companies.values() if c.legal_form == "LLC")
    director = a_company.directors[0].person
    roles = portal.data("public-registry", "entrepreneurs", person(director))["roles"]
    assert (a_company.code, "director") in [(r["company"]["id"], r["role"]) for r in roles]
    extract = portal.data("public-registry", "entrepreneurs", company(a_company.code))["company"]
    assert director in [d["person"]["id"] for d in extract["directors"]]
    authorised = portal.data("revenue", "authorised-persons", company(a_company.code))["items"]
    assert director in [a["person"]["id"] for a in authorised if a["role"] == "director"]


def test_the_demo_story_holds_together(portal: Portal) -> None:
    family = portal.data("civil-registry", "family", person(demo.GIORGI))
    relatives = {(r["relation"], r["personal_number"]) for r in family["relatives"]}
    assert {("spouse", demo.NINO), ("father", demo.TAMAZ), ("daughter", demo.MARIAM)} <= relatives
    fines = portal.data("patrol-police", "fines", person(demo.GIORGI))
    overdue = [f for f in fines["items"] if f["status"] == "unpaid" and f["amount_gel"] == 400]
    cases = portal.data("enforcement", "debtors-registry", person(demo.GIORGI))["items"]
    assert overdue and cases[0]["amount_gel"] == 2 * overdue[0]["amount_gel"]
    mortgages = portal.data("public-registry", "mortgages", person(demo.NINO))["items"]
    estate = portal.data("public-registry", "real-estate", person(demo.NINO))["items"]
    assert mortgages[0]["cadastral_code"] == estate[0]["cadastral_code"]
    assert estate[0]["active_mortgages"] == [mortgages[0]["registration_number"]]
    assert portal.data("social-service", "pensions", person(demo.TAMAZ))["items"][0]["kind"] == (
        "old-age"
    )
    studies = portal.data("education", "education-records", person(demo.MARIAM))["items"]
    assert studies[-1]["status"] == "studying"
    cover = portal.data("social-service", "health-insurance", person(demo.MARIAM))["items"]
    assert cover[0]["package"] == "student"
    debtor = portal.data("enforcement", "debtors-registry", person(demo.LEVAN))
    assert debtor["registered"] and len(debtor["items"]) == 3


def test_answers_are_in_the_message_log(portal: Portal, sandbox: RunningSandbox) -> None:
    request = portal.prepare("tbilisi", "municipal-data", person(demo.TAMAZ), on_behalf_of=None)
    portal.send(request)
    entry = next(
        e for e in sandbox.messages("tbilisi") if e["request_id"] == request.meta.request_id
    )
    assert entry["status"] == 200
    assert entry["client"] == "portal"
    assert entry["subject"] == f"person:{demo.TAMAZ}"
    assert entry["response_signature"]


class FakePortal:
    """The portal's access-report endpoint: verifies the agency's signature, answers 202."""

    def __init__(self, pki_dir: Path, *, tamper: bool = False) -> None:
        self.trust = TrustStore.load(pki_dir)
        self.replay = ReplayCache()
        self.key = load_private_key(pki_dir, PORTAL)
        self.tamper = tamper
        self.reports: list[tuple[str, list[dict[str, str]]]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        meta = verify_request(
            method=request.method,
            url=str(request.url),
            headers=request.headers,
            body=request.content,
            trust=self.trust,
            replay=self.replay,
        )
        assert request.url.path == PATH
        assert (meta.user, meta.purpose) == ("system:access-report", "access-report")
        self.reports.append((meta.client, json.loads(request.content)["entries"]))
        body = json.dumps({"accepted": len(self.reports[-1][1])}).encode()
        headers = sign_response(
            status=202, body=body, request_id=meta.request_id, key=self.key, key_id=PORTAL
        )
        return httpx.Response(202, content=body + (b" " if self.tamper else b""), headers=headers)


def test_access_reports_are_signed_by_each_agency(sandbox: RunningSandbox) -> None:
    fake = FakePortal(sandbox.pki_dir)
    results = report_accesses(
        portal="http://portal.test",
        pki_dir=sandbox.pki_dir,
        count=4,
        seed=1,
        transport=httpx.MockTransport(fake),
    )
    assert [r.problem for r in results] == [None] * len(AGENCIES)
    assert [client for client, _ in fake.reports] == list(AGENCIES)
    for _, entries in fake.reports:
        assert len(entries) == 4
        for entry in entries:
            assert entry["subject"] in demo.RICH_PERSONS
            assert entry["accessor_kind"] == "agency-staff"
            assert entry["accessed_at"].endswith("Z")


def test_a_tampered_portal_answer_to_an_access_report_is_noticed(
    sandbox: RunningSandbox,
) -> None:
    fake = FakePortal(sandbox.pki_dir, tamper=True)
    results = report_accesses(
        portal="http://portal.test",
        pki_dir=sandbox.pki_dir,
        count=1,
        seed=1,
        transport=httpx.MockTransport(fake),
    )
    assert all(r.problem and "digest-mismatch" in r.problem for r in results)
