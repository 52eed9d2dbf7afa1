"""exchange_fetch against the sandbox agencies on loopback: signed, concurrent, bounded
(timeouts, retries, a circuit per agency), refusing tampered and malformed answers, logged.
"""

from __future__ import annotations

import signal
import threading
import time
from typing import Any

import pytest

from onewindow.exchange.connectors import connector_for
from onewindow.exchange.errors import (
    AgencyRefused,
    AgencyUnavailable,
    MalformedResponse,
    ResponseTampered,
    SubjectNotFound,
)
from onewindow.exchange.models import DataAccess, MessageLog
from onewindow.exchange.selectors import agency_health, data_accesses_for_company
from onewindow.exchange.services import Answer, Asker, Query, exchange_fetch
from onewindow.exchange.transport import ExchangeLoop
from owexchange import AGENCY_OPERATIONS, ReplayCache, Subject, TrustStore, verify_request

from .conftest import Agencies

pytestmark = pytest.mark.django_db

NINO = "01001012345"  # the sandbox's demo persons and companies
GIORGI = "01008057492"
LEVAN = "60001045678"
COMPANIES = ("404123456", "404987654", "412987654")
UNKNOWN = "99001012345"  # region 99 does not exist: no agency knows this person
PERSON = Subject.person(NINO)
ASKER = Asker(kind="person", user=f"person:{NINO}", name="Nino Beridze", purpose="self-view")
OPERATOR = Asker(
    kind="operator",
    user="operator:hall-7",
    name="Operator 7",
    purpose="case-handling",
    on_behalf_of=f"person:{NINO}",
)


def fetch(*queries: Query, asker: Asker = ASKER) -> list[Answer]:
    return exchange_fetch(queries=list(queries), asker=asker)


def one(agency: str = "civil-registry", operation: str = "address", pn: str = NINO) -> Answer:
    (answer,) = fetch(Query(agency, operation, Subject.person(pn)))
    return answer


def reason(answer: Answer) -> str:
    assert answer.error is not None, answer
    return answer.error.reason


def test_a_query_is_signed_and_answered_with_checked_data(agencies: Agencies) -> None:
    (answer,) = fetch(Query("civil-registry", "address", PERSON), asker=OPERATOR)
    assert answer.ok and not answer.from_cache
    assert answer.data is not None
    assert answer.data["registered_since"] == "2019-03-20"
    # The agency verified the signature and logged who asked, for whom and why.
    (seen,) = agencies.seen("civil-registry")
    assert seen["request_id"] == answer.request_id and seen["status"] == 200
    assert (seen["client"], seen["user"], seen["purpose"]) == (
        "portal",
        "operator:hall-7",
        "case-handling",
    )
    assert seen["on_behalf_of"] == f"person:{NINO}"
    assert seen["subject"] == f"person:{NINO}"


def test_every_operation_of_every_agency_has_its_documented_shape(
    agencies: Agencies, settings: Any
) -> None:
    settings.EXCHANGE_TIMEOUT_SECONDS = 15.0  # some ninety queries at once, on a busy machine
    queries = []
    for agency, operations in AGENCY_OPERATIONS.items():
        for operation in operations:
            for pn in (NINO, GIORGI, LEVAN):
                queries.append(Query(agency, operation, Subject.person(pn)))
            queries.extend(Query(agency, operation, Subject.company(code)) for code in COMPANIES)
    valid = [
        query
        for query in queries
        if query.subject.type in connector_for(query.agency).operations[query.operation].subjects
        # one registered document, named in the query's parameters: tested on its own
        and not connector_for(query.agency).operations[query.operation].needs_document
    ]
    answers = fetch(*valid)
    problems = [
        (a.query.agency, a.query.operation, a.query.subject.id, a.error.detail)
        for a in answers
        if a.error is not None
    ]
    assert problems == []
    assert len(answers) > 80


