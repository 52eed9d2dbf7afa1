"""Requests and responses: a round trip, and every reason a message is refused."""

from __future__ import annotations

import datetime
import json
import time
import uuid
from pathlib import Path

import pytest
from http_message_signatures import InvalidSignature

from owexchange import (
    ProtocolRefusal,
    ReplayCache,
    RequestMeta,
    ResponseTampered,
    Subject,
    TrustStore,
    load_private_key,
    sign_request,
    sign_response,
    verify_request,
    verify_response,
)

URL = "http://127.0.0.1:8100/civil-registry/v1/person"
BODY = json.dumps({"subject": {"type": "person", "id": "01001012345"}, "parameters": {}}).encode()


def meta(**changes: str) -> RequestMeta:
    values = {
        "client": "portal",
        "request_id": str(uuid.uuid4()),
        "user": "person:01001012345",
        "purpose": "self-view",
    }
    values.update(changes)
    return RequestMeta(**values)


def signed(
    pki: Path, *, party: str = "portal", body: bytes = BODY, **kwargs: object
) -> dict[str, str]:
    created = kwargs.pop("created", None)
    request_meta = kwargs.pop("meta", None) or meta(client=party)
    return sign_request(
        method="POST",
        url=URL,
        body=body,
        meta=request_meta,  # type: ignore[arg-type]
        key=load_private_key(pki, party),
        created=created,  # type: ignore[arg-type]
    )


def verify(
    headers: dict[str, str], trust: TrustStore, *, body: bytes = BODY, **kwargs: object
) -> RequestMeta:
    return verify_request(
        method="POST",
        url=str(kwargs.pop("url", URL)),
        headers=headers,
        body=body,
        trust=trust,
        replay=kwargs.pop("replay", None) or ReplayCache(),  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )


def refusal(headers: dict[str, str], trust: TrustStore, **kwargs: object) -> ProtocolRefusal:
    with pytest.raises(ProtocolRefusal) as caught:
        verify(headers, trust, **kwargs)
    return caught.value


def test_a_signed_request_verifies_and_names_client_user_purpose(
    pki: Path, trust: TrustStore
) -> None:
    request_meta = meta(on_behalf_of="company:204567890", purpose="representation")
    headers = signed(pki, meta=request_meta)
    assert headers["Content-Type"] == "application/json"
    assert headers["Content-Digest"].startswith("sha-256=:")
    assert headers["Signature-Input"].startswith(
        'ow=("@method" "@target-uri" "content-type" "content-digest" "ow-client" '
        '"ow-request-id" "ow-user" "ow-purpose" "ow-on-behalf-of");created='
    )
    assert 'keyid="portal"' in headers["Signature-Input"]
    assert 'alg="ed25519"' in headers["Signature-Input"]
    # Header names are case-insensitive on the way in (servers lowercase them).
    lowered = {name.lower(): value for name, value in headers.items()}
    assert verify(lowered, trust) == request_meta


def test_expires_is_sixty_seconds_after_created(pki: Path) -> None:
    headers = signed(pki, created=1_800_000_000)
    assert ";created=1800000000;" in headers["Signature-Input"]
    assert "expires=1800000060" in headers["Signature-Input"]


def test_unsigned_request(trust: TrustStore) -> None:
    headers = {"Content-Type": "application/json", "OW-Client": "portal"}
    refused = refusal(headers, trust)
    assert (refused.reason, refused.status) == ("signature-missing", 401)


def test_unparsable_signature(pki: Path, trust: TrustStore) -> None:
    headers = signed(pki) | {"Signature-Input": "ow=(not a list"}
    assert refusal(headers, trust).reason == "signature-missing"


def test_signed_with_another_key_than_the_clients(pki: Path, trust: TrustStore) -> None:
    # civil-registry's key, but the message claims to be the portal's.
    headers = sign_request(
        method="POST", url=URL, body=BODY, meta=meta(), key=load_private_key(pki, "civil-registry")
    )
    refused = refusal(headers, trust)
    assert (refused.reason, refused.status) == ("signature-invalid", 401)


def test_unknown_client(pki: Path, trust: TrustStore) -> None:
    headers = sign_request(
        method="POST",
        url=URL,
        body=BODY,
        meta=meta(client="tbilisi"),
        key=load_private_key(pki, "portal"),
    )
    refused = refusal(headers, trust)
    assert (refused.reason, refused.status) == ("unknown-client", 401)


def test_certificate_from_another_ca(pki: Path, trust: TrustStore) -> None:
    refused = refusal(signed(pki, party="intruder"), trust)
    assert refused.reason == "unknown-client"
    assert "not issued by the exchange CA" in refused.detail


def test_tampered_body(pki: Path, trust: TrustStore) -> None:
    headers = signed(pki)
    tampered = BODY.replace(b"01001012345", b"01001012346")
    refused = refusal(headers, trust, body=tampered)
    assert (refused.reason, refused.status) == ("digest-mismatch", 401)


