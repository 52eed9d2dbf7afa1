"""Fixtures shared by the test suites under tests/: the running sandbox agencies.

`sandbox` (session-scoped) starts `python -m sandbox serve` on a free loopback port with
a fresh test PKI (the portal and the nine agencies, made by owexchange.pki) and yields a
`RunningSandbox`. Faults set through it are cleared after each test that used it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from owexchange import AGENCIES, DEFAULT_PARTIES
from owexchange.pki import ensure_test_pki

REPOSITORY = Path(__file__).resolve().parent.parent
SANDBOX_PERSONS = 2000
SANDBOX_SEED = 2026
STARTUP_SECONDS = 30.0


@dataclass
class RunningSandbox:
    """The sandbox agencies running in a subprocess.

    `url`: the root, e.g. `http://127.0.0.1:41234`; an agency's base URL is
    `agency_url("civil-registry")` = `{url}/civil-registry`.
    `pki_dir`: the test PKI (`portal.key`, `ca.crt`, `<agency>.crt`, …) for
    `owexchange.load_private_key(pki_dir, "portal")` and `TrustStore.load(pki_dir)`.
    `set_faults({...})` replaces the injected faults (see `sandbox.faults`), e.g.
    `{"border-police": {"delay_ms": 150}}`, `{"revenue": {"fail": True}}`,
    `{"patrol-police": {"down": True}}`; `{}` clears them.
    """

    url: str
    pki_dir: Path
    var_dir: Path
    persons: int
    seed: int
    startup_seconds: float
    process: subprocess.Popen[bytes] = field(repr=False)
    # The mailbox's SMTP server (sandbox.messaging): the portal's EMAIL_PORT; the messages
    # are at `{url}/mailbox/messages?to=…`, the SMS at `{url}/sms-gateway/messages?to=…`.
    smtp_port: int = 0

    def agency_url(self, agency_id: str) -> str:
        return f"{self.url}/{agency_id}"

    @property
    def agency_urls(self) -> dict[str, str]:
        """Every agency's base URL, by agency id."""
        return {agency_id: self.agency_url(agency_id) for agency_id in AGENCIES}

    def set_faults(self, faults: dict[str, dict[str, Any]]) -> None:
        response = httpx.post(f"{self.url}/_control/faults", json=faults, timeout=5)
        response.raise_for_status()

    def faults(self) -> dict[str, dict[str, Any]]:
        response = httpx.get(f"{self.url}/_control/faults", timeout=5)
        response.raise_for_status()
        result: dict[str, dict[str, Any]] = response.json()
        return result

    def messages(self, agency_id: str, limit: int = 100) -> list[dict[str, Any]]:
        """The last entries of the agency's message log."""
        response = httpx.get(
            f"{self.url}/_control/messages",
            params={"agency": agency_id, "limit": limit},
            timeout=5,
        )
        response.raise_for_status()
        result: list[dict[str, Any]] = response.json()
        return result


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The sandbox exited ({process.returncode}):\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"The sandbox did not start in {STARTUP_SECONDS} s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    root = tmp_path_factory.mktemp("sandbox")
    pki_dir, var_dir, log = root / "pki", root / "var", root / "sandbox.log"
    ensure_test_pki(pki_dir, DEFAULT_PARTIES)
    port, smtp_port = free_port(), free_port()
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(REPOSITORY / "src"), os.environ.get("PYTHONPATH")])
        ),
        "SANDBOX_FAULTS": "{}",
    }
    command = [
        sys.executable, "-m", "sandbox", "serve", "--host", "127.0.0.1", "--port", str(port),
        "--persons", str(SANDBOX_PERSONS), "--seed", str(SANDBOX_SEED),
        "--pki", str(pki_dir), "--var", str(var_dir), "--smtp-port", str(smtp_port),
    ]  # fmt: skip
    started = time.monotonic()
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, env=environment, cwd=REPOSITORY
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(url, process, log)
        yield RunningSandbox(
            url=url,
            pki_dir=pki_dir,
            var_dir=var_dir,
            persons=SANDBOX_PERSONS,
            seed=SANDBOX_SEED,
            startup_seconds=time.monotonic() - started,
            process=process,
            smtp_port=smtp_port,
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(autouse=True)
def _sandbox_faults_cleared(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a test that used the sandbox, no fault it set outlives it."""
    yield
    if "sandbox" in request.fixturenames:
        running: RunningSandbox = request.getfixturevalue("sandbox")
        if running.process.poll() is None:
            running.set_faults({})
