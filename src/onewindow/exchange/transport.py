"""Asking agencies over HTTP: signed requests, verified responses, timeouts, bounded
retries and a circuit breaker per agency. Async, so that one page asks every agency at
once; `services.exchange_fetch` runs it from synchronous code and writes the logs.
"""

from __future__ import annotations

import asyncio
import datetime
import functools
import json
import ssl
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from django.conf import settings

import httpx
import structlog

import owexchange
from owexchange import RequestMeta, sign_request, verify_response

from .breaker import breaker_for
from .connectors import AgencyConnector, connector_for
from .credentials import Credentials
from .errors import (
    AgencyRefused,
    AgencyUnavailable,
    ExchangeError,
    MalformedResponse,
    ResponseTampered,
    SubjectNotFound,
)
from .queries import Asker, Query

logger = structlog.get_logger(__name__)

MAX_RESPONSE_BYTES: Final = 2 * 1024 * 1024
RETRY_BACKOFF_SECONDS: Final = 0.1  # then 0.2, 0.4 …
ENVELOPE_KEYS: Final = frozenset(
    {"request_id", "agency", "operation", "subject", "generated_at", "data"}
)


@dataclass(frozen=True)
class TransportConfig:
    credentials: Credentials
    timeout: float
    retries: int
    breaker_failures: int
    breaker_reset_seconds: float

    @classmethod
    def from_settings(cls, credentials: Credentials) -> TransportConfig:
        return cls(
            credentials=credentials,
            timeout=float(settings.EXCHANGE_TIMEOUT_SECONDS),
            retries=max(0, int(settings.EXCHANGE_RETRIES)),
            breaker_failures=max(1, int(settings.EXCHANGE_BREAKER_FAILURES)),
            breaker_reset_seconds=float(settings.EXCHANGE_BREAKER_RESET_SECONDS),
        )


@dataclass
class LoggedMessage:
    """A message to keep in the message log (written after the network part)."""

    direction: str
    kind: str
    peer: str
    operation: str
    request_id: str
    occurred_at: datetime.datetime
    method: str = ""
    url: str = ""
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    verified: bool = False
    refusal: str = ""
    detail: str = ""
    elapsed_ms: float | None = None


@dataclass
class Outcome:
    """What became of one query: data or an error, and the messages exchanged."""

    data: Mapping[str, object] | None = None
    error: ExchangeError | None = None
    request_id: str = ""
    sent: bool = False
    elapsed_ms: float = 0.0
    messages: list[LoggedMessage] = field(default_factory=list)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """Built once per process: loading the CA bundle costs 20–70 ms, on every call if not."""
    return ssl.create_default_context()


async def fetch_all(
    *, queries: Sequence[Query], asker: Asker, config: TransportConfig
) -> list[Outcome]:
    """Every query at once; in order; an agency's failure is that query's error."""
    timeout = httpx.Timeout(config.timeout)
    # Agencies are reached directly (or through the deployment's own routing), never
    # through a proxy picked up from the environment.
    async with httpx.AsyncClient(timeout=timeout, trust_env=False, verify=_tls_context()) as client:
        return list(await asyncio.gather(*(_fetch(client, q, asker, config) for q in queries)))