def test_tampered_body_with_a_new_digest(pki: Path, trust: TrustStore) -> None:
    from http_message_signatures import ContentDigest

    tampered = BODY.replace(b"01001012345", b"01001012346")
    headers = signed(pki) | {"Content-Digest": ContentDigest.create(tampered)}
    assert refusal(headers, trust, body=tampered).reason == "signature-invalid"


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("OW-User", "person:99999999999"),
        ("OW-Purpose", "prefill"),
        ("OW-Request-Id", "3f1c2a7e-9b4d-4c8e-a1f0-6d2b5e7c9a10"),
        ("Content-Type", "text/plain"),
    ],
)
def test_tampered_covered_header(pki: Path, trust: TrustStore, header: str, value: str) -> None:
    headers = signed(pki) | {header: value}
    assert refusal(headers, trust).reason == "signature-invalid"


def test_tampered_target(pki: Path, trust: TrustStore) -> None:
    headers = signed(pki)
    other = URL.replace("/person", "/family")
    assert refusal(headers, trust, url=other).reason == "signature-invalid"


def test_an_added_on_behalf_of_header_must_be_covered(pki: Path, trust: TrustStore) -> None:
    headers = signed(pki) | {"OW-On-Behalf-Of": "person:01001012346"}
    assert refusal(headers, trust).reason == "signature-invalid"


def test_a_signature_covering_less_is_refused(pki: Path, trust: TrustStore) -> None:
    headers = signed(pki)
    headers["Signature-Input"] = headers["Signature-Input"].replace(' "ow-purpose"', "")
    refused = refusal(headers, trust)
    assert refused.reason == "signature-invalid"
    assert "exactly" in refused.detail


def test_replayed_request_id(pki: Path, trust: TrustStore) -> None:
    replay = ReplayCache()
    headers = signed(pki)
    verify(headers, trust, replay=replay)
    refused = refusal(headers, trust, replay=replay)
    assert (refused.reason, refused.status) == ("replayed", 409)


def test_created_in_the_future_beyond_the_skew(pki: Path, trust: TrustStore) -> None:
    now = int(time.time())
    verify(signed(pki, created=now + 25), trust, now=now)
    refused = refusal(signed(pki, created=now + 45), trust, now=now)
    assert (refused.reason, refused.status) == ("expired", 401)


def test_expired(pki: Path, trust: TrustStore) -> None:
    now = int(time.time())
    verify(signed(pki, created=now - 55), trust, now=now)
    assert refusal(signed(pki, created=now - 65), trust, now=now).reason == "expired"


def test_oversized(pki: Path, trust: TrustStore) -> None:
    body = json.dumps({"subject": {"type": "person", "id": "01001012345"}, "x": "a" * 70000})
    headers = signed(pki, body=body.encode())
    refused = refusal(headers, trust, body=body.encode())
    assert (refused.reason, refused.status) == ("too-large", 413)


def test_a_malformed_user_is_a_bad_request(pki: Path, trust: TrustStore) -> None:
    with pytest.raises(ValueError, match="OW-User"):
        signed(pki, meta=meta(user="anyone"))


@pytest.mark.parametrize(
    "subject",
    [
        {"type": "person", "id": "0100101234"},
        {"type": "person", "id": 1001012345},
        {"type": "company", "id": "01001012345"},
        {"type": "ship", "id": "123456789"},
        {"type": "person"},
        "01001012345",
    ],
)
def test_bad_subject(subject: object) -> None:
    with pytest.raises(ProtocolRefusal) as caught:
        Subject.from_json(subject)
    assert (caught.value.reason, caught.value.status) == ("bad-request", 400)


def test_good_subjects_round_trip() -> None:
    for data in ({"type": "person", "id": "01001012345"}, {"type": "company", "id": "204567890"}):
        assert Subject.from_json(data).to_json() == data


def test_a_refusal_is_a_problem_document() -> None:
    problem = ProtocolRefusal("replayed", detail="seen").problem("abc")
    assert problem == {
        "type": "about:blank",
        "title": "The request id was seen before",
        "status": 409,
        "reason": "replayed",
        "detail": "seen",
        "request_id": "abc",
    }


def test_the_replay_cache_forgets_after_ten_minutes() -> None:
    cache = ReplayCache()
    assert cache.seen("a", now=1000.0) is False
    assert cache.seen("a", now=1599.0) is True
    assert cache.seen("a", now=1601.0) is False
    assert cache.size() == 1


# --- Responses -----------------------------------------------------------------------


@pytest.fixture
def response(pki: Path) -> tuple[bytes, dict[str, str], str]:
    request_id = str(uuid.uuid4())
    body = json.dumps({"request_id": request_id, "data": {}}).encode()
    headers = sign_response(
        status=200,
        body=body,
        request_id=request_id,
        key=load_private_key(pki, "civil-registry"),
        key_id="civil-registry",
    )
    return body, headers, request_id


def check(
    trust: TrustStore,
    body: bytes,
    headers: dict[str, str],
    request_id: str,
    *,
    status: int = 200,
    signer: str = "civil-registry",
) -> None:
    verify_response(
        status=status,
        headers=headers,
        body=body,
        request_id=request_id,
        signer=signer,
        trust=trust,
    )


