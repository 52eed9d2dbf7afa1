"""`public-registry/registered-document` over real HTTP: the owner of a property gets the
record and the PDF of a document registered on it; anyone else, and an unknown number,
get `not-found`; a malformed or missing `parameters.document` is a `bad-request`."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
from typing import Any

import pytest

from sandbox import demo
from sandbox.agencies import AGENCIES
from sandbox.app import answer_model
from tests.sandbox.conftest import Portal, company, person
from tests.sandbox_process import RunningSandbox

AGENCY = "public-registry"
OPERATION = "registered-document"
NINO_DEED = "882019900101"  # Nino's and Giorgi's apartment in Vake, bought in 2019
NINO_MORTGAGE = "882019900102"
LEVAN_DEED = "882017900106"


def body(subject: dict[str, str], parameters: dict[str, Any]) -> bytes:
    return json.dumps({"subject": subject, "parameters": parameters}).encode()


def ask(portal: Portal, subject: dict[str, str], number: object) -> Any:
    raw = body(subject, {"document": {"registration_number": number}})
    request = portal.prepare(AGENCY, OPERATION, subject, body=raw)
    response = portal.send(request)
    portal.verified(request, response, AGENCY)
    return request, response


def pdf_text(pdf: bytes) -> str:
    """The text of the PDF as poppler reads it (so the file is a real, readable PDF)."""
    done = subprocess.run(
        ["pdftotext", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
        timeout=30,
    )
    return done.stdout.decode()


def test_real_estate_lists_the_documents_registered_on_each_property(portal: Portal) -> None:
    items = portal.data(AGENCY, "real-estate", person(demo.NINO))["items"]
    vake = next(i for i in items if i["registration_number"] == NINO_DEED)
    assert [(d["registration_number"], d["kind"]) for d in vake["documents"]] == [
        (NINO_DEED, "sale-contract"),
        (NINO_MORTGAGE, "mortgage-agreement"),
    ]
    assert vake["documents"][1]["kind_name"]["ka"] == "იპოთეკის ხელშეკრულება"
    assert vake["documents"][0]["registered_on"] == "2019-03-12"


def test_the_owner_gets_the_document_and_its_pdf(portal: Portal) -> None:
    request, response = ask(portal, person(demo.NINO), NINO_MORTGAGE)
    assert response.status_code == 200, response.text
    model = answer_model(AGENCIES[AGENCY], AGENCIES[AGENCY].operation(OPERATION))  # type: ignore[arg-type]
    answer = model.model_validate_json(response.content).model_dump(mode="json")
    assert answer["request_id"] == request.meta.request_id
    document, file = answer["data"]["document"], answer["data"]["file"]
    assert document["registration_number"] == NINO_MORTGAGE
    assert document["kind"] == "mortgage-agreement"
    assert {p["role"] for p in document["parties"]} == {"mortgagor", "mortgagee"}
    pdf = base64.b64decode(file["content_base64"])
    assert pdf.startswith(b"%PDF-")
    assert file["size"] == len(pdf)
    assert file["sha256"] == hashlib.sha256(pdf).hexdigest()
    text = pdf_text(pdf)
    assert NINO_MORTGAGE in text
    assert "Mortgage agreement" in text
    assert "01.14.12.005.012.01.012" in text


def test_the_same_document_is_the_same_pdf_every_time(portal: Portal) -> None:
    """Deterministic: a document asked for twice (also by its co-owner) is the same file."""
    _, first = ask(portal, person(demo.NINO), NINO_DEED)
    _, again = ask(portal, person(demo.GIORGI), NINO_DEED)
    assert first.status_code == again.status_code == 200
    assert first.json()["data"]["file"] == again.json()["data"]["file"]


def test_a_company_gets_a_document_of_its_own_property(portal: Portal) -> None:
    _, response = ask(portal, company(demo.DIGITAL_SERVICES), "882020900111")
    assert response.status_code == 200, response.text
    assert response.json()["data"]["document"]["kind"] == "mortgage-agreement"


@pytest.mark.parametrize(
    ("who", "number"),
    [
        (demo.NINO, LEVAN_DEED),  # someone else's document
        (demo.TAMAZ, "882021900103"),  # a property he gave away: no longer his
        (demo.NINO, "882023900112"),  # a share pledge, not a document of a property
        (demo.NINO, "889999999999"),  # no such number
    ],
)
def test_a_document_not_of_the_subjects_property_is_not_found(
    portal: Portal, who: str, number: str
) -> None:
    _, response = ask(portal, person(who), number)
    assert response.status_code == 404
    problem = response.json()
    assert problem["reason"] == "not-found"
    assert "base64" not in response.text


@pytest.mark.parametrize(
    ("parameters", "detail"),
    [
        ({}, "registered-document needs parameters.document."),
        (
            {"document": {"registration_number": "88201990010"}},
            'parameters.document.registration_number must be 12 digits, e.g. "882019900101".',
        ),
        (
            {"document": {"registration_number": NINO_DEED, "owner": demo.NINO}},
            'parameters.document must be an object with exactly "registration_number".',
        ),
    ],
)
def test_a_missing_or_malformed_document_is_a_bad_request(
    portal: Portal, parameters: dict[str, Any], detail: str
) -> None:
    raw = body(person(demo.NINO), parameters)
    request = portal.prepare(AGENCY, OPERATION, person(demo.NINO), body=raw)
    response = portal.send(request)
    portal.verified(request, response, AGENCY)
    assert response.status_code == 400
    assert response.json()["reason"] == "bad-request"
    assert response.json()["detail"] == detail


def test_other_operations_refuse_a_document(portal: Portal) -> None:
    raw = body(person(demo.NINO), {"document": {"registration_number": NINO_DEED}})
    request = portal.prepare(AGENCY, "real-estate", person(demo.NINO), body=raw)
    response = portal.send(request)
    assert response.status_code == 400
    assert response.json()["detail"] == "real-estate takes no parameters.document."


def test_documents_asked_for_are_in_the_message_log(
    portal: Portal, sandbox: RunningSandbox
) -> None:
    granted, _ = ask(portal, person(demo.NINO), NINO_DEED)
    refused, _ = ask(portal, person(demo.NINO), LEVAN_DEED)
    entries = {e["request_id"]: e for e in sandbox.messages(AGENCY)}
    assert entries[granted.meta.request_id]["status"] == 200
    assert entries[granted.meta.request_id]["document"] == NINO_DEED
    assert entries[refused.meta.request_id]["status"] == 404
    assert entries[refused.meta.request_id]["reason"] == "not-found"
    assert entries[refused.meta.request_id]["subject"] == f"person:{demo.NINO}"
