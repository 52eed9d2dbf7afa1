"""The exchange's public interface for other apps: ask agencies (`exchange_fetch`) and
receive agencies' access reports. Reads of the logs are in `selectors.py`.

Every query goes out signed and concurrently; every message is kept in the message log
and every query about a person or a company in the data-access log (both append-only),
each request before it is sent.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .breaker import breaker_for
from .connectors import connector_for
from .credentials import portal_credentials
from .errors import AgencyUnavailable, ExchangeError
from .models import DataAccess, MessageLog
from .queries import Answer, Asker, Query
from .transport import (
    RETRY_BACKOFF_SECONDS,
    Attempt,
    LoggedMessage,
    Outcome,
    TransportConfig,
    exchange_loop,
    is_retryable,
    prepare,
)

__all__ = [
    "AccessReportEntry",
    "Answer",
    "Asker",
    "ExchangeError",
    "Query",
    "access_report_record",
    "data_access_record",
    "exchange_fetch",
]


def exchange_fetch(*, queries: Sequence[Query], asker: Asker) -> list[Answer]:
    """Ask all `queries` at once; one Answer per query, in order.

    An agency's failure is that answer's `error` (never an exception). Answers about the
    same query within EXCHANGE_CACHE_SECONDS come from the cache. Every request goes to the
    message log, and every query about a person or a company to the data-access log, in
    one transaction *before* it is sent; the responses are logged as soon as the attempt is
    over — also when the wait is interrupted. Quick failures are retried (new request ids)
    up to EXCHANGE_RETRIES times; an agency whose circuit is open is not asked.
    Raises ValueError for a query no agency answers, ExchangeNotConfigured without keys.
    """
    for query in queries:
        connector_for(query.agency).check_query(
            operation=query.operation, subject_type=query.subject.type
        )
    asked_at = timezone.now()
    cache_seconds = max(0, int(settings.EXCHANGE_CACHE_SECONDS))
    keys = [_cache_key(query) for query in queries]
    cached: dict[str, Any] = cache.get_many(keys) if cache_seconds else {}
    to_fetch = [index for index, key in enumerate(keys) if key not in cached]
    accesses = [
        _access(queries[index], asker, asked_at, request_id=cached[key]["request_id"], cached=True)
        for index, key in enumerate(keys)
        if key in cached and queries[index].subject.type in LOGGED_SUBJECTS
    ]
    if accesses:
        DataAccess.objects.bulk_create(accesses)
    fetched = _fetch(queries=[queries[index] for index in to_fetch], asker=asker, asked_at=asked_at)
    outcomes = dict(zip(to_fetch, fetched, strict=True))

    answers: list[Answer] = []
    fresh: dict[str, dict[str, object]] = {}
    for index, (query, key) in enumerate(zip(queries, keys, strict=True)):
        fetch = outcomes.get(index)
        if fetch is None:
            entry = cached[key]
            answers.append(Answer(query, entry["data"], None, 0.0, True, entry["request_id"]))
            continue
        answer = Answer(query, fetch.data, fetch.error, fetch.elapsed_ms, False, fetch.request_id)
        if answer.ok and cache_seconds:
            fresh[key] = {"data": answer.data, "request_id": answer.request_id}
        answers.append(answer)
    if fresh:
        cache.set_many(fresh, timeout=cache_seconds)
    return answers


# Whose data the access log records: a person's (shown in their access log) and a
# company's (for the company's representatives).
LOGGED_SUBJECTS: Final = frozenset({"person", "company"})


@dataclass
class _Fetch:
    """One query's way through the attempts: its last outcome and how long it took."""

    query: Query
    started: float
    data: Mapping[str, object] | None = None
    error: ExchangeError | None = None
    request_id: str = ""  # of the attempt that gave data or the last error; "" if not sent
    elapsed_ms: float = 0.0


