"""ID-card sign-in: Web eID token validations per second (no Django needed).

`python bench/identity.py [--rounds N] [--seconds S]`, or `token_validation_bench()` from
`make bench`. A fresh test PKI (`testpki.ensure`) in a temporary folder and its real OCSP
responder (`python -m testpki serve`, its own process on loopback); for an RSA-2048 and an
EC P-384 demo card: validations without OCSP, with OCSP answers cached, and with every
validation asking the responder over HTTP (cache_seconds=0). Each round measures every
case in turn for `seconds`, starting each round with a different OCSP mode (so that an
order effect falls on each alike); the table shows the medians over the rounds, and each
mode's rate as a share of "no OCSP" (the median of the per-round ratios). Every token is
validated once before it is timed, and must give its card's personal number.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parent.parent
for _path in (REPOSITORY / "src", REPOSITORY):  # `python bench/identity.py` puts only bench/
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import httpx  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, rsa  # noqa: E402

from bench import run as base  # noqa: E402
from onewindow.identity.webeid import (  # noqa: E402
    OcspChecker,
    TokenRejected,
    TrustedCa,
    load_trusted_cas,
    validate_token,
)
from onewindow.identity.webeid.tests.pki import sign_challenge  # noqa: E402
from testpki import TestPki, ensure  # noqa: E402

ORIGIN = "https://onewindow.example"
NONCE = base64.b64encode(os.urandom(32)).decode()
CARDS = {"rsa2048": ("RSA-2048", "RS256"), "ec-p384": ("EC P-384", "ES384")}
MODES = ("no OCSP", "OCSP cached", "OCSP uncached")


class ValidationBenchFailed(RuntimeError):
    """The benchmark could not run: the responder did not start, or a token was refused."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def _responder(pki: TestPki) -> Iterator[str]:
    """`python -m testpki serve` in its own process group; yields its OCSP URL."""
    port = _free_port()
    environment = {**os.environ, "PYTHONPATH": str(REPOSITORY / "src")}
    process = subprocess.Popen(
        [sys.executable, "-m", "testpki", "serve", str(pki.directory), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=environment,
        cwd=REPOSITORY,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1, trust_env=False).status_code == 200:
                    break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise ValidationBenchFailed("the test PKI's server did not start") from None
                time.sleep(0.05)
        yield f"{url}/ocsp/idcard-ca"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


def _token(card: Any, algorithm: str) -> str:
    key = serialization.load_pem_private_key(card.auth_key.read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise TypeError(f"{card.label}: unexpected key type {type(key).__name__}")
    der = card.auth_certificate().public_bytes(serialization.Encoding.DER)
    signature = sign_challenge(key, algorithm, ORIGIN, NONCE)
    return json.dumps(
        {
            "unverifiedCertificate": base64.b64encode(der).decode(),
            "algorithm": algorithm,
            "signature": base64.b64encode(signature).decode(),
            "format": "web-eid:1.0",
        }
    )


def _rate(token: str, trusted: list[TrustedCa], ocsp: OcspChecker | None, seconds: float) -> float:
    """Validations per second over about `seconds` (after one unmeasured validation)."""
    now = datetime.now(UTC)

    def once() -> None:
        validate_token(token, nonce=NONCE, origin=ORIGIN, trusted_cas=trusted, now=now, ocsp=ocsp)

    once()  # warm: for "OCSP cached", this first answer is the one reused
    count = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        once()
        count += 1
    return count / (time.perf_counter() - started)


def token_validation_bench(rounds: int = 5, seconds: float = 0.5) -> dict[str, Any]:
    """Median validations per second per card and OCSP mode: {card: {mode: rate}}.
    Raises ValidationBenchFailed when it cannot run (never times a refused token)."""
    try:
        return _token_validation_bench(rounds, seconds)
    except (TokenRejected, httpx.HTTPError, OSError) as error:
        raise ValidationBenchFailed(f"{type(error).__name__}: {error}") from error


def _token_validation_bench(rounds: int, seconds: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="ow-bench-identity-") as folder:
        pki = ensure(Path(folder) / "pki")
        trusted = load_trusted_cas([pki.idcard_ca])
        tokens, personal_numbers = {}, {}
        for key_type, (_, algorithm) in CARDS.items():
            card = next(c for c in pki.cards if c.key_type == key_type and c.status == "valid")
            tokens[key_type] = _token(card, algorithm)
            personal_numbers[key_type] = card.personal_number
        with _responder(pki) as ocsp_url:
            cached = OcspChecker(ocsp_url, timeout=5, cache_seconds=3600)
            uncached = OcspChecker(ocsp_url, timeout=5, cache_seconds=0)
            checkers = {"no OCSP": None, "OCSP cached": cached, "OCSP uncached": uncached}
            samples: dict[str, dict[str, list[float]]] = {
                key_type: {mode: [] for mode in MODES} for key_type in CARDS
            }
            try:
                for key_type, token in tokens.items():
                    _check(token, trusted, uncached, personal_numbers[key_type])
                for number in range(rounds):
                    order = MODES[number % len(MODES) :] + MODES[: number % len(MODES)]
                    for key_type, token in tokens.items():
                        for mode in order:
                            rate = _rate(token, trusted, checkers[mode], seconds)
                            samples[key_type][mode].append(rate)
            finally:
                cached.close()
                uncached.close()
    return {
        "unit": "validations/s",
        "rounds": rounds,
        "seconds_per_measurement": seconds,
        "results": {
            key_type: {mode: statistics.median(values) for mode, values in modes.items()}
            for key_type, modes in samples.items()
        },
        "ratio_to_no_ocsp": {
            key_type: {
                mode: statistics.median(
                    rate / base for rate, base in zip(values, modes["no OCSP"], strict=True)
                )
                for mode, values in modes.items()
            }
            for key_type, modes in samples.items()
        },
        "per_round": {
            key_type: {mode: [round(rate, 1) for rate in values] for mode, values in modes.items()}
            for key_type, modes in samples.items()
        },
    }


def _check(token: str, trusted: list[TrustedCa], ocsp: OcspChecker, personal_number: str) -> None:
    """The token is valid, and the responder answers: a benchmark of failures is no use."""
    card = validate_token(
        token, nonce=NONCE, origin=ORIGIN, trusted_cas=trusted, now=datetime.now(UTC), ocsp=ocsp
    )
    if card.personal_number != personal_number:
        raise ValidationBenchFailed(
            f"the token validated as {card.personal_number}, not {personal_number}"
        )


def print_table(result: dict[str, Any]) -> None:
    """The section's table: validations per second per card and OCSP mode."""
    print(
        f"\nWeb eID token validation — in-process, {result['seconds_per_measurement']:g} s per "
        f"measurement × {result['rounds']} rounds; medians over the rounds; ratio = median of "
        "the per-round ratios to the same card without OCSP\n"
    )
    header = ("measurement", "validations/s", "ratio to no OCSP")
    table = [header]
    for key_type, rates in result["results"].items():
        for mode in MODES:
            ratio = result["ratio_to_no_ocsp"][key_type][mode]
            table.append(
                (
                    f"{CARDS[key_type][0]} ({CARDS[key_type][1]}), {mode}",
                    f"{rates[mode]:.0f}",
                    "—" if mode == "no OCSP" else f"{ratio:.0%}",
                )
            )
    base.print_table(table)
    print(
        "\n  OCSP uncached: every validation asks the test PKI's responder (`python -m testpki "
        "serve`, its own process on loopback) over HTTP; OCSP cached: the checker's answer "
        "for the certificate is reused (cache_seconds=3600). No target."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=0.5, help="per measurement")
    parser.add_argument("--json", action="store_true", help="print the result as JSON too")
    args = parser.parse_args()
    result = token_validation_bench(args.rounds, args.seconds)
    print_table(result)
    if args.json:
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
