"""Fixtures: demo ID cards and the card agent (see docs/identity.md).

`demo_cards` (session) provisions the `idpki` fixture's cards as SoftHSM2 tokens (soft-card
files when SoftHSM2 is missing) into a temporary folder and yields a `DemoCards`.
`start_card_agent(cards_dir, origin, ...)` runs `python -m cardagent serve` on a free loopback
port and returns a `RunningAgent` (`.url`, `.stop()`); `card_agent_factory` (function) starts
agents the same way and stops them after the test. An agent shares the cards folder's PIN
counters: a test that types wrong PINs should provision its own cards (`provision_cards`).

    def test_sign_in(demo_cards, card_agent_factory, portal_url):
        agent = card_agent_factory(demo_cards.directory, portal_url,
                                   extra_args=["--card", demo_cards.label("ec-p256")])
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

REPOSITORY = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 20.0


def _environment() -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(REPOSITORY / "src"), os.environ.get("PYTHONPATH")])
        ),
    }


@dataclass(frozen=True)
class DemoCards:
    """A provisioned cards folder; `cards` are the entries of the PKI's cards.json."""

    directory: Path
    pki_dir: Path
    kind: str  # "softhsm" or "softcard"
    cards: tuple[dict[str, Any], ...]

    def card(self, key_type: str = "ec-p256", status: str = "valid") -> dict[str, Any]:
        """The first card with this key type and status (its label, pin, personal_number…)."""
        for card in self.cards:
            if card["key_type"] == key_type and card["status"] == status:
                return card
        raise LookupError(f"no {status} {key_type} card in {self.pki_dir / 'cards.json'}")

    def label(self, key_type: str = "ec-p256", status: str = "valid") -> str:
        return str(self.card(key_type, status)["label"])

    def by_status(self, status: str) -> dict[str, Any]:
        return next(card for card in self.cards if card["status"] == status)


def provision_cards(pki_dir: Path, into: Path, *, softhsm: bool = True) -> DemoCards:
    """`python -m cardagent provision` in a subprocess (SoftHSM2 reads its config per process)."""
    command = [sys.executable, "-m", "cardagent", "provision", "--pki", str(pki_dir)]
    command += ["--into", str(into)] + ([] if softhsm else ["--no-softhsm"])
    subprocess.run(command, env=_environment(), cwd=REPOSITORY, check=True, capture_output=True)
    manifest = json.loads((into / "cards-manifest.json").read_text())
    cards = tuple(json.loads((pki_dir / "cards.json").read_text()))
    return DemoCards(directory=into, pki_dir=pki_dir, kind=manifest["kind"], cards=cards)


@pytest.fixture(scope="session")
def demo_cards(idpki: Any, tmp_path_factory: pytest.TempPathFactory) -> DemoCards:
    return provision_cards(Path(idpki.directory), tmp_path_factory.mktemp("cards") / "cards")


@dataclass
class RunningAgent:
    url: str
    port: int
    log: Path
    process: subprocess.Popen[bytes] = field(repr=False)

    def output(self) -> str:
        """Everything the agent wrote to stdout and stderr so far."""
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_card_agent(
    cards_dir: Path,
    origin: str,
    *,
    port: int | None = None,
    ocsp_url: str | None = None,
    extra_args: Sequence[str] = (),
) -> RunningAgent:
    """Start `python -m cardagent serve` and wait until `/v1/status` answers."""
    port = port or _free_port()
    log = cards_dir.parent / f"cardagent-{port}-{time.monotonic_ns()}.log"
    command = [
        sys.executable, "-m", "cardagent", "serve", "--cards", str(cards_dir),
        "--origin", origin, "--host", "127.0.0.1", "--port", str(port),
    ]  # fmt: skip
    if ocsp_url:
        command += ["--ocsp-url", ocsp_url]
    command += list(extra_args)
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, env=_environment(), cwd=REPOSITORY
        )
    agent = RunningAgent(url=f"http://127.0.0.1:{port}", port=port, log=log, process=process)
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the card agent exited ({process.returncode}):\n{agent.output()}")
        try:
            if httpx.get(f"{agent.url}/v1/status", timeout=1).status_code == 200:
                return agent
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    agent.stop()
    raise RuntimeError(f"the card agent did not start in {STARTUP_SECONDS} s:\n{agent.output()}")


@pytest.fixture
def card_agent_factory() -> Iterator[Callable[..., RunningAgent]]:
    started: list[RunningAgent] = []

    def start(
        cards_dir: Path,
        origin: str,
        *,
        port: int | None = None,
        ocsp_url: str | None = None,
        extra_args: Sequence[str] = (),
    ) -> RunningAgent:
        agent = start_card_agent(
            cards_dir, origin, port=port, ocsp_url=ocsp_url, extra_args=extra_args
        )
        started.append(agent)
        return agent

    yield start
    for agent in started:
        agent.stop()
