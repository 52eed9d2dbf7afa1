"""Signing and verifying requests and responses (RFC 9421 HTTP Message Signatures, Ed25519).

The `http-message-signatures` library parses the signature headers' syntax (with http-sf),
normalises target URIs and makes and checks the Content-Digest (RFC 9530); this module adds
the protocol's policy around it: the label, the exact covered components, the signature's
life, the signer and the replay check. Because the protocol allows exactly one shape of
signature, the signature base (RFC 9421 section 2.5) of that shape is built here directly
(`_signature_base`), a tenth of the library's generic cost per message; the tests check
that it is byte for byte the library's (Ed25519 signatures are deterministic).
"""

from __future__ import annotations

import base64
import datetime
import functools
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import http_sf
from cryptography.exceptions import InvalidSignature as InvalidKeySignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from http_message_signatures import (
    ContentDigest,
    HTTPMessageSignaturesException,
    HTTPMessageSigner,
    HTTPMessageVerifier,
    InvalidSignature,
    MappingKeyResolver,
    algorithms,
)
from http_message_signatures.resolvers import HTTPSignatureComponentResolver

from .errors import ProtocolRefusal, ResponseTampered
from .keys import TrustStore
from .messages import PARTY_ID, RequestMeta
from .replay import ReplayCache

LABEL: Final = "ow"
ALGORITHM: Final = "ed25519"
SIGNATURE_LIFETIME_SECONDS: Final = 60
CLOCK_SKEW_SECONDS: Final = 30
MAX_BODY_BYTES: Final = 65536
# A response answers a request of the last minutes; an older signature is refused.
RESPONSE_MAX_AGE_SECONDS: Final = 600
REQUEST_COMPONENTS: Final = (
    "@method",
    "@target-uri",
    "content-type",
    "content-digest",
    "ow-client",
    "ow-request-id",
    "ow-user",
    "ow-purpose",
)
RESPONSE_COMPONENTS: Final = ("@status", "content-type", "content-digest", "ow-request-id")
REQUEST_PARAMETERS: Final = frozenset({"created", "expires", "keyid", "alg"})
RESPONSE_PARAMETERS: Final = frozenset({"created", "keyid", "alg"})

# Makes the exception to raise: a ProtocolRefusal for a request, ResponseTampered otherwise.
_RefusalFactory = Callable[[str, str], Exception]


@dataclass
class _Request:
    """The request interface the library reads and writes."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class _Response:
    """The response interface the library reads and writes (`status_code` marks a response)."""

    status_code: int
    headers: dict[str, str] = field(default_factory=dict)


class _Verifier(HTTPMessageVerifier):
    """The library's verifier without its own clock: `verify_request` checks the times."""

    def validate_created_and_expires(self, sig_input: object, max_age: object = None) -> None:
        return None


def sign_request(
    *,
    method: str,
    url: str,
    body: bytes,
    meta: RequestMeta,
    key: Ed25519PrivateKey,
    created: int | None = None,
) -> dict[str, str]:
    """The headers that carry `meta` and sign the request (key id = `meta.client`)."""
    problems = meta.problems()
    if problems:
        raise ValueError(" ".join(problems))
    created = int(time.time()) if created is None else created
    headers = {
        "Content-Type": "application/json",
        "OW-Client": meta.client,
        "OW-Request-Id": meta.request_id,
        "OW-User": meta.user,
        "OW-Purpose": meta.purpose,
    }
    components = list(REQUEST_COMPONENTS)
    if meta.on_behalf_of is not None:
        headers["OW-On-Behalf-Of"] = meta.on_behalf_of
        components.append("ow-on-behalf-of")
    headers["Content-Digest"] = ContentDigest.create(body)
    fields = {name.lower(): value for name, value in headers.items()}
    values = [
        _derived(name, method.upper(), url) if name.startswith("@") else fields[name]
        for name in components
    ]
    parameters: list[tuple[str, int | str]] = [
        ("created", created),
        ("keyid", meta.client),
        ("alg", ALGORITHM),
        ("expires", created + SIGNATURE_LIFETIME_SECONDS),
    ]
    headers.update(_signature_fields(components, values, parameters, key))
    return headers


