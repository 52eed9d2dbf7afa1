"""The sandbox agencies as one ASGI application, one sub-application per agency.

Each agency lives under `/{agency-id}/` with its own OpenAPI document
(`/{agency-id}/openapi.json`), signing key, replay cache and message log, and answers
`POST /{agency-id}/v1/{operation}` as docs/exchange-protocol.md says: the request is
verified with `owexchange` (only the portal may ask), every answer — problems included —
is signed. `/_control/…` (loopback only) changes the injected faults for tests.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, Literal, cast

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field, create_model
from pydantic.json_schema import models_json_schema

from owexchange import (
    MAX_BODY_BYTES,
    PORTAL,
    REASONS,
    ProtocolRefusal,
    QueryBody,
    ReplayCache,
    TrustStore,
    load_private_key,
    sign_response,
    verify_request,
)

from .agencies import AGENCIES, Agency, Operation
from .agencies.values import Shape, Text
from .faults import FaultBoard, FaultConfigError, Faults, parse_faults
from .message_log import MessageLog
from .messaging import install as install_messaging
from .population import Population

PROBLEM_TYPE: Final = "application/problem+json"
LOOPBACK: Final = frozenset({"127.0.0.1", "::1", "localhost", "testclient"})
HANG_LIMIT_SECONDS: Final = 3600.0
# A body this much over the limit is not read any further (the refusal is sent at once).
DRAIN_LIMIT_BYTES: Final = 8 * MAX_BODY_BYTES
UNAVAILABLE: Final = "unavailable"  # the sandbox's own reason for an injected failure


class PersonSubject(Shape):
    type: Literal["person"]
    id: str = Field(pattern=r"^\d{11}$", examples=["01001012345"])


class CompanySubject(Shape):
    type: Literal["company"]
    id: str = Field(pattern=r"^\d{9}$", examples=["404123456"])


class PersonQuery(Shape):
    """The body of a query about a person."""

    subject: PersonSubject
    parameters: dict[str, Any] = Field(default_factory=dict)


class CompanyQuery(Shape):
    """The body of a query about a company."""

    subject: CompanySubject
    parameters: dict[str, Any] = Field(default_factory=dict)


class AnyQuery(Shape):
    """The body of a query about a person or a company."""

    subject: PersonSubject | CompanySubject = Field(discriminator="type")
    parameters: dict[str, Any] = Field(default_factory=dict)


class DocumentParameter(Shape):
    registration_number: str = Field(pattern=r"^\d{12}$", examples=["882019900101"])


class DocumentParameters(Shape):
    document: DocumentParameter


class DocumentQuery(Shape):
    """The body of a query about one registered document of a person or a company."""

    subject: PersonSubject | CompanySubject = Field(discriminator="type")
    parameters: DocumentParameters


class Problem(Shape):
    """A refusal or failure (RFC 9457), signed like every answer."""

    type: str
    title: str
    status: int
    reason: str = Field(json_schema_extra={"enum": [*REASONS, UNAVAILABLE]})
    detail: str
    request_id: str | None


class Health(Shape):
    agency: str
    name: Text
    status: Literal["ok", "failing"]


_PROBLEM_STATUSES: Final = {
    400: "Malformed body, subject or `parameters.document` (`bad-request`).",
    401: "Not signed, unknown client, bad signature, digest mismatch, expired.",
    403: "A trusted party other than the portal (`unknown-client`).",
    404: "Unknown operation, or a subject (or document) the agency must know and does not "
    "(`not-found`).",
    409: "The request id was seen in the last 10 minutes (`replayed`).",
    413: "The body is over 64 KiB (`too-large`).",
    503: "The agency is failing (`unavailable`).",
}
_SIGNED_HEADERS: Final = {
    name: {"required": True, "schema": {"type": "string"}, "description": description}
    for name, description in (
        ("OW-Request-Id", "The request id of the request answered."),
        ("Content-Digest", "sha-256 of the body (RFC 9530)."),
        (
            "Signature-Input",
            'Label `ow`: "@status" "content-type" "content-digest" "ow-request-id".',
        ),
        ("Signature", "The agency's Ed25519 signature (RFC 9421); key id = agency id."),
    )
}
_DESCRIPTION: Final = """

