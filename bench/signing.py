"""Signing benchmark (issue 6): median time to sign with the ID card at PAdES B-T, B-LT and
B-LTA, and to seal on the server with an agency key in SoftHSM2, for a 1-page and a 50-page
document.

A section of `bench/run.py` (`section`, `signing` in the JSON, `--no-signing` leaves it
out), run in its own process (`python -m bench.signing --bench-json`: SoftHSM2 reads its
configuration once per process, and the Django settings here are not the server's).
Standalone: `.venv/bin/python -m bench.signing [--rounds 5] [--no-profile] [--json]`.

In a throwaway folder (the project's var/ is never touched): a fresh test PKI
(`testpki.ensure`), one agency seal issued by it and imported into a new SoftHSM2 token
(`python -m testpki agency-seals` and `hsm`, as `make keys` does), and its OCSP/CRL/TSA
server (`python -m testpki serve`) on a free loopback port. The documents are the portal's
own rendition of an application to sign (`signing/draft_pdf.html`, WeasyPrint, PDF/A-3b,
the portal's fonts) with as many answers as make 1 and 50 pages.

A card signing is the portal's two steps with the card in between: `pades.prepare`
(certificate checks with OCSP, the prepared revision, the digest), the card's signature of
that digest with the demo card's key in the card's format (raw r‖s for ECDSA), and
`pades.finish` (verification, revocation checked again, RFC 3161 timestamp, the DSS for
B-LT, the document timestamp for B-LTA). A seal is `pades.seal_on_server` (B-LTA, as
agencies seal). Every case runs once per round, in alternating order, after one warm-up
round, so the ratios (50 pages ÷ 1 page, B-LTA ÷ B-T) are taken side by side within a round
and then the median over the rounds. Then one card signing and one seal of the 50-page
document run under cProfile, and their time is split by where it goes.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parent.parent
if str(REPOSITORY) not in sys.path:  # `python bench/signing.py` puts only bench/ on the path
    sys.path.insert(0, str(REPOSITORY))

from bench import protocol  # noqa: E402

CARD = "01017033481"  # Mariam Beridze's card: EC P-256, as most cards are
AGENCY = {
    "code": "civil-registry",
    "name": "Civil Registry Agency",
    "name_ka": "სამოქალაქო რეესტრის სააგენტო",
}
SOFTHSM_MODULE = Path("/usr/lib/softhsm/libsofthsm2.so")
DOCUMENTS = {"1 page": 1, "50 pages": 50}
CARD_LEVELS = ("B-T", "B-LT", "B-LTA")
SEAL = "seal B-LTA"
SECTION_TIMEOUT = 600


class SigningBenchFailed(Exception):
    """The benchmark itself could not run (no SoftHSM2, the PKI server, a refused signing)."""


# --- the throwaway PKI, its server and the HSM token -----------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _python_environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPOSITORY), str(REPOSITORY / "src")])}


def _start_server(pki_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`python -m testpki serve` on a free port (its own process group); its base URL."""
    import httpx

    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "testpki", "serve", str(pki_dir), "--port", str(port)],
        env=_python_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # in this process's group: run.py stops the group
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.05)
    _stop(process)
    raise SigningBenchFailed("testpki serve did not start within 15 s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@contextmanager
def pki_server(folder: Path, *, with_hsm: bool) -> Iterator[Any]:
    """A fresh test PKI in `folder` (and, `with_hsm`, one agency seal in a SoftHSM2 token
    there), its server running, and the signing settings pointed at both; stopped after."""
    from django.conf import settings

    from testpki import ensure

    pki = ensure(folder / "pki")
    if with_hsm:
        _agency_token(pki.directory, folder / "hsm")
        settings.SIGNING_HSM_MODULE = str(SOFTHSM_MODULE)
        settings.SIGNING_HSM_CONF = str(folder / "hsm" / "softhsm2.conf")
        settings.SIGNING_HSM_TOKEN = "agency-seals"  # noqa: S105 - a label
        settings.SIGNING_HSM_PIN = ""  # the token's own PIN file, never the environment's
    process, url = _start_server(pki.directory)
    try:
        settings.SIGNING_TRUST_ROOTS = [str(pki.root_ca)]
        settings.SIGNING_INTERMEDIATE_CERTS = [str(pki.idcard_ca), str(pki.seal_ca)]
        settings.SIGNING_TSA_URL = f"{url}/tsa"
        settings.SIGNING_PKI_URL_REWRITES = {"http://127.0.0.1:8300": url}
        yield pki, process
    finally:
        if process.poll() is None:
            _stop(process)


def _agency_token(pki_dir: Path, into: Path) -> None:
    """One agency seal issued by the PKI and imported into a new SoftHSM2 token, by the same
    CLI commands `make keys` runs (each its own process, as SoftHSM2 requires)."""
    if not SOFTHSM_MODULE.is_file() or shutil.which("softhsm2-util") is None:
        raise SigningBenchFailed("SoftHSM2 is not installed (Debian package `softhsm2`)")
    agencies = pki_dir.parent / "agencies.json"
    agencies.write_text(json.dumps([AGENCY], ensure_ascii=False), "utf-8")
    for arguments in (
        ["agency-seals", str(pki_dir), "--agencies", str(agencies)],
        ["hsm", str(pki_dir), "--into", str(into)],
    ):
        completed = subprocess.run(
            [sys.executable, "-m", "testpki", *arguments],
            env=_python_environment(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if completed.returncode != 0:
            raise SigningBenchFailed(
                f"`testpki {arguments[0]}` failed: {(completed.stderr or completed.stdout)[-1500:]}"
            )


# --- the documents ----------------------------------------------------------------------------


def page_count(pdf: bytes) -> int:
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader

    count: int = PdfFileReader(BytesIO(pdf), strict=False).root["/Pages"]["/Count"]
    return count


# Answers per document: a usual application (1 page), and one with long answers (each of
# ten lines, two to a page). WeasyPrint lays out about a page a second here, so the 50-page
# rendition takes ~40-55 s: it is kept in the system temp folder under a hash of everything
# that shapes it (template, fonts, WeasyPrint's version, the answers), and rendered again
# whenever any of these change.
LAYOUT = {1: (10, 2), 50: (99, 10)}  # pages: (answers, lines per answer)


def _render(rows: int, lines: int) -> bytes:
    """The portal's PDF to sign (`applications.pdf.draft_pdf`'s template, fonts and PDF/A
    variant) with `rows` answers of `lines` lines each, in Georgian."""
    from weasyprint import CSS, HTML  # type: ignore[import-untyped]

    from onewindow.applications.pdf import PDF_VARIANT
    from onewindow.documents import font_faces

    document = HTML(string=_html(rows, lines), base_url=str(REPOSITORY))
    return bytes(
        document.write_pdf(stylesheets=[CSS(string=font_faces())], pdf_variant=PDF_VARIANT)
    )


def _html(rows: int, lines: int) -> str:
    from types import SimpleNamespace

    from django.template.loader import render_to_string
    from django.utils import translation

    answers = [
        SimpleNamespace(
            label=f"{number}. მისამართი და განმარტება (Address and explanation)",
            value="\n".join(
                f"თბილისი, ვაჟა-ფშაველას გამზირი {number}, ბინა {line + 1} — "
                "Tbilisi, Vazha-Pshavela Avenue, since 2019"
                for line in range(lines)
            ),
        )
        for number in range(1, rows + 1)
    ]
    context = {
        "draft": SimpleNamespace(acting_for=None),
        "language": "ka",
        "service_title": "საცხოვრებელი მისამართის შეცვლა",
        "agency_name": "სამოქალაქო რეესტრის სააგენტო",
        "applicant_name": "მარიამ ბერიძე",
        "personal_number": CARD,
        "rows": answers,
        "attachments": [],
        "portal_name": "ერთი ფანჯარა",
    }
    with translation.override("ka"):
        return str(render_to_string("signing/draft_pdf.html", context))


def _cache_key(rows: int, lines: int) -> str:
    import hashlib
    from importlib.metadata import version

    from onewindow.applications.pdf import PDF_VARIANT
    from onewindow.documents import font_faces

    digest = hashlib.sha256()
    digest.update(f"{version('weasyprint')} {PDF_VARIANT}".encode())
    digest.update(_html(rows, lines).encode() + font_faces().encode())
    for line in font_faces().splitlines():  # the font files themselves
        if 'url("file://' in line:
            path = line.split('url("file://', 1)[1].split('"', 1)[0]
            digest.update(Path(path).read_bytes())
    return digest.hexdigest()[:32]


def document(pages: int) -> tuple[bytes, float | None]:
    """A rendition of exactly `pages` pages (1 or 50) and the seconds its rendering took
    (None: from the cache, see LAYOUT)."""
    rows, lines = LAYOUT[pages]
    cache = Path(tempfile.gettempdir()) / "onewindow-bench-documents"
    cached = cache / f"{_cache_key(rows, lines)}.pdf"
    if cached.is_file():
        pdf = cached.read_bytes()
        if page_count(pdf) == pages:
            return pdf, None
    started = time.monotonic()
    for _ in range(3):
        pdf = _render(rows, lines)
        got = page_count(pdf)
        if got == pages:
            cache.mkdir(exist_ok=True)
            cached.write_bytes(pdf)
            return pdf, time.monotonic() - started
        rows = max(1, rows + (pages - got) * (2 if lines > 2 else 1))
    raise SigningBenchFailed(f"could not render a {pages}-page document (last: {got} pages)")


def card_signature(key: Any, digest: bytes, hash_function: str) -> bytes:
    """What the card returns for `digest`: PKCS#1 v1.5 for RSA, raw r‖s for ECDSA."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
    from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, decode_dss_signature

    algorithm = Prehashed(hashes.SHA384() if hash_function == "SHA-384" else hashes.SHA256())
    if isinstance(key, rsa.RSAPrivateKey):
        return bytes(key.sign(digest, padding.PKCS1v15(), algorithm))
    r, s = decode_dss_signature(key.sign(digest, ec.ECDSA(algorithm)))
    size = (key.curve.key_size + 7) // 8
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def card_certificate_and_key(pki: Any, personal_number: str) -> tuple[bytes, Any]:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    from testpki.model import load_private_key

    card = pki.card_of(personal_number)
    certificate = x509.load_pem_x509_certificate(card.sign_cert.read_bytes())
    return certificate.public_bytes(serialization.Encoding.DER), load_private_key(card.sign_key)


# --- the measurement --------------------------------------------------------------------------


def _card_signing(pdf: bytes, certificate: bytes, key: Any, level: str) -> dict[str, float]:
    """One two-step card signing; seconds of each step and in all."""
    from onewindow.signing import pades

    started = time.perf_counter()
    prepared = pades.prepare(pdf, certificate=certificate, reason="Benchmark", location="Tbilisi")
    prepared_at = time.perf_counter()
    signature = card_signature(key, prepared.digest, prepared.hash_function)
    signed_at = time.perf_counter()
    pades.finish(prepared.state, signature, level=pades.Level(level))
    finished_at = time.perf_counter()
    return {
        "total": finished_at - started,
        "prepare": prepared_at - started,
        "card": signed_at - prepared_at,
        "finish": finished_at - signed_at,
    }


def _seal(pdf: bytes) -> dict[str, float]:
    from onewindow.signing import pades

    started = time.perf_counter()
    pades.seal_on_server(pdf, agency_code=AGENCY["code"], reason="Benchmark", level=pades.Level.LTA)
    return {"total": time.perf_counter() - started}


def measure(rounds: int, *, profile: bool = True) -> dict[str, Any]:
    """Everything the section reports (see the module's doc)."""
    started = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="bench-signing-"))
    try:
        with pki_server(folder, with_hsm=True) as (pki, _process):
            setup_seconds = time.monotonic() - started
            certificate, key = card_certificate_and_key(pki, CARD)
            rendered = {name: document(pages) for name, pages in DOCUMENTS.items()}
            pdfs = {name: pdf for name, (pdf, _seconds) in rendered.items()}
            cases = [(mode, name) for mode in (*CARD_LEVELS, SEAL) for name in DOCUMENTS]

            def run_case(mode: str, name: str) -> dict[str, float]:
                if mode == SEAL:
                    return _seal(pdfs[name])
                return _card_signing(pdfs[name], certificate, key, mode)

            timed: list[dict[tuple[str, str], dict[str, float]]] = []
            for number in range(rounds + 1):  # round 0 warms up (imports, first connections)
                order = cases if number % 2 else cases[::-1]
                measured = {case: run_case(*case) for case in order}
                if number:
                    timed.append(measured)
                    summary = ", ".join(
                        f"{m} {n} {measured[(m, n)]['total']:.2f}" for m, n in cases
                    )
                    print(
                        f"bench:   signing round {number}: s {summary}", file=sys.stderr, flush=True
                    )
            result = _summary(timed, cases, pdfs, rounds)
            if profile:
                result["profile"] = {
                    "card B-LTA, 50 pages": _profiled(
                        lambda: run_case("B-LTA", "50 pages"), label="card B-LTA, 50 pages"
                    ),
                    "seal B-LTA, 50 pages": _profiled(
                        lambda: run_case(SEAL, "50 pages"), label="seal B-LTA, 50 pages"
                    ),
                }
            result["setup_seconds"] = round(setup_seconds, 1)
            result["render_seconds"] = {
                name: None if seconds is None else round(seconds, 1)
                for name, (_pdf, seconds) in rendered.items()
            }
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    result["seconds"] = round(time.monotonic() - started, 1)
    return result


def _summary(
    timed: list[dict[tuple[str, str], dict[str, float]]],
    cases: list[tuple[str, str]],
    pdfs: dict[str, bytes],
    rounds: int,
) -> dict[str, Any]:
    medians: dict[str, dict[str, dict[str, float]]] = {}
    for mode, name in cases:
        parts = timed[0][(mode, name)].keys()
        medians.setdefault(mode, {})[name] = {
            part: round(statistics.median(r[(mode, name)][part] for r in timed), 4)
            for part in parts
        }

    def ratio(a: tuple[str, str], b: tuple[str, str]) -> float:
        return round(statistics.median(r[a]["total"] / r[b]["total"] for r in timed), 3)

    return {
        "rounds": rounds,
        "card": CARD,
        "agency": AGENCY["code"],
        "documents": {
            name: {"pages": DOCUMENTS[name], "bytes": len(pdf)} for name, pdf in pdfs.items()
        },
        "median_seconds": medians,
        "ratio_50_to_1_page": {
            mode: ratio((mode, "50 pages"), (mode, "1 page")) for mode in medians
        },
        "ratio_to_b_t": {
            name: {mode: ratio((mode, name), ("B-T", name)) for mode in medians if mode != "B-T"}
            for name in DOCUMENTS
        },
        "per_round_total": [
            {f"{mode} {name}": round(r[(mode, name)]["total"], 4) for mode, name in cases}
            for r in timed
        ],
    }


# Where the time goes: each function's own time (cProfile's tottime), by what it belongs to.
_CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("HSM (PKCS#11, SoftHSM2)", ("pkcs11",)),
    ("hashing", ("_hashlib", "/hashlib.py", "openssl.hashes", "_sha2", "_blake2")),
    ("public-key crypto (cryptography)", ("/cryptography/", "cryptography.hazmat")),
    (
        "network to the local TSA/OCSP (incl. waiting)",
        (
            "/httpx/",
            "/httpcore/",
            "/h11/",
            "/aiohttp/",
            "/yarl/",
            "/multidict/",
            "/anyio/",
            "socket.py",
            "/ssl.py",
            "_ssl.",
            "_socket.",
            "/selectors.py",
            "select.epoll",
        ),
    ),
    ("pyHanko's PDF reader/writer", ("pyhanko/pdf_utils",)),
    ("pyHanko signing, DSS, validation", ("pyhanko/sign", "pyhanko_certvalidator")),
    ("ASN.1 (asn1crypto)", ("asn1crypto",)),
    ("asyncio event loop", ("/asyncio/",)),
)


def _category(location: tuple[str, int, str]) -> str:
    filename, _line, function = location
    text = f"{filename} {function}".replace("\\", "/")
    for name, needles in _CATEGORIES:
        if any(needle in text for needle in needles):
            return name
    return "builtins and the rest (mostly called by pyHanko and asn1crypto)"


def _profiled(action: Callable[[], Any], *, label: str) -> dict[str, Any]:
    """Run `action` once under cProfile; its wall time and each category's share of it."""
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    action()
    profiler.disable()
    wall = time.perf_counter() - started
    stats = pstats.Stats(profiler)
    seconds: dict[str, float] = {}
    for location, (_cc, _nc, own, _cum, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        category = _category(location)
        seconds[category] = seconds.get(category, 0.0) + own
    top = sorted(
        stats.stats.items(),  # type: ignore[attr-defined]
        key=lambda item: item[1][2],
        reverse=True,
    )[:8]
    return {
        "label": label,
        "seconds": round(wall, 4),
        "by_category": {
            name: round(value, 4) for name, value in sorted(seconds.items(), key=lambda x: -x[1])
        },
        "top_own_time": [
            {"function": f"{Path(f).name}:{line} {fn}", "seconds": round(values[2], 4)}
            for (f, line, fn), values in top
        ],
    }


# --- the table --------------------------------------------------------------------------------


def print_section(result: dict[str, Any]) -> None:
    """The section's table (run.py's shared printer) and its notes."""
    from bench.run import print_table

    if "error" in result:
        print(f"\nSigning: could not run: {result['error']}")
        return
    names = list(DOCUMENTS)
    docs = result["documents"]
    print(
        f"\nSigning (issue 6) — median of {result['rounds']} rounds, seconds; a card signing is "
        "prepare + the card's signature + finish; the seal is the agency's key in SoftHSM2; "
        "ratios: median of per-round ratios\n"
    )
    table = [["signing", *(f"{n} ({docs[n]['bytes'] // 1024} KiB)" for n in names), "50 p ÷ 1 p"]]
    medians = result["median_seconds"]
    for mode, row in medians.items():
        label = f"ID card {mode}" if mode != SEAL else "server seal (HSM) B-LTA"
        table.append(
            [
                label,
                *(f"{row[n]['total']:.3f}" for n in names),
                f"{result['ratio_50_to_1_page'][mode]:.2f}",
            ]
        )
    for mode in [m for m in medians if m != "B-T"]:
        label = f"ratio {mode} ÷ ID card B-T" if mode != SEAL else "ratio seal ÷ ID card B-T"
        table.append([label, *(f"{result['ratio_to_b_t'][n][mode]:.2f}" for n in names), "—"])
    print_table(table)
    print("\n  Card signing split (medians, s: prepare / card / finish):")
    for mode in CARD_LEVELS:
        parts = "; ".join(
            f"{n}: {medians[mode][n]['prepare']:.3f} / {medians[mode][n]['card']:.4f} / "
            f"{medians[mode][n]['finish']:.3f}"
            for n in names
        )
        print(f"    {mode:<6} {parts}")
    for profile in result.get("profile", {}).values():
        shares = ", ".join(
            f"{name} {value / profile['seconds']:.0%}"
            for name, value in profile["by_category"].items()
            if value / profile["seconds"] >= 0.001
        )
        print(f"  cProfile, {profile['label']} ({profile['seconds']:.2f} s profiled): {shares}")
    rendering = ", ".join(
        f"{name} {'from the cache' if seconds is None else f'rendered in {seconds:.1f} s'}"
        for name, seconds in result["render_seconds"].items()
    )
    print(
        f"  Setup {result['setup_seconds']:.1f} s (PKI, seal, SoftHSM2 token, server); "
        f"documents: {rendering}; section {result['seconds']:.0f} s."
    )


# --- run.py's section and the command line ----------------------------------------------------


def child_environment() -> dict[str, str]:
    """The section's process: the development settings on a throwaway var dir, no real
    database or cache (the revocation answers go to the local-memory cache)."""
    stripped = {
        "DATABASE_URL",
        "REDIS_URL",
        "CACHE_KEY_PREFIX",
        "DJANGO_SETTINGS_MODULE",
        "SIGNING_HSM_PIN",
    }
    environment = {k: v for k, v in os.environ.items() if k not in stripped}
    python_path = [str(REPOSITORY), str(REPOSITORY / "src")]
    environment.update(PYTHONPATH=os.pathsep.join(python_path), PYTHONDONTWRITEBYTECODE="1")
    return environment


def run_child(module: str, arguments: list[str], timeout: float) -> dict[str, Any]:
    """Run `python -m <module> --bench-json …` in its own process group, echoing its
    progress; the result from its BENCH_JSON line, or {"error": …}."""
    command = [sys.executable, "-m", module, "--bench-json", *arguments]
    try:
        returncode, output = protocol.echo(
            command, cwd=REPOSITORY, environment=child_environment(), timeout=timeout
        )
    except (OSError, subprocess.SubprocessError) as error:
        return {"error": str(error)}
    result = protocol.parse(output)
    if result is None:
        return {"error": f"exit {returncode}, no result:\n" + output[-2000:]}
    return result


def run_section(
    report: dict[str, Any],
    name: str,
    *,
    rounds: int,
    timeout: float,
    print_table: Callable[[dict[str, Any]], None],
) -> dict[str, Any]:
    """run.py's section `name` (bench/<name>.py): its own process, a table, report[name]."""
    print(f"bench: {name} ({rounds} rounds + 1 warm-up) …", flush=True)
    result = run_child(f"bench.{name}", ["--rounds", str(rounds)], timeout)
    report[name] = result
    print_table(result)
    return result


def section(report: dict[str, Any], *, rounds: int = 5) -> dict[str, Any]:
    """run.py's signing section: its own process, a table, and report["signing"]."""
    return run_section(
        report, "signing", rounds=rounds, timeout=SECTION_TIMEOUT, print_table=print_section
    )


def setup_django() -> None:
    """Django on a throwaway var dir (removed at exit), quiet loggers; SIGTERM unwinds."""
    import atexit
    import logging
    import signal

    protocol.stop_on_signals(signal.SIGTERM)

    var = Path(tempfile.mkdtemp(prefix="bench-signing-var-"))
    atexit.register(shutil.rmtree, var, True)
    os.environ["ONEWINDOW_VAR_DIR"] = str(var)
    os.environ["DJANGO_SETTINGS_MODULE"] = "onewindow.config.settings"
    for path in (str(REPOSITORY / "src"), str(REPOSITORY)):
        if path not in sys.path:
            sys.path.insert(0, path)
    import django

    django.setup()
    for name in ("httpx", "pyhanko", "pyhanko_certvalidator", "fontTools", "weasyprint"):
        logging.getLogger(name).setLevel(logging.ERROR)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-profile", dest="profile", action="store_false")
    protocol.add_output_options(parser)
    arguments = parser.parse_args()
    setup_django()
    return protocol.child_main(
        "signing",
        arguments,
        lambda: measure(arguments.rounds, profile=arguments.profile),
        print_section,
    )


if __name__ == "__main__":
    sys.exit(main())