def verify_request(
    *,
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    trust: TrustStore,
    replay: ReplayCache,
    now: int | None = None,
    max_body: int = MAX_BODY_BYTES,
) -> RequestMeta:
    """The metadata of a correctly signed, fresh, first-seen request; else ProtocolRefusal.

    `url` is the absolute URL the request was sent to, as the client signed it.
    """
    if len(body) > max_body:
        raise ProtocolRefusal("too-large", detail=f"The body is over {max_body} bytes.")
    fields = _lowercase(headers)
    parameters, components, signature = _signature_input(fields, refusal=_refuse_request)
    expected = list(REQUEST_COMPONENTS)
    if "ow-on-behalf-of" in fields:
        expected.append("ow-on-behalf-of")
    _check_coverage(components, expected, parameters, REQUEST_PARAMETERS, _refuse_request)
    client = fields.get("ow-client", "")
    if parameters["keyid"] != client:
        raise ProtocolRefusal("signature-invalid", detail="keyid is not the OW-Client.")
    public_key = trust.public_key(client)
    try:
        _check_signature(
            fields,
            signature,
            components,
            parameters,
            public_key,
            derived=lambda name: _derived(name, method.upper(), url),
        )
    except InvalidSignature as error:
        raise ProtocolRefusal("signature-invalid", detail=str(error)) from error
    _check_digest(fields, body, ProtocolRefusal("digest-mismatch"))
    now = int(time.time()) if now is None else now
    created, expires = parameters["created"], parameters["expires"]
    if not isinstance(created, int) or not isinstance(expires, int):
        raise ProtocolRefusal("signature-invalid", detail="created and expires must be integers.")
    if expires - created > SIGNATURE_LIFETIME_SECONDS or expires < created:
        raise ProtocolRefusal(
            "signature-invalid",
            detail=f"expires must be at most {SIGNATURE_LIFETIME_SECONDS} s after created.",
        )
    if created > now + CLOCK_SKEW_SECONDS:
        raise ProtocolRefusal("expired", detail="The signature is created in the future.")
    if expires < now:
        raise ProtocolRefusal("expired", detail="The signature has expired.")
    media_type = fields.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        raise ProtocolRefusal("bad-request", detail="Content-Type must be application/json.")
    meta = RequestMeta(
        client=client,
        request_id=fields.get("ow-request-id", ""),
        user=fields.get("ow-user", ""),
        purpose=fields.get("ow-purpose", ""),
        on_behalf_of=fields.get("ow-on-behalf-of"),
    )
    problems = meta.problems()
    if problems:
        raise ProtocolRefusal("bad-request", detail=" ".join(problems))
    if replay.seen(meta.request_id, now=now):
        raise ProtocolRefusal("replayed", detail="This request id was seen before.")
    return meta


def sign_response(
    *,
    status: int,
    body: bytes,
    request_id: str,
    key: Ed25519PrivateKey,
    key_id: str,
    content_type: str = "application/json",
) -> dict[str, str]:
    """The headers that sign a response (Content-Type, Content-Digest, OW-Request-Id, …)."""
    if not PARTY_ID.fullmatch(key_id):
        raise ValueError("The key id must be a party id.")
    headers = {
        "Content-Type": content_type,
        "OW-Request-Id": request_id,
        "Content-Digest": ContentDigest.create(body),
    }
    values = [str(status), content_type, headers["Content-Digest"], request_id]
    parameters: list[tuple[str, int | str]] = [
        ("created", int(time.time())),
        ("keyid", key_id),
        ("alg", ALGORITHM),
    ]
    headers.update(_signature_fields(RESPONSE_COMPONENTS, values, parameters, key))
    return headers


