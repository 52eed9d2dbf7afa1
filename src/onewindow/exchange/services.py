"""The exchange's public interface for other apps: ask agencies (`exchange_fetch`) and
receive agencies' access reports. Reads of the logs are in `selectors.py`.

Every query goes out signed and concurrently; every message is kept in the message log
and every query about a person in the data-access log (both append-only).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from asgiref.sync import async_to_sync

from .connectors import connector_for
from .credentials import portal_credentials
from .errors import ExchangeError
from .models import DataAccess, MessageLog
from .queries import Answer, Asker, Query
from .transport import LoggedMessage, Outcome, TransportConfig, fetch_all

__all__ = [
    "AccessReportEntry",
    "Answer",
    "Asker",
    "ExchangeError",
    "Query",
    "access_report_record",
    "exchange_fetch",
]


def exchange_fetch(*, queries: Sequence[Query], asker: Asker) -> list[Answer]:
    """Ask all `queries` at once; one Answer per query, in order.

    An agency's failure is that answer's `error` (never an exception). Answers about the
    same query within EXCHANGE_CACHE_SECONDS come from the cache. Afterwards, in one
    transaction, every message goes to the message log and every query about a person
    (also one served from the cache) to the data-access log.
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
    outcomes: dict[int, Outcome] = {}
    if to_fetch:
        config = TransportConfig.from_settings(portal_credentials())
        fetched = async_to_sync(fetch_all)(
            queries=[queries[index] for index in to_fetch], asker=asker, config=config
        )
        outcomes = dict(zip(to_fetch, fetched, strict=True))

    answers: list[Answer] = []
    messages: list[LoggedMessage] = []
    accesses: list[DataAccess] = []
    fresh: dict[str, dict[str, object]] = {}
    for index, (query, key) in enumerate(zip(queries, keys, strict=True)):
        outcome = outcomes.get(index)
        if outcome is None:
            entry = cached[key]
            answer = Answer(query, entry["data"], None, 0.0, True, entry["request_id"])
        else:
            answer = Answer(
                query,
                outcome.data if outcome.error is None else None,
                outcome.error,
                outcome.elapsed_ms,
                False,
                outcome.request_id if outcome.sent else "",
            )
            messages.extend(outcome.messages)
            if answer.ok and cache_seconds:
                fresh[key] = {"data": answer.data, "request_id": answer.request_id}
        answers.append(answer)
        if query.subject.type == "person" and (answer.from_cache or answer.request_id):
            accesses.append(_access(answer, asker, asked_at))

    with transaction.atomic():
        MessageLog.objects.bulk_create(_message_row(message) for message in messages)
        DataAccess.objects.bulk_create(accesses)
    if fresh:
        cache.set_many(fresh, timeout=cache_seconds)
    return answers


def _cache_key(query: Query) -> str:
    # Personal numbers stay out of cache keys (which a shared Redis would show).
    identity = json.dumps(
        [query.agency, query.operation, query.subject.to_json(), dict(query.parameters)],
        sort_keys=True,
    )
    digest = hmac.new(settings.SECRET_KEY.encode(), identity.encode(), hashlib.sha256)
    return f"exchange:answer:{digest.hexdigest()}"


def _access(answer: Answer, asker: Asker, asked_at: datetime.datetime) -> DataAccess:
    query = answer.query
    return DataAccess(
        personal_number=query.subject.id,
        accessed_at=asked_at,
        asker_kind=asker.kind,
        asker=asker.user,
        asker_name=asker.name,
        on_behalf_of=asker.on_behalf_of or "",
        purpose=asker.purpose,
        agency=query.agency,
        operation=query.operation,
        source=DataAccess.Source.PORTAL,
        request_id=answer.request_id,
        from_cache=answer.from_cache,
        outcome=answer.error.reason if answer.error is not None else "answered",
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