async def _fetch(
    client: httpx.AsyncClient, query: Query, asker: Asker, config: TransportConfig
) -> Outcome:
    connector = connector_for(query.agency)
    breaker = breaker_for(query.agency)
    outcome = Outcome()
    started = time.perf_counter()
    if not breaker.allow(
        failures=config.breaker_failures, reset_seconds=config.breaker_reset_seconds
    ):
        outcome.error = AgencyUnavailable(
            "circuit-open", "The agency failed repeatedly; not asked.", agency=query.agency
        )
        return outcome
    try:
        for attempt in range(config.retries + 1):
            if attempt:
                await asyncio.sleep(RETRY_BACKOFF_SECONDS * 2 ** (attempt - 1))
            outcome.request_id = str(uuid.uuid4())
            outcome.sent = True
            try:
                outcome.data = await _attempt(client, connector, query, asker, config, outcome)
                outcome.error = None
                break
            except AgencyUnavailable as error:  # worth another try (reads are idempotent)
                outcome.error = error
            except ExchangeError as error:
                outcome.error = error
                break
    except Exception as error:  # a defect here must not take the other agencies down
        logger.exception("exchange_unexpected_error", agency=query.agency)
        outcome.data = None
        outcome.error = MalformedResponse("unexpected", repr(error), agency=query.agency)
    finally:
        if isinstance(outcome.error, AgencyUnavailable):
            breaker.record(success=False, failures=config.breaker_failures)
        elif outcome.error is not None or outcome.data is not None:
            breaker.record(success=True, failures=config.breaker_failures)
        # Otherwise the query was cancelled (the visitor left) before any answer: that is
        # no evidence that the agency works, so it must not close or reset the breaker.
        outcome.elapsed_ms = (time.perf_counter() - started) * 1000
    return outcome