def verify_response(
    *,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    request_id: str,
    signer: str,
    trust: TrustStore,
) -> None:
    """Nothing when `signer` signed exactly this response to `request_id`; else ResponseTampered."""
    fields = _lowercase(headers)
    parameters, components, signature = _signature_input(fields, refusal=_refuse_response)
    _check_coverage(
        components, RESPONSE_COMPONENTS, parameters, RESPONSE_PARAMETERS, _refuse_response
    )
    if parameters["keyid"] != signer:
        raise ResponseTampered(
            "wrong-signer", f"Signed by {parameters['keyid']!r}, not by {signer!r}."
        )
    try:
        public_key = trust.public_key(signer)
    except ProtocolRefusal as refusal:
        raise ResponseTampered("untrusted-signer", refusal.detail) from refusal
    try:
        _check_signature(
            fields, signature, components, parameters, public_key, derived=lambda _: str(status)
        )
    except InvalidSignature as error:
        raise ResponseTampered("signature-invalid", str(error)) from error
    _check_digest(fields, body, ResponseTampered("digest-mismatch"))
    if fields.get("ow-request-id") != request_id:
        raise ResponseTampered("request-id-mismatch", "The response answers another request.")
    created, now = parameters["created"], int(time.time())
    if not isinstance(created, int) or not (
        now - RESPONSE_MAX_AGE_SECONDS <= created <= now + CLOCK_SKEW_SECONDS
    ):
        raise ResponseTampered("expired", "The response's signature is not from now.")


def _signature_fields(
    components: Sequence[str],
    values: Sequence[str],
    parameters: Sequence[tuple[str, int | str]],
    key: Ed25519PrivateKey,
) -> dict[str, str]:
    """Signature-Input and Signature of the `ow` signature over these component values."""
    signature_params = _signature_params(components, parameters)
    signature = key.sign(_signature_base(components, values, signature_params))
    return {
        "Signature-Input": f"{LABEL}={signature_params}",
        "Signature": f"{LABEL}=:{base64.b64encode(signature).decode()}:",
    }


def _check_signature(
    fields: Mapping[str, str],
    signature: object,
    components: Sequence[str],
    parameters: Mapping[str, object],
    public_key: Ed25519PublicKey,
    *,
    derived: Callable[[str], str],
) -> None:
    """The `ow` signature verifies over the components as the message carries them.

    `signature` is the parsed `ow` member of Signature; `components` and `parameters` are
    those of Signature-Input, already checked to be the protocol's exact set (so every name
    is a known, quotable one).
    """
    if not isinstance(signature, bytes):
        raise InvalidSignature("The signature is not a byte sequence.")
    values = []
    for name in components:
        if name.startswith("@"):
            values.append(derived(name))
        elif name in fields:
            values.append(fields[name].strip(" \t"))
        else:
            raise InvalidSignature(f'The covered field "{name}" is missing.')
    signature_params = _signature_params(components, list(parameters.items()))
    try:
        public_key.verify(signature, _signature_base(components, values, signature_params))
    except InvalidKeySignature as error:
        raise InvalidSignature("The signature does not verify.") from error


def _signature_params(components: Sequence[str], parameters: Sequence[tuple[str, object]]) -> str:
    """The serialised inner list of Signature-Input (RFC 8941) for these names and values."""
    text = "(" + " ".join(f'"{name}"' for name in components) + ")"
    for name, value in parameters:
        if type(value) is int:
            text += f";{name}={value}"
        elif isinstance(value, str) and value.isascii() and value.isprintable():
            escaped = value.replace("\\", "\\\\").replace('"', '\\"')
            text += f';{name}="{escaped}"'
        else:
            raise InvalidSignature(f"The signature parameter {name} is not an integer or string.")
    return text


def _signature_base(
    components: Sequence[str], values: Sequence[str], signature_params: str
) -> bytes:
    """RFC 9421 section 2.5: one line per covered component, then "@signature-params"."""
    lines = []
    for name, value in zip(components, values, strict=True):
        # As the library: printable ASCII only (a field value may hold a tab).
        if not value.isascii() or not value.replace("\t", " ").isprintable():
            raise InvalidSignature(f'The value of "{name}" cannot be signed.')
        lines.append(f'"{name}": {value}')
    lines.append(f'"@signature-params": {signature_params}')
    return "\n".join(lines).encode("ascii")


def _derived(name: str, method: str, url: str) -> str:
    """A request's derived component: "@method" or "@target-uri" (normalised as RFC 9421)."""
    if name == "@method":
        return method
    if name == "@target-uri":
        return _target_uri(method, url)
    raise InvalidSignature(f"{name} is not a component of a request.")


@functools.lru_cache(maxsize=1024)
def _target_uri(method: str, url: str) -> str:
    """The library's normalisation of a target URI (a portal asks a handful of URLs)."""
    try:
        resolver = HTTPSignatureComponentResolver(_Request(method=method, url=url))  # type: ignore[no-untyped-call]
        return str(resolver.get_target_uri())  # type: ignore[no-untyped-call]
    except HTTPMessageSignaturesException as error:
        raise InvalidSignature(str(error)) from error