def test_the_message_log_keeps_both_messages_with_their_signatures(
    agencies: Agencies,
) -> None:
    answer = one()
    sent = MessageLog.objects.get(direction="out", kind="request")
    received = MessageLog.objects.get(direction="in", kind="response")
    assert sent.request_id == received.request_id == answer.request_id
    assert sent.peer == received.peer == "civil-registry" and sent.operation == "address"
    assert "Signature" in sent.headers and "Signature-Input" in sent.headers
    assert received.status == 200 and received.verified and received.refusal == ""
    assert {name.lower() for name in received.headers} >= {"signature", "content-digest"}
    assert b'"registered_address"' in bytes(received.body)
    # The logged request still verifies: the log proves what was asked.
    created = int(sent.headers["Signature-Input"].split("created=")[1].split(";")[0])
    meta = verify_request(
        method=sent.method,
        url=sent.url,
        headers=sent.headers,
        body=bytes(sent.body),
        trust=TrustStore.load(agencies.sandbox.pki_dir),
        replay=ReplayCache(),
        now=created,
    )
    assert meta.request_id == answer.request_id


def test_agencies_are_asked_at_once(agencies: Agencies) -> None:
    one()  # keys read, sandbox warm: measure the exchange, not the first use
    agencies.set_faults(
        {agency: {"delay_ms": 150} for agency in ("civil-registry", "revenue", "patrol-police")}
    )
    started = time.perf_counter()
    answers = fetch(
        Query("civil-registry", "person", PERSON),
        Query("revenue", "tax-debts", PERSON),
        Query("patrol-police", "fines", PERSON),
    )
    elapsed = time.perf_counter() - started
    assert [answer.query.agency for answer in answers] == [
        "civil-registry",
        "revenue",
        "patrol-police",
    ]
    assert all(answer.ok for answer in answers)
    assert all(answer.elapsed_ms >= 150 for answer in answers)
    assert elapsed < 0.40, f"three 150 ms agencies took {elapsed:.3f} s"


def test_a_hanging_agency_times_out_without_holding_up_the_others(
    agencies: Agencies, settings: Any
) -> None:
    settings.EXCHANGE_TIMEOUT_SECONDS = 0.3
    agencies.set_faults({"revenue": {"hang": True}})
    started = time.perf_counter()
    fast, slow = fetch(
        Query("civil-registry", "person", PERSON), Query("revenue", "tax-debts", PERSON)
    )
    assert time.perf_counter() - started < 1.0
    assert fast.ok
    assert isinstance(slow.error, AgencyUnavailable) and reason(slow) == "timeout"
    assert slow.data is None and str(slow.error.message)
    sent, nothing = MessageLog.objects.filter(peer="revenue").order_by("id")
    assert sent.kind == "request" and sent.request_id == slow.request_id
    assert (nothing.kind, nothing.refusal, nothing.request_id) == (
        "none",
        "timeout",
        sent.request_id,
    )
    assert "timeout" in nothing.detail


def test_a_timeout_is_not_retried(agencies: Agencies, settings: Any) -> None:
    settings.EXCHANGE_TIMEOUT_SECONDS = 0.3
    settings.EXCHANGE_RETRIES = 2
    agencies.set_faults({"revenue": {"hang": True}})
    started = time.perf_counter()
    answer = one("revenue", "tax-debts")
    assert reason(answer) == "timeout"
    assert time.perf_counter() - started < 0.85  # one attempt of 0.3 s; three take 1.2 s
    assert MessageLog.objects.filter(direction="out").count() == 1


def test_an_agency_that_is_down(agencies: Agencies) -> None:
    agencies.set_faults({"patrol-police": {"down": True}})
    answer = one("patrol-police", "fines")
    assert isinstance(answer.error, AgencyUnavailable)
    assert reason(answer) == "connection-failed"


def test_an_agency_nobody_runs() -> None:
    answer = one()  # EXCHANGE_SANDBOX_URL points at a closed port
    assert isinstance(answer.error, AgencyUnavailable)
    assert reason(answer) == "connection-failed"


def test_failed_reads_are_retried_with_new_request_ids_and_bounded(
    agencies: Agencies, settings: Any
) -> None:
    settings.EXCHANGE_RETRIES = 2
    agencies.set_faults({"revenue": {"fail": True}})
    answer = one("revenue", "tax-debts")
    assert isinstance(answer.error, AgencyUnavailable) and reason(answer) == "server-error"
    seen = agencies.seen("revenue")
    assert [entry["status"] for entry in seen] == [503, 503, 503]
    assert len({entry["request_id"] for entry in seen}) == 3
    assert MessageLog.objects.filter(direction="out").count() == 3