**Protocol.** Every request is `POST`ed with a JSON body `{"subject": …, "parameters": {}}`
and signed by the portal (RFC 9421, label `ow`, headers `OW-Client`, `OW-Request-Id`,
`OW-User`, `OW-Purpose`, optional `OW-On-Behalf-Of`, `Content-Digest`); see
docs/exchange-protocol.md. Every response, problems included, is signed by this agency.
This is a sandbox: the data is synthetic."""


@dataclass
class AgencyDesk:
    """What one agency needs to answer: its definition, key, replay cache and log."""

    agency: Agency
    key: Ed25519PrivateKey
    replay: ReplayCache
    log: MessageLog


@dataclass
class Sandbox:
    population: Population
    trust: TrustStore
    faults: FaultBoard
    desks: dict[str, AgencyDesk]


def query_model(operation: Operation) -> type[Shape]:
    if operation.derive_document is not None:
        return DocumentQuery
    if operation.subjects == ("person",):
        return PersonQuery
    if operation.subjects == ("company",):
        return CompanyQuery
    return AnyQuery


def answer_model(agency: Agency, operation: Operation) -> type[BaseModel]:
    """The documented 200 body of an operation: the envelope around its `data`."""
    name = "".join(part.capitalize() for part in operation.name.split("-")) + "Answer"
    subject: Any = PersonSubject if operation.subjects == ("person",) else CompanySubject
    if len(operation.subjects) == 2:
        subject = PersonSubject | CompanySubject
    literal = cast(Any, Literal)
    return create_model(
        name,
        __base__=Shape,
        request_id=(str, ...),
        agency=(literal[agency.id], ...),
        operation=(literal[operation.name], ...),
        subject=(subject, ...),
        generated_at=(datetime, ...),
        data=(operation.model, ...),
    )


async def _read_body(request: Request) -> bytes:
    """The body, up to one byte over the limit (which `verify_request` refuses)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > DRAIN_LIMIT_BYTES:
        raise ProtocolRefusal("too-large", detail=f"The body is over {MAX_BODY_BYTES} bytes.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        if size <= MAX_BODY_BYTES:
            chunks.append(chunk)
        size += len(chunk)
        if size > DRAIN_LIMIT_BYTES:
            break
    return b"".join(chunks)[: MAX_BODY_BYTES + 1]


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _signed(desk: AgencyDesk, status: int, body: bytes, request_id: str, media: str) -> Response:
    headers = sign_response(
        status=status,
        body=body,
        request_id=request_id,
        key=desk.key,
        key_id=desk.agency.id,
        content_type=media,
    )
    return Response(content=body, status_code=status, headers=headers)


def _malformed(kind: str, envelope: dict[str, Any]) -> bytes:
    if kind == "shape":
        return _json({"request_id": envelope["request_id"], "result": "ok", "data": None})
    whole = _json(envelope)
    return whole[: max(1, len(whole) // 2)]


def _logged(
    desk: AgencyDesk, entry: dict[str, Any], response: Response, reason: str | None
) -> Response:
    """The response, once it is in the agency's message log with the request."""
    desk.log.record(
        **entry,
        status=response.status_code,
        reason=reason,
        response_digest=response.headers.get("content-digest"),
        response_signature=response.headers.get("signature"),
    )
    return response


async def _answer(
    sandbox: Sandbox, desk: AgencyDesk, operation: Operation | None, request: Request
) -> Response:
    request_id = request.headers.get("ow-request-id", "")[:200]
    entry: dict[str, Any] = {
        "request_id": request_id or None,
        "operation": operation.name if operation else request.path_params.get("operation"),
        "request_digest": request.headers.get("content-digest"),
        "request_signature": request.headers.get("signature"),
    }
    try:
        body = await _read_body(request)
        meta = verify_request(
            method=request.method,
            url=str(request.url),
            headers=request.headers,
            body=body,
            trust=sandbox.trust,
            replay=desk.replay,
        )
        entry.update(
            client=meta.client,
            user=meta.user,
            purpose=meta.purpose,
            on_behalf_of=meta.on_behalf_of,
        )
        if meta.client != PORTAL:
            raise ProtocolRefusal(
                "unknown-client", status=403, detail="Only the portal queries agencies."
            )
        if operation is None:
            raise ProtocolRefusal("unknown-operation", detail="This agency has no such operation.")
        query = QueryBody.parse(body)
        subject = query.subject
        entry["subject"] = f"{subject.type}:{subject.id}"
        if query.document is not None:
            entry["document"] = query.document.registration_number
        faults = sandbox.faults.of(desk.agency.id)
        if faults.fail:
            problem = {
                "type": "about:blank",
                "title": "The agency is temporarily unavailable",
                "status": 503,
                "reason": UNAVAILABLE,
                "detail": "Failure injected by the sandbox.",
                "request_id": request_id,
            }
            response = _signed(desk, 503, _json(problem), request_id, PROBLEM_TYPE)
            return _logged(desk, entry, response, UNAVAILABLE)
        data = operation.answer(sandbox.population, subject, query.document)
    except ProtocolRefusal as refusal:
        problem = refusal.problem(request_id or None)
        response = _signed(desk, refusal.status, _json(problem), request_id, PROBLEM_TYPE)
        return _logged(desk, entry, response, refusal.reason)
    envelope = {
        "request_id": meta.request_id,
        "agency": desk.agency.id,
        "operation": operation.name,
        "subject": subject.to_json(),
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "data": data.model_dump(mode="json"),
    }
    body = _json(envelope)
    malformation = sandbox.faults.of(desk.agency.id).malformation
    if malformation:
        body = _malformed(malformation, envelope)
    response = _signed(desk, 200, body, meta.request_id, "application/json")
    return _logged(desk, entry, response, None)


Endpoint = Callable[[Request], Awaitable[Response]]


def _running(sandbox: Sandbox | None) -> Sandbox:
    if sandbox is None:
        raise RuntimeError("This agency application only documents the API (no sandbox).")
    return sandbox


def _operation_endpoint(sandbox: Sandbox | None, agency: Agency, operation: Operation) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        running = _running(sandbox)
        return await _answer(running, running.desks[agency.id], operation, request)

    endpoint.__name__ = operation.name.replace("-", "_")
    return endpoint


def _responses(agency: Agency, operation: Operation) -> dict[int | str, dict[str, Any]]:
    responses: dict[int | str, dict[str, Any]] = {
        200: {"model": answer_model(agency, operation), "description": operation.summary}
    }
    for status, description in _PROBLEM_STATUSES.items():
        responses[status] = {"model": Problem, "description": description}
    return responses


def _openapi(app: FastAPI, agency: Agency) -> dict[str, Any]:
    """FastAPI's document, plus the request bodies, problem media type and signed headers."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    schema["info"]["x-agency"] = agency.id
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    _, definitions = models_json_schema(
        [(model, "validation") for model in (PersonQuery, CompanyQuery, AnyQuery, DocumentQuery)],
        ref_template="#/components/schemas/{model}",
    )
    components.update(definitions.get("$defs", {}))
    for operation in agency.operations:
        post = schema["paths"][f"/v1/{operation.name}"]["post"]
        reference = f"#/components/schemas/{query_model(operation).__name__}"
        post["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": reference}}},
        }
        for status, response in post["responses"].items():
            content = response.get("content", {}).get("application/json")
            if status != "200" and content is not None:
                response["content"] = {PROBLEM_TYPE: content}
            response["headers"] = _SIGNED_HEADERS
    app.openapi_schema = schema
    return schema


def agency_app(agency: Agency, sandbox: Sandbox | None) -> FastAPI:
    """One agency's application; with `sandbox=None` it serves only its documentation."""
    app = FastAPI(
        title=f"{agency.name.en} — {agency.name.ka} (OneWindow sandbox)",
        description=agency.description + _DESCRIPTION,
        version="1.0.0",
        redoc_url=None,
    )
    for operation in agency.operations:
        app.add_api_route(
            f"/v1/{operation.name}",
            _operation_endpoint(sandbox, agency, operation),
            methods=["POST"],
            summary=operation.summary,
            description=operation.description,
            operation_id=operation.name.replace("-", "_"),
            response_class=JSONResponse,
            responses=_responses(agency, operation),
        )

    async def unknown_operation(request: Request) -> Response:
        running = _running(sandbox)
        return await _answer(running, running.desks[agency.id], None, request)

    app.add_api_route(
        "/v1/{operation}", unknown_operation, methods=["POST"], include_in_schema=False
    )

    async def health() -> JSONResponse:
        failing = _running(sandbox).faults.of(agency.id).fail
        body = Health(agency=agency.id, name=agency.name, status="failing" if failing else "ok")
        return JSONResponse(body.model_dump(mode="json"), status_code=503 if failing else 200)

    app.add_api_route(
        "/health",
        health,
        methods=["GET"],
        summary="Whether the agency answers",
        operation_id="health",
        response_class=JSONResponse,
        responses={
            200: {"model": Health, "description": "The agency answers."},
            503: {"model": Health, "description": "The agency is failing."},
        },
    )
    app.openapi = lambda: _openapi(app, agency)  # type: ignore[method-assign]
    return app


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def record_unanswered(
    desks: Mapping[str, AgencyDesk], path: str, headers: Mapping[str, str], fault: str
) -> None:
    """Log a request to an operation that an injected fault (`hang`, `down`) leaves without
    an answer: the agency received it, so its message log has it. The request was not
    read or verified, so its headers are logged as they came (`verified: false`)."""
    agency, _, rest = path.lstrip("/").partition("/")
    desk = desks.get(agency)
    if desk is None or not rest.startswith("v1/"):
        return
    fields = {name.lower(): value for name, value in headers.items()}
    desk.log.record(
        request_id=fields.get("ow-request-id", "")[:200] or None,
        operation=rest.removeprefix("v1/")[:100],
        request_digest=fields.get("content-digest"),
        request_signature=fields.get("signature"),
        client=fields.get("ow-client"),
        user=fields.get("ow-user"),
        purpose=fields.get("ow-purpose"),
        on_behalf_of=fields.get("ow-on-behalf-of"),
        verified=False,
        status=None,
        reason=fault,
    )


class FaultInjection:
    """ASGI middleware: delays, hangs (and, outside `serve`, stands in for down)."""

    def __init__(
        self, app: ASGIApp, board: FaultBoard, desks: Mapping[str, AgencyDesk] | None = None
    ) -> None:
        self.app = app
        self.board = board
        self.desks = desks or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        agency = str(scope.get("path", "")).lstrip("/").split("/", 1)[0]
        if scope["type"] != "http" or agency not in AGENCIES:
            await self.app(scope, receive, send)
            return
        faults = self.board.of(agency)
        if faults.hang or faults.down:
            headers = {
                name.decode("latin-1"): value.decode("latin-1")
                for name, value in scope.get("headers", [])
            }
            record_unanswered(self.desks, str(scope["path"]), headers, _fault_name(faults))
            await _until_disconnected(receive)
            return
        if faults.delay_ms or faults.jitter_ms:
            jitter = random.uniform(0, faults.jitter_ms)  # noqa: S311 — timing, not secrets
            await asyncio.sleep((faults.delay_ms + jitter) / 1000)
        await self.app(scope, receive, send)


def _fault_name(faults: Faults) -> str:
    return "hang" if faults.hang else "down"


async def _until_disconnected(receive: Receive) -> None:
    async def wait() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    try:
        await asyncio.wait_for(wait(), HANG_LIMIT_SECONDS)
    except TimeoutError:
        return


def _is_loopback(request: Request) -> bool:
    return request.client is None or request.client.host in LOOPBACK


def _control_routes(root: FastAPI, sandbox: Sandbox) -> None:
    @root.get("/_control/faults", include_in_schema=False)
    async def get_faults(request: Request) -> JSONResponse:
        if not _is_loopback(request):
            return JSONResponse({"error": "loopback only"}, status_code=403)
        return JSONResponse(sandbox.faults.as_json())

    @root.post("/_control/faults", include_in_schema=False)
    async def set_faults(request: Request) -> JSONResponse:
        if not _is_loopback(request):
            return JSONResponse({"error": "loopback only"}, status_code=403)
        try:
            faults = parse_faults(await request.body())
        except FaultConfigError as error:
            return JSONResponse({"error": str(error)}, status_code=400)
        sandbox.faults.replace(faults)
        return JSONResponse(sandbox.faults.as_json())

    @root.get("/_control/messages", include_in_schema=False)
    async def messages(request: Request, agency: str, limit: int = 100) -> JSONResponse:
        if not _is_loopback(request):
            return JSONResponse({"error": "loopback only"}, status_code=403)
        desk = sandbox.desks.get(agency)
        if desk is None:
            return JSONResponse({"error": "unknown agency"}, status_code=404)
        return JSONResponse(desk.log.recent(limit))


def create_app(
    *,
    population: Population,
    pki_dir: Path,
    var_dir: Path | None = None,
    faults: FaultBoard | None = None,
) -> FastAPI:
    """All nine agencies under one root; keys from `pki_dir` (owexchange's test PKI)."""
    trust = TrustStore.load(pki_dir)
    log_dir = var_dir / "messages" if var_dir else None
    desks = {
        agency_id: AgencyDesk(
            agency=agency,
            key=load_private_key(pki_dir, agency_id),
            replay=ReplayCache(),
            log=MessageLog(agency_id, log_dir),
        )
        for agency_id, agency in AGENCIES.items()
    }
    sandbox = Sandbox(population, trust, faults or FaultBoard(), desks)
    root = FastAPI(
        title="OneWindow sandbox agencies", openapi_url=None, docs_url=None, redoc_url=None
    )

    @root.get("/", include_in_schema=False)
    async def index() -> JSONResponse:
        return JSONResponse(
            {
                "seed": population.seed,
                "persons": len(population.persons),
                "agencies": [
                    {
                        "id": agency.id,
                        "name": agency.name.model_dump(),
                        "base_path": f"/{agency.id}",
                        "openapi": f"/{agency.id}/openapi.json",
                    }
                    for agency in AGENCIES.values()
                ],
            }
        )

    _control_routes(root, sandbox)
    install_messaging(root)  # the SMS gateway and the mailbox (sandbox.messaging)
    for agency_id, desk in desks.items():
        root.mount(f"/{agency_id}", agency_app(desk.agency, sandbox))
    root.state.sandbox = sandbox
    root.add_middleware(FaultInjection, board=sandbox.faults, desks=sandbox.desks)
    return root


def openapi_document(agency_id: str) -> dict[str, Any]:
    """The agency's OpenAPI document, as served at `/{agency_id}/openapi.json` (no servers)."""
    return agency_app(AGENCIES[agency_id], None).openapi()


def parse_fault_env(value: str | None) -> FaultBoard:
    """The faults of `SANDBOX_FAULTS` (JSON), or none."""
    return FaultBoard(parse_faults(value or "{}"))