def _fetch(*, queries: Sequence[Query], asker: Asker, asked_at: datetime.datetime) -> list[_Fetch]:
    """Every query at once, in rounds of attempts (the second for the quick failures of the
    first, …); the logs written as described in `exchange_fetch`."""
    if not queries:
        return []
    config = TransportConfig.from_settings(portal_credentials())
    fetches = [_Fetch(query, time.perf_counter()) for query in queries]
    pending = []
    for fetch in fetches:
        breaker = breaker_for(fetch.query.agency)
        if breaker.allow(
            failures=config.breaker_failures, reset_seconds=config.breaker_reset_seconds
        ):
            pending.append(fetch)
        else:
            fetch.error = AgencyUnavailable(
                "circuit-open",
                "The agency failed repeatedly; not asked.",
                agency=fetch.query.agency,
            )
    for number in range(config.retries + 1):
        if not pending:
            break
        if number:
            time.sleep(RETRY_BACKOFF_SECONDS * 2 ** (number - 1))
        attempts = [prepare(fetch.query, asker, config) for fetch in pending]
        outcomes = [Outcome() for _ in pending]
        with transaction.atomic():  # before any byte goes out
            MessageLog.objects.bulk_create(_message_row(attempt.message) for attempt in attempts)
            if number == 0:
                DataAccess.objects.bulk_create(
                    _access(fetch.query, asker, asked_at, request_id=attempt.request_id)
                    for fetch, attempt in zip(pending, attempts, strict=True)
                    if fetch.query.subject.type in LOGGED_SUBJECTS
                )
        try:
            exchange_loop().run(attempts, outcomes, config)
        finally:
            _log_round(attempts, outcomes)
        for fetch, outcome in zip(pending, outcomes, strict=True):
            fetch.data, fetch.error, fetch.request_id = (
                outcome.data,
                outcome.error,
                outcome.request_id,
            )
            fetch.elapsed_ms = ((outcome.finished or time.perf_counter()) - fetch.started) * 1000
        pending = [
            fetch for fetch in pending if is_retryable(fetch.error) and number < config.retries
        ]
    for fetch in fetches:
        if fetch.request_id:  # sent: the answer says how the agency is
            breaker_for(fetch.query.agency).record(
                success=not isinstance(fetch.error, AgencyUnavailable),
                failures=config.breaker_failures,
            )
    return fetches


def _log_round(attempts: Sequence[Attempt], outcomes: Sequence[Outcome]) -> None:
    """The responses of a round (and what became of requests without one), in one go."""
    rows: list[MessageLog] = []
    for attempt, outcome in zip(attempts, outcomes, strict=True):
        rows.extend(_message_row(message) for message in outcome.messages)
        if not outcome.messages:
            # No response at all. The request's entry was written before it was sent, so
            # why nothing came back is an entry of its own.
            rows.append(_message_row(_no_response(attempt, outcome)))
    if rows:
        MessageLog.objects.bulk_create(rows)


def _cache_key(query: Query) -> str:
    # Personal numbers stay out of cache keys (which a shared Redis would show).
    identity = json.dumps(
        [query.agency, query.operation, query.subject.to_json(), dict(query.parameters)],
        sort_keys=True,
    )
    digest = hmac.new(settings.SECRET_KEY.encode(), identity.encode(), hashlib.sha256)
    return f"exchange:answer:{digest.hexdigest()}"


def _access(
    query: Query,
    asker: Asker,
    asked_at: datetime.datetime,
    *,
    request_id: str,
    cached: bool = False,
) -> DataAccess:
    person = query.subject.type == "person"
    return DataAccess(
        personal_number=query.subject.id if person else "",
        company_code="" if person else query.subject.id,
        accessed_at=asked_at,
        asker_kind=asker.kind,
        asker=asker.user,
        asker_name=asker.name,
        on_behalf_of=asker.on_behalf_of or "",
        purpose=asker.purpose,
        agency=query.agency,
        operation=query.operation,
        source=DataAccess.Source.PORTAL,
        request_id=request_id,
        from_cache=cached,
        # Recorded before the request is sent: its answer is in the message log.
        outcome=DataAccess.CACHED if cached else DataAccess.SENT,
    )