def test_a_retry_gets_the_answer(agencies: Agencies, settings: Any) -> None:
    settings.EXCHANGE_RETRIES = 2
    agencies.through_proxy("civil-registry")
    agencies.proxy.gateway_failures["civil-registry"] = 2  # a gateway fails twice
    answer = one()
    assert answer.ok
    statuses = MessageLog.objects.filter(direction="in").order_by("id")
    assert list(statuses.values_list("status", flat=True)) == [502, 502, 200]
    ids = set(MessageLog.objects.filter(direction="out").values_list("request_id", flat=True))
    assert len(ids) == 3 and answer.request_id in ids
    assert [entry["request_id"] for entry in agencies.seen("civil-registry")] == [answer.request_id]


def test_a_refusal_is_not_retried(agencies: Agencies, settings: Any) -> None:
    settings.EXCHANGE_RETRIES = 2
    answer = one("civil-registry", "person", pn=UNKNOWN)
    assert isinstance(answer.error, SubjectNotFound) and reason(answer) == "not-found"
    assert isinstance(answer.error, AgencyRefused)
    assert len(agencies.seen("civil-registry")) == 1


def test_the_circuit_opens_after_repeated_failures_and_half_opens_later(
    agencies: Agencies, settings: Any
) -> None:
    settings.EXCHANGE_BREAKER_FAILURES = 2
    settings.EXCHANGE_BREAKER_RESET_SECONDS = 0.3
    agencies.set_faults({"revenue": {"fail": True}})
    for _ in range(2):
        assert reason(one("revenue", "tax-debts")) == "server-error"
    health = {state.agency: state for state in agency_health()}
    assert health["revenue"].state == "open"
    assert health["civil-registry"].state == "closed"

    # Open: not asked at all, at once.
    started = time.perf_counter()
    answer = one("revenue", "tax-debts")
    assert time.perf_counter() - started < 0.1
    assert isinstance(answer.error, AgencyUnavailable) and reason(answer) == "circuit-open"
    assert len(agencies.seen("revenue")) == 2
    assert one().ok  # other agencies are unaffected

    # Half-open after the reset time: one try; it fails, so the circuit opens again.
    time.sleep(0.35)
    assert {s.agency: s for s in agency_health()}["revenue"].state == "half-open"
    assert reason(one("revenue", "tax-debts")) == "server-error"
    assert reason(one("revenue", "tax-debts")) == "circuit-open"
    assert len(agencies.seen("revenue")) == 3

    # Half-open again; this time the agency is back, and the circuit closes.
    time.sleep(0.35)
    agencies.set_faults({})
    assert one("revenue", "tax-debts").ok
    assert {s.agency: s for s in agency_health()}["revenue"].state == "closed"
    assert one("revenue", "tax-debts").ok


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("body", "digest-mismatch"),
        ("status", "signature-invalid"),
        ("signer", "wrong-signer"),
        ("request-id", "signature-invalid"),
    ],
)
def test_a_tampered_answer_is_refused(agencies: Agencies, mode: str, expected: str) -> None:
    agencies.through_proxy("civil-registry", mode)
    answer = one()
    assert isinstance(answer.error, ResponseTampered)
    assert reason(answer) == expected and answer.data is None
    assert str(answer.error.message)
    logged = MessageLog.objects.get(direction="in")
    assert not logged.verified and logged.refusal == expected


