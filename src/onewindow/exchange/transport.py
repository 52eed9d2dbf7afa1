"""Asking agencies over HTTP: signed requests (`prepare`), sent all at once on the process's
exchange loop (`exchange_loop().run`), verified and checked responses, timeouts.
`services.exchange_fetch` drives it: the circuit breakers, the retries, and the logs, which
get every request before it is sent.
"""

from __future__ import annotations

import asyncio
import datetime
import functools
import json
import os
import ssl
import threading
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
# Below the agencies' keep-alive (uvicorn's 5 s), so a connection is not reused as it closes.
KEEPALIVE_SECONDS: Final = 4.0
MAX_CONNECTIONS_PER_AGENCY: Final = 100
KEEPALIVE_CONNECTIONS_PER_AGENCY: Final = 16
# How long an interrupted wait gives the loop to stop sending (and hand back the messages).
CANCEL_GRACE_SECONDS: Final = 2.0
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
    """What became of one query's attempt: data or an error, and the messages received.

    Filled in on the exchange loop; read by the caller once the attempt is over.
    """

    data: Mapping[str, object] | None = None
    error: ExchangeError | None = None
    request_id: str = ""
    sent: bool = False
    finished: float | None = None  # time.perf_counter() when the attempt ended
    messages: list[LoggedMessage] = field(default_factory=list)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """Built once per process: loading the CA bundle costs 20–70 ms, on every call if not."""
    return ssl.create_default_context()


@dataclass
class Attempt:
    """One signed request, ready to send (and, before it is sent, in the message log)."""

    query: Query
    url: str
    body: bytes
    headers: dict[str, str]
    message: LoggedMessage

    @property
    def request_id(self) -> str:
        return self.message.request_id


def prepare(query: Query, asker: Asker, config: TransportConfig) -> Attempt:
    """A new request for `query`: a new request id, the body, the signed headers."""
    connector = connector_for(query.agency)
    request_id = str(uuid.uuid4())
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
    message = LoggedMessage(
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
    return Attempt(query=query, url=url, body=body, headers=headers, message=message)


def is_retryable(error: ExchangeError | None) -> bool:
    """Worth another attempt: a quick failure of an idempotent read (a refused connection,
    a 5xx). Not a timeout: that attempt used the whole time allowed, and an agency that did
    not answer in it most likely hangs, so trying again would only multiply the wait."""
    return isinstance(error, AgencyUnavailable) and error.reason not in {"timeout", "circuit-open"}


class ExchangeLoop:
    """The process's exchange event loop, in a thread of its own, with a long-lived HTTP
    client per agency: connections to agencies are kept alive between pages, and a page's
    thread only waits (`run`) while the loop sends, verifies and parses for every page."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()
        self._clients: dict[str, httpx.AsyncClient] = {}
        self._thread = threading.Thread(
            target=self._serve, args=(ready,), name="exchange-loop", daemon=True
        )
        self._thread.start()
        ready.wait()

    def _serve(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.call_soon(ready.set)
        self.loop.run_forever()

    def client(self, agency: str) -> httpx.AsyncClient:
        """The agency's long-lived client (made in, and used only from, the loop's thread).

        One connection pool per agency: httpcore looks through every connection of a pool
        for each request, so one pool for all agencies cost more the more were kept alive.
        """
        client = self._clients.get(agency)
        if client is None:
            # Agencies are reached directly (or through the deployment's own routing), never
            # through a proxy picked up from the environment.
            client = self._clients[agency] = httpx.AsyncClient(
                trust_env=False,
                verify=_tls_context(),
                limits=httpx.Limits(
                    max_connections=MAX_CONNECTIONS_PER_AGENCY,
                    max_keepalive_connections=KEEPALIVE_CONNECTIONS_PER_AGENCY,
                    keepalive_expiry=KEEPALIVE_SECONDS,
                ),
            )
        return client

    def run(
        self, attempts: Sequence[Attempt], outcomes: Sequence[Outcome], config: TransportConfig
    ) -> None:
        """Send every attempt at once and wait; each outcome gets its answer or error.

        If the wait is interrupted (the caller's thread is stopped, e.g. by a signal), the
        sending is cancelled and awaited before the exception goes on, so that `outcomes`
        hold every message exchanged until then and the caller can log them.
        """
        finished = threading.Event()
        future = asyncio.run_coroutine_threadsafe(
            self._send_all(attempts, outcomes, config, finished), self.loop
        )
        try:
            future.result()
        except BaseException:
            future.cancel()
            finished.wait(CANCEL_GRACE_SECONDS)
            raise

    async def _send_all(
        self,
        attempts: Sequence[Attempt],
        outcomes: Sequence[Outcome],
        config: TransportConfig,
        finished: threading.Event,
    ) -> None:
        try:
            await asyncio.gather(
                *(
                    _send(self.client(attempt.query.agency), attempt, outcome, config)
                    for attempt, outcome in zip(attempts, outcomes, strict=True)
                )
            )
        finally:
            finished.set()


_exchange_loop: ExchangeLoop | None = None
_exchange_loop_lock = threading.Lock()


def exchange_loop() -> ExchangeLoop:
    """This process's exchange loop (a new one in a forked child)."""
    global _exchange_loop
    with _exchange_loop_lock:
        if _exchange_loop is None or _exchange_loop.pid != os.getpid():
            _exchange_loop = ExchangeLoop()
        return _exchange_loop


async def _send(
    client: httpx.AsyncClient, attempt: Attempt, outcome: Outcome, config: TransportConfig
) -> None:
    """One attempt: its answer's data, or the error standing in for it, in `outcome`."""
    query = attempt.query
    connector = connector_for(query.agency)
    outcome.request_id = attempt.request_id
    outcome.sent = True
    outcome.data, outcome.error = None, None
    try:
        outcome.data = await _exchange(client, connector, attempt, config, outcome)
    except ExchangeError as error:
        outcome.error = error
    except Exception as error:  # a defect here must not take the other agencies down
        logger.exception("exchange_unexpected_error", agency=query.agency)
        outcome.error = MalformedResponse("unexpected", repr(error), agency=query.agency)
    finally:
        outcome.finished = time.perf_counter()


async def _exchange(
    client: httpx.AsyncClient,
    connector: AgencyConnector,
    attempt: Attempt,
    config: TransportConfig,
    outcome: Outcome,
) -> Mapping[str, object]:
    query, request_id, request_log = attempt.query, attempt.request_id, attempt.message
    started = time.perf_counter()
    try:
        async with asyncio.timeout(config.timeout):
            async with client.stream(
                "POST",
                attempt.url,
                content=attempt.body,
                headers=attempt.headers | {"Accept-Encoding": "identity"},
                timeout=config.timeout,
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
