"""The request body: its subject and the optional `parameters.document` of one registered
document, refused with a precise detail when malformed, and covered by the signature."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from pathlib import Path

import pytest

from owexchange import (
    DocumentRef,
    ProtocolRefusal,
    QueryBody,
    ReplayCache,
    RequestMeta,
    TrustStore,
    load_private_key,
    sign_request,
    verify_request,
)

URL = "http://127.0.0.1:8100/public-registry/v1/registered-document"
PERSON = {"type": "person", "id": "01001012345"}


def body(parameters: object = None, **extra: object) -> bytes:
    payload: dict[str, object] = {"subject": PERSON, **extra}
    if parameters is not None:
        payload["parameters"] = parameters
    return json.dumps(payload).encode()


def refused(raw: bytes) -> ProtocolRefusal:
    with pytest.raises(ProtocolRefusal) as caught:
        QueryBody.parse(raw)
    assert caught.value.reason == "bad-request"
    assert caught.value.status == 400
    return caught.value


def test_a_body_without_a_document_still_parses() -> None:
    parsed = QueryBody.parse(body({}))
    assert parsed.subject.id == "01001012345"
    assert parsed.document is None
    assert QueryBody.parse(body()).parameters == {}  # "parameters" may be left out


def test_a_document_is_parsed_and_written_back_the_same() -> None:
    raw = body({"document": {"registration_number": "882019900101"}})
    parsed = QueryBody.parse(raw)
    assert parsed.document == DocumentRef("882019900101")
    assert parsed.to_json() == json.loads(raw)


@pytest.mark.parametrize(
    "number", ["88201990010", "8820199001011", "88201990010A", " 882019900101", 882019900101]
)
def test_a_registration_number_of_another_pattern_is_refused(number: object) -> None:
    problem = refused(body({"document": {"registration_number": number}}))
    assert problem.detail == (
        'parameters.document.registration_number must be 12 digits, e.g. "882019900101".'
    )


@pytest.mark.parametrize(
    "document",
    [
        {"registration_number": "882019900101", "kind": "sale"},  # an extra key
        {},
        {"number": "882019900101"},
        ["882019900101"],
        "882019900101",
    ],
)
def test_a_document_of_another_shape_is_refused(document: object) -> None:
    problem = refused(body({"document": document}))
    assert problem.detail == (
        'parameters.document must be an object with exactly "registration_number".'
    )


def test_a_document_beside_the_subject_is_refused() -> None:
    problem = refused(body({}, document={"registration_number": "882019900101"}))
    assert problem.detail == 'The body must be {"subject": …, "parameters": {…}}.'


def test_a_bad_subject_is_still_refused_with_a_document() -> None:
    raw = json.dumps(
        {
            "subject": {"type": "person", "id": "123"},
            "parameters": {"document": {"registration_number": "882019900101"}},
        }
    ).encode()
    assert "11-digit personal number" in refused(raw).detail


def _signed(pki: Path, raw: bytes) -> dict[str, str]:
    meta = RequestMeta(
        client="portal", request_id=str(uuid.uuid4()), user="person:01001012345", purpose="test"
    )
    return sign_request(
        method="POST", url=URL, body=raw, meta=meta, key=load_private_key(pki, "portal")
    )


def _verify(headers: dict[str, str], raw: bytes, trust: TrustStore) -> RequestMeta:
    return verify_request(
        method="POST", url=URL, headers=headers, body=raw, trust=trust, replay=ReplayCache()
    )


def test_the_signature_covers_the_document(pki: Path, trust: TrustStore) -> None:
    """Another registration number in a signed body is refused: with the old digest as a
    digest mismatch, with a new digest as a bad signature (the digest header is signed)."""
    original = body({"document": {"registration_number": "882019900101"}})
    headers = _signed(pki, original)
    assert _verify(headers, original, trust).client == "portal"

    changed = body({"document": {"registration_number": "882019900102"}})
    with pytest.raises(ProtocolRefusal) as caught:
        _verify(headers, changed, trust)
    assert caught.value.reason == "digest-mismatch"

    digest = base64.b64encode(hashlib.sha256(changed).digest()).decode()
    with pytest.raises(ProtocolRefusal) as caught:
        _verify(headers | {"Content-Digest": f"sha-256=:{digest}:"}, changed, trust)
    assert caught.value.reason == "signature-invalid"
