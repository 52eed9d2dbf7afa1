"""Agencies report their own accesses; the endpoint refuses every bad message with a signed
problem naming the reason, logs both messages, and stores a good report whole."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

from django.test import Client
from django.urls import reverse

import pytest

from onewindow.exchange.models import DataAccess, MessageLog
from onewindow.exchange.selectors import data_accesses_for_person
from owexchange import (
    RequestMeta,
    TrustStore,
    load_private_key,
    sign_request,
    verify_response,
)

from .conftest import exchange_cache_clear

pytestmark = pytest.mark.django_db

PATH = "/api/exchange/v1/access-reports"
URL = f"http://testserver{PATH}"
PN = "01001012345"


def entry(**changes: Any) -> dict[str, Any]:
    values = {
        "subject": PN,
        "accessed_at": "2026-11-20T10:15:00+04:00",
        "accessor": "Tamar Kapanadze (registry officer 112)",
        "accessor_kind": "agency-staff",
        "purpose": "Answering the person's application 2026/778",
        "data": "Registered address",
    }
    values.update(changes)
    return values


def report(*entries: dict[str, Any]) -> bytes:
    return json.dumps({"entries": list(entries) or [entry()]}).encode()


def signed_headers(
    pki: Path,
    body: bytes,
    *,
    client: str = "civil-registry",
    key_of: str | None = None,
    created: int | None = None,
    request_id: str | None = None,
    purpose: str = "access-report",
) -> dict[str, str]:
    meta = RequestMeta(
        client=client,
        request_id=request_id or str(uuid.uuid4()),
        user="system:access-report",
        purpose=purpose,
    )
    return sign_request(
        method="POST",
        url=URL,
        body=body,
        meta=meta,
        key=load_private_key(pki, key_of or client),
        created=created,
    )


def post(client: Client, body: bytes, headers: dict[str, str]) -> Any:
    headers = {name: value for name, value in headers.items() if name != "Content-Type"}
    return client.post(PATH, data=body, content_type="application/json", headers=headers)


def problem_of(response: Any, pki: Path) -> dict[str, Any]:
    verified(response, pki)
    assert response["Content-Type"] == "application/problem+json"
    problem: dict[str, Any] = json.loads(response.content)
    assert problem["status"] == response.status_code
    return problem


def verified(response: Any, pki: Path) -> None:
    verify_response(
        status=response.status_code,
        headers=dict(response.items()),
        body=response.content,
        request_id=response["OW-Request-Id"],
        signer="portal",
        trust=TrustStore.load(pki),
    )


def test_the_url() -> None:
    assert reverse("exchange:access-reports") == PATH


def test_a_report_is_accepted_and_shown_in_the_persons_access_log(
    client: Client, exchange_pki: Path
) -> None:
    other = entry(
        subject="01001012346",
        accessor="Batch job 7",
        accessor_kind="system",
        on_behalf_of="company:204567890",
    )
    body = report(entry(), other)
    headers = signed_headers(exchange_pki, body)
    response = post(client, body, headers)
    assert response.status_code == 202
    verified(response, exchange_pki)
    assert json.loads(response.content) == {
        "request_id": headers["OW-Request-Id"],
        "accepted": 2,
    }
    (access,) = data_accesses_for_person(personal_number=PN)
    assert access.source == "agency_report" and access.agency == "civil-registry"
    assert access.asker_kind == "agency_staff"
    assert access.asker == "Tamar Kapanadze (registry officer 112)"
    assert access.purpose == "Answering the person's application 2026/778"
    assert access.operation == "Registered address"
    assert access.request_id == headers["OW-Request-Id"]
    assert access.accessed_at.isoformat() == "2026-11-20T06:15:00+00:00"
    (system,) = data_accesses_for_person(personal_number="01001012346")
    assert system.asker_kind == "agency" and system.on_behalf_of == "company:204567890"
    logged = list(MessageLog.objects.order_by("id"))
    assert [(m.direction, m.kind, m.status) for m in logged] == [
        ("in", "request", None),
        ("out", "response", 202),
    ]
    assert logged[0].verified and logged[0].peer == "civil-registry"
    assert "Signature" in logged[0].headers and bytes(logged[0].body) == body
    assert "Signature" in logged[1].headers


def refused(client: Client, pki: Path, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    response = post(client, body, headers)
    problem = problem_of(response, pki)
    assert DataAccess.objects.count() == 0
    request_log, response_log = MessageLog.objects.order_by("id")
    assert (request_log.direction, request_log.kind) == ("in", "request")
    assert request_log.refusal == problem["reason"]
    assert (response_log.direction, response_log.status) == ("out", response.status_code)
    return response.status_code, str(problem["reason"])


def test_unsigned(client: Client, exchange_pki: Path) -> None:
    headers = {"OW-Client": "civil-registry", "OW-Request-Id": str(uuid.uuid4())}
    assert refused(client, exchange_pki, report(), headers) == (401, "signature-missing")


def test_signed_with_the_wrong_key(client: Client, exchange_pki: Path) -> None:
    body = report()
    headers = signed_headers(exchange_pki, body, key_of="revenue")
    assert refused(client, exchange_pki, body, headers) == (401, "signature-invalid")


def test_an_unknown_client(client: Client, exchange_pki: Path) -> None:
    body = report()
    headers = signed_headers(exchange_pki, body, client="intruder")  # another CA's cert
    assert refused(client, exchange_pki, body, headers) == (401, "unknown-client")


def test_the_portal_is_not_an_agency(client: Client, exchange_pki: Path) -> None:
    body = report()
    headers = signed_headers(exchange_pki, body, client="portal")
    assert refused(client, exchange_pki, body, headers) == (403, "unknown-client")


def test_a_tampered_body(client: Client, exchange_pki: Path) -> None:
    body = report()
    headers = signed_headers(exchange_pki, body)
    tampered = body.replace(PN.encode(), b"01001012399")
    assert refused(client, exchange_pki, tampered, headers) == (401, "digest-mismatch")


def test_a_tampered_header(client: Client, exchange_pki: Path) -> None:
    body = report()
    headers = signed_headers(exchange_pki, body) | {"OW-User": "system:other"}
    assert refused(client, exchange_pki, body, headers) == (401, "signature-invalid")


def test_a_replayed_report(client: Client, exchange_pki: Path) -> None:
    body = report()
    headers = signed_headers(exchange_pki, body)
    assert post(client, body, headers).status_code == 202
    response = post(client, body, headers)
    assert response.status_code == 409
    assert problem_of(response, exchange_pki)["reason"] == "replayed"
    assert DataAccess.objects.count() == 1


def test_a_replay_is_refused_after_the_cache_forgot_the_id(
    client: Client, exchange_pki: Path
) -> None:
    body = report()
    headers = signed_headers(exchange_pki, body)
    assert post(client, body, headers).status_code == 202
    exchange_cache_clear()  # e.g. another portal process, or a restart: the message log remembers
    assert post(client, body, headers).status_code == 409


def test_an_expired_signature(client: Client, exchange_pki: Path) -> None:
    body = report()
    headers = signed_headers(exchange_pki, body, created=int(time.time()) - 120)
    assert refused(client, exchange_pki, body, headers) == (401, "expired")


def test_a_signature_from_the_future(client: Client, exchange_pki: Path) -> None:
    body = report()
    headers = signed_headers(exchange_pki, body, created=int(time.time()) + 120)
    assert refused(client, exchange_pki, body, headers) == (401, "expired")


def test_an_oversized_report(client: Client, exchange_pki: Path) -> None:
    body = json.dumps({"entries": [entry(data="y" * 200) for _ in range(3000)]}).encode()
    headers = signed_headers(exchange_pki, body)
    assert refused(client, exchange_pki, body, headers) == (413, "too-large")


def test_more_than_500_entries(client: Client, exchange_pki: Path) -> None:
    body = report(*[entry() for _ in range(501)])
    headers = signed_headers(exchange_pki, body)
    assert refused(client, exchange_pki, body, headers) == (413, "too-large")


def test_500_entries_are_fine(client: Client, exchange_pki: Path) -> None:
    body = report(*[entry() for _ in range(500)])
    response = post(client, body, signed_headers(exchange_pki, body))
    assert response.status_code == 202
    assert DataAccess.objects.count() == 500


@pytest.mark.parametrize(
    "bad",
    [
        {"subject": "0100101234"},
        {"accessed_at": "yesterday"},
        {"accessed_at": "2026-11-20T10:15:00"},  # no offset
        {"accessed_at": "2999-01-01T00:00:00+00:00"},
        {"accessor": ""},
        {"accessor_kind": "wizard"},
        {"purpose": 7},
        {"data": "z" * 201},
        {"on_behalf_of": "everyone"},
        {"colour": "blue"},
    ],
)
def test_one_malformed_entry_refuses_the_whole_report(
    client: Client, exchange_pki: Path, bad: dict[str, Any]
) -> None:
    body = report(entry(), entry(**bad))
    headers = signed_headers(exchange_pki, body)
    status, reason = refused(client, exchange_pki, body, headers)
    assert (status, reason) == (400, "bad-request")
    detail = json.loads(MessageLog.objects.get(direction="out").body)["detail"]
    assert detail.startswith("entries[1]")


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"entries": []}', b'{"entries": {}}'])
def test_a_malformed_body(client: Client, exchange_pki: Path, body: bytes) -> None:
    headers = signed_headers(exchange_pki, body)
    assert refused(client, exchange_pki, body, headers) == (400, "bad-request")


def test_the_wrong_purpose(client: Client, exchange_pki: Path) -> None:
    body = report()
    headers = signed_headers(exchange_pki, body, purpose="self-view")
    assert refused(client, exchange_pki, body, headers) == (400, "bad-request")


def test_only_post(client: Client) -> None:
    assert client.get(PATH).status_code == 405