@pytest.mark.parametrize(
    ("fault", "expected"),
    [({"malformed": "json"}, "not-json"), ({"malformed": "shape"}, "bad-envelope")],
)
def test_a_malformed_answer_is_a_clear_error_not_a_crash(
    agencies: Agencies, fault: dict[str, Any], expected: str
) -> None:
    agencies.set_faults({"civil-registry": fault})
    answer, other = fetch(
        Query("civil-registry", "address", PERSON), Query("revenue", "tax-debts", PERSON)
    )
    assert isinstance(answer.error, MalformedResponse) and reason(answer) == expected
    assert str(answer.error.message) and other.ok
    logged = MessageLog.objects.get(direction="in", peer="civil-registry")
    assert logged.verified and logged.refusal == expected


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("echo-request-id", "wrong-request-id"),
        ("echo-subject", "wrong-subject"),
        ("echo-operation", "wrong-operation"),
        ("html", "not-json"),
        ("huge", "too-large"),
    ],
)
def test_a_signed_but_wrong_answer_is_malformed(
    agencies: Agencies, mode: str, expected: str
) -> None:
    agencies.through_proxy("civil-registry", mode)
    answer = one()
    assert isinstance(answer.error, MalformedResponse) and reason(answer) == expected
    logged = MessageLog.objects.get(direction="in")
    assert logged.refusal == expected
    if mode == "huge":
        assert bytes(logged.body) == b""  # not kept


def test_data_of_the_wrong_shape_is_malformed(agencies: Agencies) -> None:
    agencies.through_proxy("civil-registry", data={"registered_address": "Tbilisi"})
    answer = one()
    assert isinstance(answer.error, MalformedResponse) and reason(answer) == "bad-data"
    assert "data.registered_address" in answer.error.detail


def test_answers_are_cached_for_at_most_the_configured_time(
    agencies: Agencies, settings: Any
) -> None:
    settings.EXCHANGE_CACHE_SECONDS = 1
    first = one()
    second = one()
    assert not first.from_cache and second.from_cache
    assert second.data == first.data and second.request_id == first.request_id
    assert len(agencies.seen("civil-registry")) == 1
    time.sleep(1.1)
    third = one()
    assert not third.from_cache and len(agencies.seen("civil-registry")) == 2
    accesses = list(DataAccess.objects.order_by("id").values_list("from_cache", "request_id"))
    assert accesses == [
        (False, first.request_id),
        (True, first.request_id),
        (False, third.request_id),
    ]


def test_nothing_is_cached_when_caching_is_off(agencies: Agencies) -> None:
    one()
    assert not one().from_cache
    assert len(agencies.seen("civil-registry")) == 2


def test_errors_are_not_cached(agencies: Agencies, settings: Any) -> None:
    settings.EXCHANGE_CACHE_SECONDS = 60
    agencies.set_faults({"civil-registry": {"fail": True}})
    assert one().error is not None
    agencies.set_faults({})
    assert one().ok


def test_every_query_about_a_person_is_in_the_access_log(agencies: Agencies) -> None:
    answers = fetch(
        Query("civil-registry", "person", PERSON),
        Query("civil-registry", "person", Subject.person(UNKNOWN)),
        Query("revenue", "authorised-persons", Subject.company(COMPANIES[0])),
        asker=OPERATOR,
    )
    rows = list(DataAccess.objects.exclude(personal_number="").order_by("id"))
    assert len(rows) == 2
    first, second = rows
    assert (first.personal_number, first.agency, first.operation) == (
        NINO,
        "civil-registry",
        "person",
    )
    assert first.asker_kind == "operator" and first.asker == "operator:hall-7"
    assert first.asker_name == "Operator 7" and first.on_behalf_of == f"person:{NINO}"
    assert first.purpose == "case-handling" and first.source == "portal"
    # Recorded before it was sent: its outcome is "sent", the answer in the message log.
    assert first.request_id == answers[0].request_id and first.outcome == "sent"
    assert (second.personal_number, second.outcome) == (UNKNOWN, "sent")
    assert MessageLog.objects.get(request_id=second.request_id, kind="response").status == 404
    (company,) = data_accesses_for_company(company_code=COMPANIES[0])
    assert (company.company_code, company.operation) == (COMPANIES[0], "authorised-persons")
    assert company.request_id == answers[2].request_id and company.asker == "operator:hall-7"


def test_a_query_never_sent_is_not_an_access(settings: Any) -> None:
    settings.EXCHANGE_BREAKER_FAILURES = 1
    sent = one()  # nobody runs the agency: sent, failed, and the circuit opens
    assert reason(one()) == "circuit-open"
    assert list(DataAccess.objects.values_list("request_id", flat=True)) == [sent.request_id]
    nothing = MessageLog.objects.get(kind="none")
    assert (nothing.request_id, nothing.refusal) == (sent.request_id, "connection-failed")


