"""Failure injection: slow, failing, hanging, down and malformed agencies, and their control."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable

import httpx
import pydantic
import pytest

from sandbox.agencies import AGENCIES
from sandbox.app import answer_model, parse_fault_env
from sandbox.faults import FaultConfigError
from tests.sandbox.conftest import Portal
from tests.sandbox_process import REPOSITORY, RunningSandbox, free_port, wait_until_ready

NINO = {"type": "person", "id": "01001012345"}


def _elapsed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def _logged(sandbox: RunningSandbox, agency: str, request_id: str) -> list[dict[str, object]]:
    return [e for e in sandbox.messages(agency, 1000) if e.get("request_id") == request_id]


def test_a_slow_agency_answers_late_and_only_it(portal: Portal, sandbox: RunningSandbox) -> None:
    sandbox.set_faults({"tbilisi": {"delay_ms": 400, "jitter_ms": 50}})
    slow = _elapsed(lambda: portal.data("tbilisi", "municipal-data", NINO))
    fast = _elapsed(lambda: portal.data("education", "education-records", NINO))
    assert 0.4 <= slow < 2.0
    assert fast < 0.4


def test_an_agency_slower_than_the_timeout_times_out(
    portal: Portal, sandbox: RunningSandbox
) -> None:
    sandbox.set_faults({"border-police": {"delay_ms": 2000}})
    request = portal.prepare("border-police", "border-crossings", NINO)
    with pytest.raises(httpx.ReadTimeout):
        portal.send(request, timeout=0.5)


def test_a_failing_agency_answers_a_signed_503(portal: Portal, sandbox: RunningSandbox) -> None:
    sandbox.set_faults({"revenue": {"fail": True}})
    response = portal.ask("revenue", "tax-debts", NINO)  # the signature is checked
    assert response.status_code == 503
    assert response.json()["reason"] == "unavailable"
    assert response.headers["content-type"] == "application/problem+json"
    health = portal.client.get(f"{sandbox.agency_url('revenue')}/health")
    assert (health.status_code, health.json()["status"]) == (503, "failing")
    assert portal.ask("patrol-police", "fines", NINO).status_code == 200


def test_a_hanging_agency_answers_nothing_until_the_client_gives_up(
    portal: Portal, sandbox: RunningSandbox
) -> None:
    sandbox.set_faults({"enforcement": {"hang": True}})
    request = portal.prepare("enforcement", "debtors-registry", NINO)
    started = time.perf_counter()
    with pytest.raises(httpx.ReadTimeout):
        portal.send(request, timeout=0.7)
    assert 0.7 <= time.perf_counter() - started < 3
    assert portal.ask("civil-registry", "person", NINO).status_code == 200
    # It was received, so the agency's message log has it, though never answered.
    (logged,) = _logged(sandbox, "enforcement", request.headers["OW-Request-Id"])
    assert (logged["operation"], logged["reason"], logged["status"]) == (
        "debtors-registry",
        "hang",
        None,
    )
    assert logged["verified"] is False and logged["user"] == request.headers["OW-User"]
    assert logged["request_signature"] == request.headers["Signature"]


def test_a_down_agency_drops_the_connection_at_once(
    portal: Portal, sandbox: RunningSandbox
) -> None:
    sandbox.set_faults({"patrol-police": {"down": True}})
    request = portal.prepare("patrol-police", "vehicles", NINO)
    started = time.perf_counter()
    # The socket closes before any answer: the client sees either the server hang up
    # without a response or the connection reset, depending on timing. Both at once.
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        portal.send(request, timeout=5)
    assert time.perf_counter() - started < 1
    (logged,) = _logged(sandbox, "patrol-police", request.headers["OW-Request-Id"])
    assert (logged["operation"], logged["reason"], logged["status"]) == ("vehicles", "down", None)
    with pytest.raises(httpx.TransportError):
        portal.client.get(f"{sandbox.agency_url('patrol-police')}/health", timeout=5)
    assert portal.ask("civil-registry", "person", NINO).status_code == 200
    sandbox.set_faults({})
    assert portal.ask("patrol-police", "vehicles", NINO).status_code == 200


@pytest.mark.parametrize("kind", [True, "json", "shape"])
def test_a_malformed_answer_is_signed_but_not_the_documented_json(
    portal: Portal, sandbox: RunningSandbox, kind: object
) -> None:
    sandbox.set_faults({"social-service": {"malformed": kind}})
    response = portal.ask("social-service", "pensions", NINO)  # correctly signed
    assert response.status_code == 200
    model = answer_model(AGENCIES["social-service"], AGENCIES["social-service"].operations[0])
    with pytest.raises((pydantic.ValidationError, ValueError)):
        model.model_validate(json.loads(response.content))


def test_the_control_endpoint_reads_and_replaces_the_faults(
    sandbox: RunningSandbox, http: httpx.Client
) -> None:
    wanted = {"education": {"delay_ms": 10}, "tbilisi": {"fail": True}}
    sandbox.set_faults(wanted)
    assert sandbox.faults() == wanted
    sandbox.set_faults({"education": {"hang": True}})
    assert sandbox.faults() == {"education": {"hang": True}}
    for refused in ({"ministry-of-magic": {"fail": True}}, {"education": {"slow": True}}, []):
        response = http.post(f"{sandbox.url}/_control/faults", json=refused)
        assert response.status_code == 400
    assert sandbox.faults() == {"education": {"hang": True}}


def test_faults_do_not_outlive_the_test_that_set_them(sandbox: RunningSandbox) -> None:
    # The previous tests set faults; the `sandbox` fixture cleared them after each.
    assert sandbox.faults() == {}


def test_the_faults_of_the_environment_are_checked() -> None:
    board = parse_fault_env('{"border-police": {"delay_ms": 150}}')
    assert board.of("border-police").delay_ms == 150
    assert board.of("revenue").delay_ms == 0
    with pytest.raises(FaultConfigError):
        parse_fault_env('{"border-police": {"delay": 150}}')
    with pytest.raises(FaultConfigError):
        parse_fault_env("not json")


def test_sandbox_faults_applies_at_start(sandbox: RunningSandbox, http: httpx.Client) -> None:
    port = free_port()
    environment = {
        **os.environ,
        "PYTHONPATH": str(REPOSITORY / "src"),
        "SANDBOX_FAULTS": json.dumps({"revenue": {"fail": True}}),
        "SANDBOX_PORT": str(port),
        "SANDBOX_PERSONS": "50",
        "SANDBOX_PKI_DIR": str(sandbox.pki_dir),
        "SANDBOX_VAR_DIR": str(sandbox.var_dir / "second"),
    }
    log = sandbox.var_dir / "second.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "sandbox", "serve"],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=environment,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_ready(url, process, log)
        assert http.get(f"{url}/revenue/health").status_code == 503
        assert http.get(f"{url}/_control/faults").json() == {"revenue": {"fail": True}}
        assert http.get(f"{url}/").json()["persons"] >= 50
    finally:
        process.terminate()
        process.wait(timeout=10)