def tampered(trust: TrustStore, *args: object, **kwargs: object) -> str:
    with pytest.raises(ResponseTampered) as caught:
        check(trust, *args, **kwargs)  # type: ignore[arg-type]
    return caught.value.reason


def test_a_signed_response_verifies(
    trust: TrustStore, response: tuple[bytes, dict[str, str], str]
) -> None:
    body, headers, request_id = response
    assert headers["Signature-Input"].startswith(
        'ow=("@status" "content-type" "content-digest" "ow-request-id");created='
    )
    check(trust, body, headers, request_id)


def test_response_with_tampered_body(
    trust: TrustStore, response: tuple[bytes, dict[str, str], str]
) -> None:
    body, headers, request_id = response
    assert tampered(trust, body + b" ", headers, request_id) == "digest-mismatch"


def test_response_with_tampered_status(
    trust: TrustStore, response: tuple[bytes, dict[str, str], str]
) -> None:
    body, headers, request_id = response
    assert tampered(trust, body, headers, request_id, status=404) == "signature-invalid"


def test_response_to_another_request(
    trust: TrustStore, response: tuple[bytes, dict[str, str], str]
) -> None:
    body, headers, _ = response
    assert tampered(trust, body, headers, str(uuid.uuid4())) == "request-id-mismatch"
    changed = headers | {"OW-Request-Id": str(uuid.uuid4())}
    assert tampered(trust, body, changed, changed["OW-Request-Id"]) == "signature-invalid"


def test_response_from_the_wrong_signer(
    trust: TrustStore, response: tuple[bytes, dict[str, str], str]
) -> None:
    body, headers, request_id = response
    assert tampered(trust, body, headers, request_id, signer="revenue") == "wrong-signer"


def test_response_signed_by_an_untrusted_party(pki: Path, trust: TrustStore) -> None:
    request_id = str(uuid.uuid4())
    headers = sign_response(
        status=200,
        body=b"{}",
        request_id=request_id,
        key=load_private_key(pki, "intruder"),
        key_id="intruder",
    )
    assert tampered(trust, b"{}", headers, request_id, signer="intruder") == "untrusted-signer"


def test_unsigned_response(trust: TrustStore) -> None:
    headers = {"Content-Type": "application/json"}
    assert tampered(trust, b"{}", headers, str(uuid.uuid4())) == "signature-missing"


# --- the signature base built here is the library's ------------------------------------


@pytest.mark.parametrize("on_behalf_of", [None, "company:404123456"])
def test_a_request_signature_is_byte_for_byte_the_librarys(
    pki: Path, on_behalf_of: str | None
) -> None:
    from owexchange.signing import REQUEST_COMPONENTS, _Request, _signer

    key = load_private_key(pki, "portal")
    request_meta = RequestMeta(
        client="portal",
        request_id=str(uuid.uuid4()),
        user="person:01001012345",
        purpose="self-view",
        on_behalf_of=on_behalf_of,
    )
    ours = sign_request(
        method="POST", url=URL, body=BODY, meta=request_meta, key=key, created=1_800_000_000
    )
    headers = {name: value for name, value in ours.items() if not name.startswith("Signature")}
    headers.pop("Content-Digest")
    library = _Request(method="POST", url=URL, headers=headers)
    components = list(REQUEST_COMPONENTS) + (["ow-on-behalf-of"] if on_behalf_of else [])
    _signer("portal", key).sign(
        library,
        key_id="portal",
        label="ow",
        created=datetime.datetime.fromtimestamp(1_800_000_000, tz=datetime.UTC),
        expires=datetime.datetime.fromtimestamp(1_800_000_060, tz=datetime.UTC),
        covered_component_ids=components,
        body=BODY,
    )
    for name in ("Content-Digest", "Signature-Input", "Signature"):
        assert ours[name] == library.headers[name], name


def test_the_library_verifies_our_response_signatures_and_we_its_refusals(
    pki: Path, trust: TrustStore
) -> None:
    from owexchange.signing import _library_verify, _Response

    key = load_private_key(pki, "revenue")
    headers = sign_response(status=200, body=BODY, request_id="r-1", key=key, key_id="revenue")
    public_key = trust.public_key("revenue")
    _library_verify(
        _Response(200, {k.lower(): v for k, v in headers.items()}), "revenue", public_key
    )
    # What the library refuses (another status, a changed covered field), so do we.
    for status, changed in ((201, {}), (200, {"OW-Request-Id": "r-2"})):
        tampered = headers | changed
        with pytest.raises(InvalidSignature):
            _library_verify(
                _Response(status, {k.lower(): v for k, v in tampered.items()}),
                "revenue",
                public_key,
            )
        with pytest.raises(ResponseTampered, match="signature-invalid"):
            verify_response(
                status=status,
                headers=tampered,
                body=BODY,
                request_id=tampered["OW-Request-Id"],
                signer="revenue",
                trust=trust,
            )
