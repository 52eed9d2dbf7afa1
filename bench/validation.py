"""Validation benchmark (issue 6): median time of `signing.validation.validate` on a PDF
with 5 signatures. Target ≤ 2 s ("the EU's DSS takes over 20 s on such files").

A section of `bench/run.py` (`section`, `validation` in the JSON, `--no-validation` leaves
it out), run in its own process (`python -m bench.validation --bench-json`). Standalone:
`.venv/bin/python -m bench.validation [--rounds 5] [--json]`.

In a throwaway folder: a fresh test PKI and its OCSP/CRL/TSA server on a free loopback port
(`bench.signing.pki_server`); the portal's 1-page rendition (`bench.signing.document`)
signed five times, by five demo cards (RSA and EC), with the engine's two steps, each at
B-LT (its timestamp, its revocation data in the DSS): "B-LT"; and the same with a final
document timestamp on the fifth signing: "B-LTA". Then the server is stopped and every
validation runs with the network refused in this process (any socket connect raises and is
counted) and the validator's fetch of revocation data counted: the files must carry their
own revocation data, so the benchmark never times a refetch (a fetch or connection attempt,
a report that is not valid, or a signature below B-LT stops the benchmark). One warm-up
validation per document, then `--rounds` rounds, each validating both documents in
alternating order; medians, and the median of the per-round ratios B-LTA ÷ B-LT.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import protocol
from bench.signing import (  # the signing benchmark's PKI, documents and card
    SigningBenchFailed,
    card_certificate_and_key,
    card_signature,
    document,
    pki_server,
    run_section,
    setup_django,
)

CARDS = ("01001012345", "01008057492", "01017033481", "01024011122", "60001045678")
TARGET_SECONDS = 2.0
SECTION_TIMEOUT = 300


def five_signatures(pki: Any, pdf: bytes, last_level: str) -> bytes:
    """`pdf` signed by the five demo cards in turn, B-LT each, the last at `last_level`."""
    from onewindow.signing import pades

    for number, personal_number in enumerate(CARDS, start=1):
        certificate, key = card_certificate_and_key(pki, personal_number)
        prepared = pades.prepare(
            pdf,
            certificate=certificate,
            reason="Benchmark",
            location="Tbilisi",
            field_name=f"Signature{number}",
        )
        signature = card_signature(key, prepared.digest, prepared.hash_function)
        level = pades.Level(last_level) if number == len(CARDS) else pades.Level.LT
        pdf = pades.finish(prepared.state, signature, level=level)
    return pdf


@contextmanager
def network_refused() -> Iterator[dict[str, list[str]]]:
    """No network in this process: every socket connect raises (and is recorded), and every
    call of the validator's revocation fetch is recorded too."""
    from onewindow.signing import validation

    seen: dict[str, list[str]] = {"connections": [], "fetches": []}
    connect, connect_ex = socket.socket.connect, socket.socket.connect_ex
    fetch = validation._fetch_revinfo

    def refuse(self: socket.socket, address: Any, *args: Any) -> Any:
        seen["connections"].append(repr(address))
        raise ConnectionRefusedError(f"benchmark: no network during validation ({address!r})")

    def counted_fetch(certificates: Any, fetched: Any) -> None:
        seen["fetches"].append("revocation data")
        fetch(certificates, fetched)

    socket.socket.connect = refuse  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = refuse  # type: ignore[method-assign,assignment]
    validation._fetch_revinfo = counted_fetch
    try:
        yield seen
    finally:
        socket.socket.connect, socket.socket.connect_ex = connect, connect_ex  # type: ignore[method-assign]
        validation._fetch_revinfo = fetch


def _validated(
    name: str, pdf: bytes, seen: dict[str, list[str]]
) -> tuple[tuple[float, float], Any]:
    """One timed validation (wall and this process's CPU seconds); refuses a result that
    would not be an offline, valid one."""
    from onewindow.signing import validation

    started, cpu_started = time.perf_counter(), time.process_time()
    report = validation.validate(pdf, filename=f"{name}.pdf")
    seconds = (time.perf_counter() - started, time.process_time() - cpu_started)
    if seen["connections"] or seen["fetches"]:
        raise SigningBenchFailed(
            f"{name}: validation used the network ({len(seen['fetches'])} revocation "
            f"fetches, connections to {sorted(set(seen['connections']))}): a refetch, not "
            "the offline validation this benchmark measures"
        )
    levels = [signature.level for signature in report.signatures]
    if not report.valid or len(report.signatures) != len(CARDS):
        raise SigningBenchFailed(f"{name}: the document did not validate: {report.to_json()}")
    if any(level not in ("B-LT", "B-LTA") for level in levels):
        raise SigningBenchFailed(f"{name}: signatures below B-LT ({levels}): not self-contained")
    return seconds, report