def test_a_query_no_agency_answers_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="no operation"):
        fetch(Query("civil-registry", "horoscope", PERSON))
    with pytest.raises(LookupError):
        fetch(Query("ministry-of-magic", "person", PERSON))
    with pytest.raises(ValueError, match="not about a company"):
        fetch(Query("civil-registry", "person", Subject.company("204567890")))
    assert MessageLog.objects.count() == 0


def test_an_asker_must_be_a_protocol_user() -> None:
    with pytest.raises(ValueError, match="OW-User"):
        Asker(kind="person", user="account:5", name="x", purpose="self-view")
    with pytest.raises(ValueError, match="purpose"):
        Asker(kind="person", user=f"person:{NINO}", name="x", purpose="curiosity")
    with pytest.raises(ValueError, match="kind"):
        Asker(kind="robot", user=f"person:{NINO}", name="x", purpose="self-view")


class Stopped(Exception):
    """What a worker being stopped looks like to the code it was running."""


def test_an_interrupted_fetch_has_logged_every_request_it_sent(
    agencies: Agencies, settings: Any
) -> None:
    if threading.current_thread() is not threading.main_thread():
        pytest.fail("signals reach only the main thread; run this test there")
    settings.EXCHANGE_TIMEOUT_SECONDS = 10.0
    agencies.set_faults({"revenue": {"hang": True}})

    def stop(signum: int, frame: object) -> None:
        raise Stopped

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, 0.5)  # while revenue hangs, civil registry answered
    try:
        with pytest.raises(Stopped):
            fetch(Query("civil-registry", "person", PERSON), Query("revenue", "tax-debts", PERSON))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)

    requests = {row.peer: row for row in MessageLog.objects.filter(kind="request")}
    assert sorted(requests) == ["civil-registry", "revenue"]
    # Both were sent (the sandbox's own log), and both are in the person's access log.
    assert [e["request_id"] for e in agencies.seen("civil-registry")] == [
        requests["civil-registry"].request_id
    ]
    accesses = DataAccess.objects.filter(personal_number=NINO)
    assert sorted(accesses.values_list("agency", "request_id")) == sorted(
        (peer, row.request_id) for peer, row in requests.items()
    )
    answered = MessageLog.objects.get(kind="response", peer="civil-registry")
    assert answered.status == 200 and answered.verified
    cancelled = MessageLog.objects.get(kind="none", peer="revenue")
    assert (cancelled.request_id, cancelled.refusal) == (
        requests["revenue"].request_id,
        "cancelled",
    )


def test_requests_are_logged_before_they_are_sent(
    agencies: Agencies, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing leaves the portal except through ExchangeLoop.run; when it is called, every
    request it is given is already in both logs (so even a killed process loses none)."""
    settings.EXCHANGE_RETRIES = 1
    agencies.set_faults({"revenue": {"fail": True}})  # a second round: the retry
    logged_before_sending: list[tuple[str, bool, bool]] = []
    send = ExchangeLoop.run

    def checked(self: ExchangeLoop, attempts: Any, outcomes: Any, config: Any) -> None:
        for attempt in attempts:
            logged_before_sending.append(
                (
                    attempt.query.agency,
                    MessageLog.objects.filter(request_id=attempt.request_id).exists(),
                    DataAccess.objects.filter(agency=attempt.query.agency).exists(),
                )
            )
        send(self, attempts, outcomes, config)

    monkeypatch.setattr(ExchangeLoop, "run", checked)
    answers = fetch(
        Query("civil-registry", "person", PERSON), Query("revenue", "tax-debts", PERSON)
    )
    assert answers[0].ok and reason(answers[1]) == "server-error"
    assert sorted(logged_before_sending) == [
        ("civil-registry", True, True),
        ("revenue", True, True),
        ("revenue", True, True),
    ]
    assert DataAccess.objects.count() == 2  # one access per query, not per attempt