def _signer(key_id: str, key: Ed25519PrivateKey) -> HTTPMessageSigner:
    return HTTPMessageSigner(
        signature_algorithm=algorithms.ED25519,
        key_resolver=MappingKeyResolver(public_keys={}, private_keys={key_id: key}),
    )


def _library_verify(
    message: _Request | _Response, key_id: str, public_key: Ed25519PublicKey
) -> None:
    """The library's own verification (the tests compare `_check_signature` with it)."""
    verifier = _Verifier(
        signature_algorithm=algorithms.ED25519,
        key_resolver=MappingKeyResolver(public_keys={key_id: public_key}, private_keys={}),
    )
    try:
        verifier.verify(message, max_age=None)
    except HTTPMessageSignaturesException as error:  # InvalidSignature included
        raise InvalidSignature(str(error)) from error


def _refuse_request(reason: str, detail: str) -> Exception:
    return ProtocolRefusal(reason, detail=detail)


def _refuse_response(reason: str, detail: str) -> Exception:
    return ResponseTampered(reason, detail)


def _lowercase(headers: Mapping[str, str]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for name, value in headers.items():
        lower = name.lower()
        if lower in fields and fields[lower] != value:
            fields[lower] = fields[lower] + ", " + value
        else:
            fields[lower] = value
    return fields


def _signature_input(
    fields: Mapping[str, str], *, refusal: _RefusalFactory
) -> tuple[dict[str, object], list[str], object]:
    """The `ow` signature's parameters, covered component names (checked for form) and the
    signature itself (a byte sequence when well formed)."""
    if "signature-input" not in fields or "signature" not in fields:
        raise refusal("signature-missing", "Signature-Input and Signature are required.")
    try:
        inputs = http_sf.parse(fields["signature-input"].encode(), tltype="dictionary")
        signatures = http_sf.parse(fields["signature"].encode(), tltype="dictionary")
    except (ValueError, UnicodeError, http_sf.StructuredFieldError) as error:
        raise refusal("signature-missing", "The signature headers cannot be parsed.") from error
    if not isinstance(inputs, dict) or not isinstance(signatures, dict):
        raise refusal("signature-missing", "The signature headers cannot be parsed.")
    if set(inputs) != {LABEL} or set(signatures) != {LABEL}:
        raise refusal("signature-missing", f'Exactly one signature, labelled "{LABEL}", is needed.')
    entry: Any = inputs[LABEL]  # (inner list of (name, parameters), parameters)
    member, parameters = entry
    if not isinstance(member, list) or not isinstance(parameters, dict):
        raise refusal("signature-missing", "Signature-Input must hold an inner list.")
    components = []
    for value, item_parameters in member:
        if not isinstance(value, str) or item_parameters:
            raise refusal("signature-invalid", "Covered components must be plain names.")
        components.append(value)
    signature: Any = signatures[LABEL]  # (value, parameters)
    return dict(parameters), components, signature[0]


def _check_coverage(
    components: list[str],
    expected: list[str] | tuple[str, ...],
    parameters: Mapping[str, object],
    expected_parameters: frozenset[str],
    refusal: _RefusalFactory,
) -> None:
    if len(components) != len(set(components)) or set(components) != set(expected):
        raise refusal(
            "signature-invalid",
            "The signature must cover exactly: " + " ".join(f'"{name}"' for name in expected),
        )
    if set(parameters) != expected_parameters:
        raise refusal(
            "signature-invalid",
            "The signature parameters must be exactly: " + ", ".join(sorted(expected_parameters)),
        )
    if parameters["alg"] != ALGORITHM or not isinstance(parameters["keyid"], str):
        raise refusal("signature-invalid", f'alg must be "{ALGORITHM}" and keyid a string.')


def _check_digest(fields: Mapping[str, str], body: bytes, refusal: Exception) -> None:
    try:
        ContentDigest.verify(fields["content-digest"], body)
    except (InvalidSignature, HTTPMessageSignaturesException) as error:
        raise refusal from error


def _time(timestamp: int) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)
