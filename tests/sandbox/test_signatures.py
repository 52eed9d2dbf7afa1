"""Requests the agencies must refuse, each with its reason, in a signed problem response."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest

from owexchange import load_private_key
from owexchange.pki import ensure_test_pki
from tests.sandbox.conftest import Portal, SignedRequest, person
from tests.sandbox_process import RunningSandbox

NINO = {"type": "person", "id": "01001012345"}


def _refused(
    portal: Portal, request: SignedRequest, status: int, reason: str, agency: str = "civil-registry"
) -> httpx.Response:
    response = portal.send(request)
    assert (response.status_code, response.json()["reason"]) == (status, reason), response.text
    assert response.headers["content-type"] == "application/problem+json"
    portal.verified(request, response, agency)  # the refusal itself is signed by the agency
    return response


def test_a_correctly_signed_request_is_answered(portal: Portal) -> None:
    request = portal.prepare("civil-registry", "person", NINO)
    response = portal.send(request)
    assert response.status_code == 200
    portal.verified(request, response, "civil-registry")
    body = response.json()
    assert body["request_id"] == request.meta.request_id
    assert (body["agency"], body["operation"], body["subject"]) == (
        "civil-registry",
        "person",
        NINO,
    )


def test_an_unsigned_request_is_refused(portal: Portal) -> None:
    request = portal.prepare("civil-registry", "person", NINO)
    for header in ("Signature", "Signature-Input"):
        del request.headers[header]
    _refused(portal, request, 401, "signature-missing")


def test_a_key_the_exchange_ca_never_issued_is_refused(portal: Portal, tmp_path: Path) -> None:
    ensure_test_pki(tmp_path, ["portal"])  # another CA, another "portal" key
    impostor = load_private_key(tmp_path, "portal")
    _refused(
        portal, portal.prepare("civil-registry", "person", NINO, key=impostor), 401,
        "signature-invalid",
    )  # fmt: skip


def test_an_unknown_client_is_refused(portal: Portal, tmp_path: Path) -> None:
    ensure_test_pki(tmp_path, ["stranger"])
    stranger = load_private_key(tmp_path, "stranger")
    request = portal.prepare("civil-registry", "person", NINO, client="stranger", key=stranger)
    _refused(portal, request, 401, "unknown-client")


def test_another_agency_is_not_a_client_of_the_agencies(portal: Portal) -> None:
    revenue = load_private_key(portal.sandbox.pki_dir, "revenue")
    request = portal.prepare("civil-registry", "person", NINO, client="revenue", key=revenue)
    _refused(portal, request, 403, "unknown-client")


def test_a_tampered_body_is_refused(portal: Portal) -> None:
    request = portal.prepare("civil-registry", "person", NINO)
    request.body = json.dumps({"subject": person("01008057492"), "parameters": {}}).encode()
    _refused(portal, request, 401, "digest-mismatch")


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("OW-User", "person:01008057492"),
        ("OW-Purpose", "case-handling"),
        ("OW-Request-Id", "7d3c8a52-1f0e-4b6a-9c47-0e5f2a9d8b11"),
        ("Content-Digest", "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:"),
    ],
)
def test_a_tampered_covered_header_is_refused(portal: Portal, header: str, value: str) -> None:
    request = portal.prepare("civil-registry", "person", NINO)
    request.headers[header] = value
    _refused(portal, request, 401, "signature-invalid")


def test_a_request_sent_to_another_operation_is_refused(portal: Portal) -> None:
    request = portal.prepare("civil-registry", "person", NINO)
    request.url = request.url.replace("/v1/person", "/v1/family")
    _refused(portal, request, 401, "signature-invalid")


def test_a_replayed_request_id_is_refused(portal: Portal) -> None:
    request = portal.prepare("patrol-police", "fines", NINO)
    assert portal.send(request).status_code == 200
    _refused(portal, request, 409, "replayed", agency="patrol-police")


@pytest.mark.parametrize("skew", [31 + 5, -(60 + 5)])
def test_a_signature_from_outside_the_clock_window_is_refused(portal: Portal, skew: int) -> None:
    created = int(time.time()) + skew
    request = portal.prepare("civil-registry", "person", NINO, created=created)
    _refused(portal, request, 401, "expired")


def test_a_small_clock_skew_is_tolerated(portal: Portal) -> None:
    request = portal.prepare("civil-registry", "person", NINO, created=int(time.time()) + 20)
    assert portal.send(request).status_code == 200


def test_an_oversized_body_is_refused(portal: Portal) -> None:
    body = json.dumps({"subject": NINO, "parameters": {"padding": "x" * 70_000}}).encode()
    request = portal.prepare("civil-registry", "person", NINO, body=body)
    _refused(portal, request, 413, "too-large")


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"subject": {"type": "person", "id": "0100101234"}}',
        b'{"subject": {"type": "citizen", "id": "01001012345"}}',
        b'{"subject": {"type": "person", "id": "01001012345", "name": "Nino"}}',
        b'{"subject": {"type": "person", "id": "01001012345"}, "parameters": []}',
        b'{"subject": {"type": "person", "id": "01001012345"}, "extra": 1}',
        b'{"parameters": {}}',
    ],
)
def test_a_malformed_body_is_refused(portal: Portal, body: bytes) -> None:
    request = portal.prepare("civil-registry", "person", NINO, body=body)
    _refused(portal, request, 400, "bad-request")


def test_an_unknown_operation_is_refused(portal: Portal) -> None:
    _refused(portal, portal.prepare("border-police", "vehicles", NINO), 404, "unknown-operation",
             agency="border-police")  # fmt: skip


def test_refusals_are_in_the_agency_message_log(portal: Portal, sandbox: RunningSandbox) -> None:
    request = portal.prepare("education", "education-records", NINO)
    request.headers["OW-User"] = "person:01008057492"
    portal.send(request)
    entries = [
        e for e in sandbox.messages("education") if e["request_id"] == request.meta.request_id
    ]
    assert entries and entries[-1]["status"] == 401
    assert entries[-1]["reason"] == "signature-invalid"
    logged = (sandbox.var_dir / "messages" / "education.jsonl").read_text()
    assert request.meta.request_id in logged