def _no_response(attempt: Attempt, outcome: Outcome) -> LoggedMessage:
    error = outcome.error
    if error is None:  # neither an answer nor an error: the wait was interrupted
        reason, detail = "cancelled", "The wait for the answer was interrupted."
    else:
        reason, detail = error.reason, attempt.message.detail or error.detail
    return LoggedMessage(
        direction=MessageLog.Direction.INCOMING,
        kind=MessageLog.Kind.NO_RESPONSE,
        peer=attempt.query.agency,
        operation=attempt.query.operation,
        request_id=attempt.request_id,
        occurred_at=timezone.now(),
        refusal=reason,
        detail=detail,
    )


def _message_row(message: LoggedMessage) -> MessageLog:
    return MessageLog(
        direction=message.direction,
        kind=message.kind,
        peer=message.peer,
        operation=message.operation,
        request_id=message.request_id,
        method=message.method,
        url=message.url,
        status=message.status,
        headers=message.headers,
        body=message.body,
        verified=message.verified,
        refusal=message.refusal,
        detail=message.detail,
        occurred_at=message.occurred_at,
        elapsed_ms=message.elapsed_ms,
    )


# --- Accesses in the portal itself -------------------------------------------------------


def data_access_record(
    *,
    personal_number: str,
    company_code: str = "",
    asker_kind: str,
    asker: str,
    asker_name: str,
    purpose: str,
    agency: str,
    operation: str,
    once_within: datetime.timedelta | None = None,
) -> DataAccess | None:
    """Write a person's (or company's) access-log entry for data looked at in the portal
    itself, not asked over the exchange (e.g. agency staff opening a case). The log is
    the exchange room's: other rooms write it only through here. With `once_within`,
    nothing is written (None) when the same asker looked at the same data for the same
    subject within that time, so repeated views do not flood the log."""
    now = timezone.now()
    if once_within is not None:
        earlier = DataAccess.objects.filter(
            personal_number=personal_number,
            company_code=company_code,
            accessed_at__gte=now - once_within,
            asker=asker,
            operation=operation,
        )
        if earlier.exists():
            return None
    return DataAccess.objects.create(
        personal_number=personal_number,
        company_code=company_code,
        accessed_at=now,
        asker_kind=asker_kind,
        asker=asker,
        asker_name=asker_name,
        purpose=purpose,
        agency=agency,
        operation=operation,
        source=DataAccess.Source.PORTAL,
    )


# --- Access reports (agency → portal) -------------------------------------------------


@dataclass(frozen=True)
class AccessReportEntry:
    """One access an agency reports: who looked at which person's data, when and why."""

    personal_number: str
    accessed_at: datetime.datetime
    accessor: str
    accessor_kind: str  # "agency_staff" or "agency" (an agency's system)
    purpose: str
    data: str
    on_behalf_of: str = ""


@transaction.atomic
def access_report_record(
    *,
    agency: str,
    request_id: str,
    entries: Sequence[AccessReportEntry],
    messages: Sequence[LoggedMessage],
) -> list[DataAccess]:
    """Keep an agency's access report: its messages, and each entry in the access log."""
    MessageLog.objects.bulk_create(_message_row(message) for message in messages)
    return DataAccess.objects.bulk_create(
        DataAccess(
            personal_number=entry.personal_number,
            accessed_at=entry.accessed_at,
            asker_kind=entry.accessor_kind,
            asker=entry.accessor,
            asker_name=entry.accessor,
            on_behalf_of=entry.on_behalf_of,
            purpose=entry.purpose,
            agency=agency,
            operation=entry.data,
            source=DataAccess.Source.AGENCY_REPORT,
            request_id=request_id,
        )
        for entry in entries
    )


def message_log_record(*, messages: Sequence[LoggedMessage]) -> None:
    """Keep messages (e.g. a refused access report and the problem that answered it)."""
    MessageLog.objects.bulk_create(_message_row(message) for message in messages)
