"""Fixtures: the ID-card test PKI and its OCSP/CRL/TSA server (see docs/identity.md).

`idpki` (session) is a `testpki.TestPki` generated once per test session in a temporary
folder. `idpki_server` (session) runs `python -m testpki serve` on a free loopback port and
yields a `RunningIdPki` with `url`, `ocsp_url`, `crl_url`, `tsa_url` and `pki`. The
certificates' AIA and CRL distribution points say port 8300; configure what you test with
the server's own URLs instead.
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

import httpx
import pytest

from testpki import TestPki, ensure

REPOSITORY = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 15.0


@dataclass
class RunningIdPki:
    """The test PKI's server running in a subprocess, e.g. at `http://127.0.0.1:41234`."""

    url: str
    pki: TestPki
    startup_seconds: float
    process: subprocess.Popen[bytes] = field(repr=False)

    @property
    def ocsp_url(self) -> str:
        return f"{self.url}/ocsp/idcard-ca"

    @property
    def crl_url(self) -> str:
        """The ID-card CA's CRL; `crl_url_of("root-ca")` / `("seal-ca")` for the others."""
        return self.crl_url_of("idcard-ca")

    def crl_url_of(self, ca: str) -> str:
        return f"{self.url}/crl/{ca}.crl"

    @property
    def tsa_url(self) -> str:
        return f"{self.url}/tsa"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"testpki serve exited ({process.returncode}):\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"testpki serve did not start in {STARTUP_SECONDS} s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def idpki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    return ensure(tmp_path_factory.mktemp("idpki") / "pki")


@pytest.fixture(scope="session")
def idpki_server(
    idpki: TestPki, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningIdPki]:
    log = tmp_path_factory.mktemp("idpki-server") / "serve.log"
    port = _free_port()
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(REPOSITORY / "src"), os.environ.get("PYTHONPATH")])
        ),
    }
    command = [
        sys.executable, "-m", "testpki", "serve", str(idpki.directory),
        "--host", "127.0.0.1", "--port", str(port),
    ]  # fmt: skip
    started = time.monotonic()
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, env=environment, cwd=REPOSITORY
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(url, process, log)
        yield RunningIdPki(
            url=url, pki=idpki, startup_seconds=time.monotonic() - started, process=process
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