def measure(rounds: int) -> dict[str, Any]:
    """Everything the section reports (see the module's doc)."""
    import shutil

    started = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="bench-validation-"))
    try:
        with pki_server(folder, with_hsm=False) as (pki, process):
            page, _rendered = document(1)
            signing_started = time.monotonic()
            documents = {
                "B-LT": five_signatures(pki, page, "B-LT"),
                "B-LTA": five_signatures(pki, page, "B-LTA"),
            }
            signing_seconds = time.monotonic() - signing_started
            process.terminate()  # and every validation refuses the network anyway
            process.wait(timeout=10)
        setup_seconds = time.monotonic() - started
        timed: list[dict[str, tuple[float, float]]] = []
        with network_refused() as seen:
            reports = {name: _validated(name, pdf, seen)[1] for name, pdf in documents.items()}
            names = list(documents)
            for number in range(rounds):
                order = names if number % 2 else names[::-1]
                timed.append({name: _validated(name, documents[name], seen)[0] for name in order})
                summary = ", ".join(f"{name} {timed[-1][name][0]:.2f}" for name in names)
                print(f"bench:   validation round {number + 1}: s {summary}", file=sys.stderr)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    medians = {name: round(statistics.median(r[name][0] for r in timed), 4) for name in names}
    cpu = {name: round(statistics.median(r[name][1] for r in timed), 4) for name in names}
    return {
        "rounds": rounds,
        "signatures": len(CARDS),
        "cards": list(CARDS),
        "target_seconds": TARGET_SECONDS,
        "median_seconds": medians,
        "median_cpu_seconds": cpu,
        "verdict": {name: "PASS" if s <= TARGET_SECONDS else "FAIL" for name, s in medians.items()},
        "ratio_lta_to_lt": round(statistics.median(r["B-LTA"][0] / r["B-LT"][0] for r in timed), 3),
        "per_round_seconds": [{k: round(v[0], 4) for k, v in r.items()} for r in timed],
        "documents": {
            name: {
                "bytes": len(pdf),
                "levels": [s.level for s in reports[name].signatures],
                "document_timestamps": len(reports[name].timestamps),
            }
            for name, pdf in documents.items()
        },
        "offline": {
            "validations": (rounds + 1) * len(documents),
            "revocation_fetches": len(seen["fetches"]),
            "connection_attempts": len(seen["connections"]),
        },
        "signing_seconds": round(signing_seconds, 1),
        "setup_seconds": round(setup_seconds, 1),
        "seconds": round(time.monotonic() - started, 1),
    }


def print_section(result: dict[str, Any]) -> None:
    """The section's table (run.py's shared printer) with the ≤ 2 s verdicts, and notes."""
    from bench.run import print_table

    if "error" in result:
        print(f"\nValidation: could not run: {result['error']}")
        return
    print(
        f"\nValidation (issue 6) — a 1-page PDF with {result['signatures']} signatures, "
        f"`signing.validation.validate`, median of {result['rounds']} rounds, offline\n"
    )
    table = [["document", "KiB", "levels", "median s", "CPU s", "target", "pass/fail"]]
    for name, seconds in result["median_seconds"].items():
        described = result["documents"][name]
        levels = "/".join(sorted(set(described["levels"])))
        if described["document_timestamps"]:
            levels += f" + {described['document_timestamps']} doc. timestamp"
        table.append(
            [
                f"5 signatures, {name}",
                f"{described['bytes'] // 1024}",
                levels,
                f"{seconds:.3f}",
                f"{result['median_cpu_seconds'][name]:.3f}",
                f"≤ {result['target_seconds']:g} s",
                result["verdict"][name],
            ]
        )
    ratio = f"{result['ratio_lta_to_lt']:.2f}"
    table.append(["ratio B-LTA ÷ B-LT", "", "", ratio, "", "—", "—"])
    print_table(table)
    offline = result["offline"]
    print(
        f"\n  Offline: {offline['validations']} validations with the network refused in the "
        f"process and the PKI server stopped: {offline['revocation_fetches']} revocation "
        f"fetches, {offline['connection_attempts']} connection attempts — every signature "
        "carries its own revocation data (a refetch would have stopped the benchmark)."
    )
    print(
        f"  Setup {result['setup_seconds']:.1f} s (PKI, server, 10 signings in "
        f"{result['signing_seconds']:.1f} s); section {result['seconds']:.0f} s. CPU s: "
        "this process's CPU time during the validation (the target is on the wall time; "
        "on a busy machine the difference is time spent waiting for a core)."
    )


def section(report: dict[str, Any], *, rounds: int = 5) -> dict[str, Any]:
    """run.py's validation section: its own process, a table, and report["validation"]."""
    return run_section(
        report, "validation", rounds=rounds, timeout=SECTION_TIMEOUT, print_table=print_section
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    protocol.add_output_options(parser)
    arguments = parser.parse_args()
    setup_django()
    return protocol.child_main(
        "validation", arguments, lambda: measure(arguments.rounds), print_section
    )


if __name__ == "__main__":
    sys.exit(main())