async def _attempt(
    client: httpx.AsyncClient,
    connector: AgencyConnector,
    query: Query,
    asker: Asker,
    config: TransportConfig,
    outcome: Outcome,
) -> Mapping[str, object]:
    request_id = outcome.request_id
    body = json.dumps(
        {"subject": query.subject.to_json(), "parameters": dict(query.parameters)},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    url = connector.url(query.operation)
    meta = RequestMeta(
        client=config.credentials.client_id,
        request_id=request_id,
        user=asker.user,
        purpose=asker.purpose,
        on_behalf_of=asker.on_behalf_of,
    )
    headers = sign_request(method="POST", url=url, body=body, meta=meta, key=config.credentials.key)
    request_log = LoggedMessage(
        direction="out",
        kind="request",
        peer=query.agency,
        operation=query.operation,
        request_id=request_id,
        occurred_at=_now(),
        method="POST",
        url=url,
        headers=dict(headers),
        body=body,
        verified=True,
    )
    outcome.messages.append(request_log)
    started = time.perf_counter()
    try:
        async with asyncio.timeout(config.timeout):
            async with client.stream(
                "POST", url, content=body, headers=headers | {"Accept-Encoding": "identity"}
            ) as response:
                raw = await _read(response, query, request_id, outcome)
    except (TimeoutError, httpx.TimeoutException) as error:
        request_log.detail = "No answer within the timeout."
        raise AgencyUnavailable("timeout", request_log.detail, agency=query.agency) from error
    except httpx.TransportError as error:
        request_log.detail = f"No answer: {type(error).__name__}: {error}"
        raise AgencyUnavailable(
            "connection-failed", request_log.detail, agency=query.agency
        ) from error
    response_log = _response_message(
        query, request_id, response, body=raw, elapsed_ms=(time.perf_counter() - started) * 1000
    )
    outcome.messages.append(response_log)
    try:
        return _interpret(connector, query, config, response, raw, response_log)
    except ExchangeError as error:
        response_log.refusal = response_log.refusal or error.reason
        response_log.detail = error.detail
        raise


async def _read(response: httpx.Response, query: Query, request_id: str, outcome: Outcome) -> bytes:
    """The body, refused (and logged without it) when over MAX_RESPONSE_BYTES."""
    declared = response.headers.get("content-length", "")
    too_large = declared.isdigit() and int(declared) > MAX_RESPONSE_BYTES
    chunks, size = [], 0
    if not too_large:
        async for chunk in response.aiter_raw():
            size += len(chunk)
            if size > MAX_RESPONSE_BYTES:
                too_large = True
                break
            chunks.append(chunk)
    if not too_large:
        return b"".join(chunks)
    error = MalformedResponse("too-large", f"Over {MAX_RESPONSE_BYTES} bytes.", agency=query.agency)
    outcome.messages.append(
        _response_message(
            query,
            request_id,
            response,
            refusal=error.reason,
            detail=error.detail + " The body was not kept.",
        )
    )
    raise error


def _response_message(
    query: Query, request_id: str, response: httpx.Response, **details: Any
) -> LoggedMessage:
    """The message-log entry of an agency's response to `query`."""
    return LoggedMessage(
        direction="in",
        kind="response",
        peer=query.agency,
        operation=query.operation,
        request_id=request_id,
        occurred_at=_now(),
        status=response.status_code,
        headers=dict(response.headers.items()),
        **details,
    )


def _interpret(
    connector: AgencyConnector,
    query: Query,
    config: TransportConfig,
    response: httpx.Response,
    raw: bytes,
    log: LoggedMessage,
) -> Mapping[str, object]:
    agency, status = query.agency, response.status_code
    try:
        verify_response(
            status=status,
            headers=response.headers,
            body=raw,
            request_id=log.request_id,
            signer=agency,
            trust=config.credentials.trust,
        )
    except owexchange.ResponseTampered as tampered:
        log.refusal = tampered.reason
        if status >= 500:  # an unsigned server error, e.g. from a proxy: unavailable
            raise AgencyUnavailable("server-error", f"HTTP {status}", agency=agency) from None
        raise ResponseTampered(tampered.reason, tampered.detail, agency=agency) from tampered
    log.verified = True
    if status >= 500:
        raise AgencyUnavailable("server-error", f"HTTP {status}", agency=agency)
    if response.headers.get("content-encoding", "identity") != "identity":
        raise MalformedResponse("content-encoding", "Encoded content.", agency=agency)
    if status == 200:
        return _data(connector, query, log.request_id, response, raw)
    if 400 <= status < 500:
        raise _refusal(agency, status, response, raw)
    raise MalformedResponse("unexpected-status", f"HTTP {status}", agency=agency)


def _data(
    connector: AgencyConnector,
    query: Query,
    request_id: str,
    response: httpx.Response,
    raw: bytes,
) -> Mapping[str, object]:
    agency = query.agency
    if _media_type(response) != "application/json":
        raise MalformedResponse("not-json", "Content-Type is not JSON.", agency=agency)
    envelope = _json(raw, agency)
    if not isinstance(envelope, dict) or not set(envelope) >= ENVELOPE_KEYS:
        raise MalformedResponse(
            "bad-envelope",
            "The answer must have " + ", ".join(sorted(ENVELOPE_KEYS)) + ".",
            agency=agency,
        )
    echoes = {
        "request_id": request_id,
        "agency": agency,
        "operation": query.operation,
        "subject": query.subject.to_json(),
    }
    for key, expected in echoes.items():
        if envelope[key] != expected:
            raise MalformedResponse(
                f"wrong-{key.replace('_', '-')}",
                f"{key} is {envelope[key]!r}, not {expected!r}.",
                agency=agency,
            )
    if not isinstance(envelope["generated_at"], str) or not _is_datetime(envelope["generated_at"]):
        raise MalformedResponse("bad-envelope", "generated_at is not a date-time.", agency=agency)
    return connector.parse(query.operation, envelope["data"])


def _refusal(agency: str, status: int, response: httpx.Response, raw: bytes) -> ExchangeError:
    if _media_type(response) not in {"application/problem+json", "application/json"}:
        return MalformedResponse("not-json", f"HTTP {status} without a problem.", agency=agency)
    problem = _json(raw, agency)
    if not isinstance(problem, dict) or not isinstance(problem.get("reason"), str):
        return MalformedResponse("bad-problem", f"HTTP {status} without a reason.", agency=agency)
    reason = str(problem["reason"])
    detail = str(problem.get("detail") or problem.get("title") or reason)
    if reason == "not-found":
        return SubjectNotFound(reason, detail, agency=agency)
    return AgencyRefused(reason, detail, agency=agency)


def _json(raw: bytes, agency: str) -> object:
    try:
        return json.loads(raw)
    except ValueError as error:  # UnicodeDecodeError included
        raise MalformedResponse("not-json", str(error), agency=agency) from error


def _media_type(response: httpx.Response) -> str:
    content_type: str = response.headers.get("content-type", "")
    return content_type.split(";")[0].strip().lower()


def _is_datetime(value: str) -> bool:
    try:
        datetime.datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)
