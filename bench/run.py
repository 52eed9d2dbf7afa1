"""OneWindow benchmark (`make bench`): the portal served as in production, measured by wrk.

Steps, all in a throwaway folder (the project's var/ is never touched):
 1. a new SQLite database: migrate, then `load_catalog --generate N` so that the catalogue
    holds ~700 services (the YAML ones plus generated ones); collectstatic (manifest files).
 2. in-process (bench/inprocess.py): render the home page into STATIC_ROOT/bench/home.html
    (the static copy, served by whitenoise like any static file), pick a real service, and
    time the search engine (query cache cleared before every timed call) and its build.
 3. gunicorn with uvicorn workers on 127.0.0.1 (DEBUG off, production settings, plus
    bench/benchsite.py: the portal's URLconf and a minimal `bench/hello/` view).
 4. wrk (1 thread, fixed connections) on every endpoint in turn, round after round, so the
    noise of a shared machine hits every endpoint alike; medians over the rounds, and each
    ratio to the hello view taken within a round, then the median of those.
 5. the server is stopped (its whole process group) and the folder removed, always.

Prints a table and writes bench/results/latest.json. Then, on the same database, the
data-exchange benchmarks of bench/exchange.py (a second table, `exchange` in the JSON;
`--no-exchange` leaves them out); then the ID-card benchmarks: Web eID token validations
per second (bench/identity.py) and the end-to-end ID-card sign-in (bench/idcard_login.py,
its own portals and database), two more tables, `identity` in the JSON (`--no-identity`
leaves them out). Then the applications: end-to-end submissions per second with the PDF
rendition (bench/submissions.py, on the same throwaway database, `submissions` in the
JSON, `--no-submissions`), and the back-office inbox at 10,000 and 1,000,000 cases
(bench/backoffice.py, its own process and throwaway database, PostgreSQL when one is at
hand; `backoffice` in the JSON, `--no-backoffice`). Last, the signatures (issue 6): signing
with the ID card at B-T/B-LT/B-LTA and the server seal through SoftHSM2 (bench/signing.py,
`signing`, `--no-signing`) and the validation of a PDF with 5 signatures (bench/validation.py,
`validation`, `--no-validation`), each in its own process. Exits 0 when a target is missed
(the table says FAIL); non-zero only when the benchmark itself could not run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
if str(ROOT) not in sys.path:  # `python bench/run.py` puts only bench/ on the path
    sys.path.insert(0, str(ROOT))

from bench import protocol  # noqa: E402

RESULTS = BENCH_DIR / "results" / "latest.json"
LUA_SCRIPT = BENCH_DIR / "report.lua"

TOTAL_SERVICES = 700
THROUGHPUT_TARGET = 0.40  # home and service pages: share of the hello view's requests/s
SEARCH_TARGET_MS = 5.0
STATIC_COPY = "bench/home.html"  # under STATIC_ROOT, so served at /static/bench/home.html
STRIPPED_VARIABLES = {
    "DATABASE_URL",
    "REDIS_URL",
    "CACHE_KEY_PREFIX",
    "DATABASE_CONN_MAX_AGE",
    "CATALOG_DIR",
    "CATALOG_REFRESH_SECONDS",
    "DJANGO_SETTINGS_MODULE",
}


class BenchError(Exception):
    """The benchmark itself could not run (as opposed to a missed target)."""


@dataclass(frozen=True)
class Endpoint:
    key: str
    label: str
    path: str
    target: float | None = None  # minimum ratio to the hello view's requests/s


def main() -> int:
    options = _options()
    protocol.stop_on_signals()
    wrk = shutil.which("wrk")
    if wrk is None:
        print("bench: wrk is not installed (Debian package `wrk`).", file=sys.stderr)
        return 2
    started = time.monotonic()
    load_before = os.getloadavg()[0]
    workdir = Path(tempfile.mkdtemp(prefix="onewindow-bench-"))
    server: subprocess.Popen[bytes] | None = None
    try:
        environment = _environment(workdir)
        catalogue = _prepare_database(environment, options.services)
        inprocess = _prepare_inprocess(environment, workdir, options)
        endpoints = _endpoints(inprocess["service_code"], options)
        if options.profile:
            paths = [e.path for e in endpoints if e.key in {"home", "service", "search_ka"}]
            arguments = ["profile", *(f"--path={path}" for path in paths)]
            _run_module(environment, arguments, timeout=300, echo=True)
        port = _free_port()
        step = _Step("server")
        server, command, stack = _start_server(environment, workdir, port, options.workers)
        _wait_until_healthy(server, port, workdir)
        step.done(f"{stack}, {options.workers} workers, port {port}")
        base = f"http://127.0.0.1:{port}"
        served = _check_endpoints(base, endpoints)
        rounds = _measure(wrk, base, endpoints, options, server, workdir)
        _stop_server(server)
        server = None
        report = _report(
            options, catalogue, inprocess, endpoints, rounds, (command, stack), served, started
        )
        report["machine"]["load_average_1min"] = [load_before, os.getloadavg()[0]]
        _print_report(report)
        if options.exchange:
            _exchange(report, environment, workdir, inprocess["service_code"], options)
            report["seconds"] = round(time.monotonic() - started, 1)
        if options.identity:
            _identity(report, workdir, options)
            report["seconds"] = round(time.monotonic() - started, 1)
        if options.submissions:
            _submissions(report, environment, workdir, options)
            report["seconds"] = round(time.monotonic() - started, 1)
        if options.backoffice:
            _backoffice(report)
            report["seconds"] = round(time.monotonic() - started, 1)
        if options.signing or options.validation:
            _signatures(report, options)
            report["seconds"] = round(time.monotonic() - started, 1)
    except BenchError as error:
        print(f"\nbench: the benchmark could not run: {error}", file=sys.stderr)
        return 1
    finally:
        if server is not None:
            _stop_server(server)
        shutil.rmtree(workdir, ignore_errors=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(f"\nWritten to {RESULTS.relative_to(ROOT)} in {report['seconds']:.0f} s.")
    identity = report.get("identity", {})
    sections = (
        report.get("exchange", {}),
        *(identity.get(k, {}) for k in ("token_validation", "login")),
        report.get("submissions", {}),
        report.get("backoffice", {}),
        report.get("signing", {}),
        report.get("validation", {}),
    )
    return 1 if any("error" in section for section in sections) else 0


def _exchange(
    report: dict[str, Any],
    environment: dict[str, str],
    workdir: Path,
    service_code: str,
    options: argparse.Namespace,
) -> None:
    """The data-exchange benchmarks (bench/exchange.py) on the same throwaway database and
    service page: a second table, and report["exchange"]."""
    from bench import exchange

    exchange_options = exchange.options_parser().parse_args(
        ["--workers", str(options.workers), "--connections", str(options.connections)]
    )
    exchange.run(
        report,
        environment=environment,
        workdir=workdir,
        service_code=service_code,
        options=exchange_options,
    )


def _identity(report: dict[str, Any], workdir: Path, options: argparse.Namespace) -> None:
    """The ID-card benchmarks: Web eID token validations per second (bench/identity.py,
    in this process) and the end-to-end sign-in (bench/idcard_login.py, its own portals,
    database, agent and OCSP responder in `workdir`); two tables, and report["identity"]."""
    from bench import idcard_login, identity

    section: dict[str, Any] = {}
    report["identity"] = section
    step = _Step("identity: Web eID token validations per second (5 rounds)")
    try:
        section["token_validation"] = identity.token_validation_bench()
        step.done("done")
        identity.print_table(section["token_validation"])
    except identity.ValidationBenchFailed as error:
        section["token_validation"] = {"error": str(error)}
        print(f"\nWeb eID token validation: could not run: {error}")
    login_options = idcard_login.options_parser().parse_args(["--workers", str(options.workers)])
    idcard_login.run(section, workdir=workdir, options=login_options)


def _submissions(
    report: dict[str, Any],
    environment: dict[str, str],
    workdir: Path,
    options: argparse.Namespace,
) -> None:
    """End-to-end submissions per second with the PDF rendition (bench/submissions.py) on
    the same throwaway database: a table, and report["submissions"]."""
    from bench import submissions

    submission_options = submissions.options_parser().parse_args(
        ["--workers", str(options.workers)]
    )
    submissions.run(report, environment=environment, workdir=workdir, options=submission_options)


def _backoffice(report: dict[str, Any]) -> None:
    """The back-office inbox at 10,000 and 1,000,000 cases (bench/backoffice.py, its own
    process and throwaway database): a table, and report["backoffice"]."""
    from bench import backoffice

    backoffice.section(report)


def _signatures(report: dict[str, Any], options: argparse.Namespace) -> None:
    """Issue 6: the signing (bench/signing.py) and validation (bench/validation.py)
    benchmarks, each in its own process with its own test PKI: a table each, and
    report["signing"], report["validation"]."""
    from bench import signing, validation

    if options.signing:
        signing.section(report)
    if options.validation:
        validation.section(report)


def _options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="OneWindow benchmark (see the module doc).")
    parser.add_argument("--rounds", type=int, default=5, help="rounds over every endpoint")
    parser.add_argument("--duration", type=int, default=4, help="seconds per measurement")
    parser.add_argument("--warmup", type=int, default=1, help="warm-up seconds per endpoint")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument(
        "--services", type=int, default=TOTAL_SERVICES, help="services in all (YAML + generated)"
    )
    parser.add_argument("--search-reps", type=int, default=100)
    parser.add_argument("--ka-query", default="ამონაწერი")
    parser.add_argument("--latin-query", default="amonaweri")
    parser.add_argument("--suggest-query", default="amonaw")
    parser.add_argument(
        "--profile", action="store_true", help="also print a cProfile of the home and service pages"
    )
    parser.add_argument(
        "--no-exchange",
        dest="exchange",
        action="store_false",
        help="leave out the data-exchange benchmarks (bench/exchange.py, about 3 minutes)",
    )
    parser.add_argument(
        "--no-identity",
        dest="identity",
        action="store_false",
        help="leave out the ID-card benchmarks (bench/identity.py, bench/idcard_login.py)",
    )
    parser.add_argument(
        "--no-submissions",
        dest="submissions",
        action="store_false",
        help="leave out the end-to-end submissions benchmark (bench/submissions.py)",
    )
    parser.add_argument(
        "--no-backoffice",
        dest="backoffice",
        action="store_false",
        help="leave out the back-office inbox at 10,000 and 1,000,000 cases",
    )
    parser.add_argument(
        "--no-signing",
        dest="signing",
        action="store_false",
        help="leave out the signing benchmark (bench/signing.py: ID card, server seal)",
    )
    parser.add_argument(
        "--no-validation",
        dest="validation",
        action="store_false",
        help="leave out the validation of a PDF with 5 signatures (bench/validation.py)",
    )
    options = parser.parse_args()
    if not (1 <= options.rounds <= 9 and 1 <= options.duration <= 30 and options.warmup <= 10):
        parser.error("keep --rounds within 1-9, --duration within 1-30 s, --warmup ≤ 10 s")
    return options


# --- 1. the database -----------------------------------------------------------------


def _environment(workdir: Path) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        # Never a real database or cache (the benchmark writes its own throwaway data), and
        # the production defaults for what the settings would otherwise take from here.
        if key not in STRIPPED_VARIABLES
    }
    python_path = [str(ROOT), str(ROOT / "src")]
    if os.environ.get("PYTHONPATH"):
        python_path.append(os.environ["PYTHONPATH"])
    environment.update(
        ONEWINDOW_VAR_DIR=str(workdir / "var"),
        ONEWINDOW_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(48),  # 64 characters
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        DEBUG="false",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="bench.settings",
        PYTHONPATH=os.pathsep.join(python_path),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return environment


def _manage(environment: dict[str, str], *arguments: str, timeout: int = 180) -> str:
    return _run([sys.executable, "manage.py", *arguments], environment, timeout)


def _run(command: list[str], environment: dict[str, str], timeout: int) -> str:
    try:
        completed = subprocess.run(
            command,
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise BenchError(f"`{' '.join(command[1:])}` took over {timeout} s") from error
    if completed.returncode != 0:
        raise BenchError(
            f"`{' '.join(command[1:])}` failed ({completed.returncode}):\n"
            + (completed.stderr or completed.stdout)[-3000:]
        )
    return completed.stdout


def _prepare_database(environment: dict[str, str], total: int) -> dict[str, Any]:
    step = _Step("database")
    _manage(environment, "migrate", "--no-input", "-v", "0")
    checked = _manage(environment, "load_catalog", "--check")
    found = re.search(r"(\d+) services", checked)
    if found is None:
        raise BenchError(f"cannot read the number of services from: {checked.strip()}")
    from_yaml = int(found.group(1))
    generate = max(0, total - from_yaml)
    loaded = _manage(environment, "load_catalog", "--generate", str(generate))
    _manage(environment, "collectstatic", "--no-input", "-v", "0")
    step.done(f"{from_yaml} services from YAML + {generate} generated; static files collected")
    return {"from_yaml": from_yaml, "generated": generate, "load_report": loaded.strip()}


class _Step:
    def __init__(self, name: str) -> None:
        self.name, self.started = name, time.monotonic()
        print(f"bench: {name} …", flush=True)

    def done(self, detail: str) -> None:
        took = time.monotonic() - self.started
        print(f"bench: {self.name}: {detail} ({took:.1f} s)", flush=True)


# --- 2. in-process: static copy, search timing ----------------------------------------


def _run_module(
    environment: dict[str, str], arguments: list[str], timeout: int, echo: bool = False
) -> str:
    output = _run([sys.executable, "-m", "bench.inprocess", *arguments], environment, timeout)
    if echo:
        print(output)
    return output


def _prepare_inprocess(
    environment: dict[str, str], workdir: Path, options: argparse.Namespace
) -> dict[str, Any]:
    step = _Step("in-process: static copy of the home page, search timing")
    static_out = workdir / "var" / "static" / STATIC_COPY
    output = _run_module(
        environment,
        [
            "prepare",
            "--static-out",
            str(static_out),
            "--search-reps",
            str(options.search_reps),
            "--ka-query",
            options.ka_query,
            "--latin-query",
            options.latin_query,
            "--suggest-query",
            options.suggest_query,
        ],
        timeout=240,
    )
    result = protocol.parse(output)
    if result is None:
        raise BenchError(f"bench.inprocess printed no result:\n{output[-2000:]}")
    if not static_out.is_file():
        raise BenchError(f"the static copy {static_out} was not written")
    search = result["search"].get("search", {})
    step.done(
        f"{result['services']} services; search p99 {search.get('p99_ms', '?')} ms; "
        f"service page /ka/services/{result['service_code']}/"
    )
    return result


# --- 3. the server -------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _server_command(port: int, workers: int) -> tuple[list[str], str]:
    """gunicorn with uvicorn's worker when both are importable, else uvicorn --workers."""
    probe = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", "import gunicorn, uvicorn.workers"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    if probe.returncode == 0:
        return [
            sys.executable,
            "-W",
            "ignore::DeprecationWarning",
            "-m",
            "gunicorn",
            "--worker-class",
            "uvicorn.workers.UvicornWorker",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--no-control-socket",  # gunicorn 27 would otherwise share ~/.gunicorn/gunicorn.ctl
            "--graceful-timeout",
            "5",
            "--timeout",
            "60",
            "--log-level",
            "warning",
            "onewindow.config.asgi:application",
        ], "gunicorn + uvicorn.workers.UvicornWorker"
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "onewindow.config.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--lifespan",
        "off",
        "--no-access-log",
        "--log-level",
        "warning",
    ], "uvicorn --workers"


def _start_server(
    environment: dict[str, str], workdir: Path, port: int, workers: int
) -> tuple[subprocess.Popen[bytes], list[str], str]:
    command, stack = _server_command(port, workers)
    with (workdir / "server.log").open("wb") as log:
        server = subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, stopped as a whole
        )
    return server, command, stack


def _wait_until_healthy(server: subprocess.Popen[bytes], port: int, workdir: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"the server exited ({server.returncode}):\n{_log_tail(workdir)}")
        if _healthy(f"http://127.0.0.1:{port}/healthz"):
            return
        time.sleep(0.3)
    raise BenchError(f"/healthz did not answer within 60 s:\n{_log_tail(workdir)}")


def _healthy(url: str) -> bool:
    try:
        with _open(url, timeout=2) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def _stop_server(server: subprocess.Popen[bytes]) -> None:
    """Stop the server's whole process group (master and workers): TERM, then KILL."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.wait(timeout=10)
    deadline = time.monotonic() + 5
    while _group_alive(server.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)  # whatever is left of the group
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.wait(timeout=5)


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def _log_tail(workdir: Path) -> str:
    try:
        return (workdir / "server.log").read_text(errors="replace")[-3000:]
    except OSError:
        return "(no server log)"


# --- 4. the load ---------------------------------------------------------------------


def _endpoints(service_code: str, options: argparse.Namespace) -> list[Endpoint]:
    def search(query: str) -> str:
        return "/ka/search/?" + urllib.parse.urlencode({"q": query})

    return [
        Endpoint("hello", "hello view (baseline)", "/bench/hello/"),
        Endpoint("static_home", "home, static copy", f"/static/{STATIC_COPY}"),
        Endpoint("home", "home page", "/ka/", THROUGHPUT_TARGET),
        Endpoint("service", "service page", f"/ka/services/{service_code}/", THROUGHPUT_TARGET),
        Endpoint("search_ka", f"search “{options.ka_query}”", search(options.ka_query)),
        Endpoint("search_latin", f"search “{options.latin_query}”", search(options.latin_query)),
        Endpoint(
            "suggest",
            f"suggest “{options.suggest_query}”",
            "/ka/search/suggest/?" + urllib.parse.urlencode({"q": options.suggest_query}),
        ),
    ]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _open(url: str, timeout: float) -> Any:
    """GET `url` (http only, redirects not followed: a 3xx raises HTTPError)."""
    if not url.startswith("http://127.0.0.1:"):
        raise BenchError(f"not a loopback URL: {url}")
    return urllib.request.build_opener(_NoRedirect).open(url, timeout=timeout)


def _check_endpoints(base: str, endpoints: list[Endpoint]) -> dict[str, dict[str, Any]]:
    """Every URL must answer 200 itself (not through a redirect) before it is measured."""
    served: dict[str, dict[str, Any]] = {}
    for endpoint in endpoints:
        try:
            with _open(base + endpoint.path, timeout=30) as answer:
                body = answer.read()
                served[endpoint.key] = {
                    "status": answer.status,
                    "bytes": len(body),
                    "content_type": answer.headers.get("Content-Type", ""),
                }
        except urllib.error.HTTPError as error:
            raise BenchError(f"GET {endpoint.path} answered {error.code}, not 200") from error
        except OSError as error:
            raise BenchError(f"GET {endpoint.path} failed: {error}") from error
        if served[endpoint.key]["status"] != 200:
            raise BenchError(f"GET {endpoint.path} answered {served[endpoint.key]['status']}")
    return served


def _wrk(wrk: str, url: str, seconds: int, connections: int) -> dict[str, Any]:
    command = [
        wrk,
        "--threads",
        "1",
        "--connections",
        str(connections),
        "--duration",
        f"{seconds}s",
        "--timeout",
        "10s",
        "--script",
        str(LUA_SCRIPT),
        url,
    ]
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + 30, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise BenchError(f"wrk did not finish: {url}") from error
    result = protocol.parse(completed.stdout)
    if completed.returncode != 0 or result is None:
        raise BenchError(f"wrk failed on {url}:\n{completed.stdout}{completed.stderr}")
    return result


def _measure(
    wrk: str,
    base: str,
    endpoints: list[Endpoint],
    options: argparse.Namespace,
    server: subprocess.Popen[bytes],
    workdir: Path,
) -> list[dict[str, dict[str, Any]]]:
    step = _Step(
        f"load: {options.rounds} rounds × {len(endpoints)} endpoints × {options.duration} s, "
        f"{options.connections} connections"
    )
    if options.warmup > 0:
        for endpoint in endpoints:
            _wrk(wrk, base + endpoint.path, options.warmup, options.connections)
    rounds: list[dict[str, dict[str, Any]]] = []
    for number in range(1, options.rounds + 1):
        measured: dict[str, dict[str, Any]] = {}
        for endpoint in endpoints:
            result = _wrk(wrk, base + endpoint.path, options.duration, options.connections)
            if server.poll() is not None:
                raise BenchError(f"the server died during the load:\n{_log_tail(workdir)}")
            result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
            measured[endpoint.key] = result
        rounds.append(measured)
        summary = ", ".join(f"{key} {value['rps']:.0f}" for key, value in measured.items())
        print(f"bench:   round {number}: req/s {summary}", flush=True)
    step.done("done")
    return rounds


# --- 5. the report -------------------------------------------------------------------


def _report(
    options: argparse.Namespace,
    catalogue: dict[str, Any],
    inprocess: dict[str, Any],
    endpoints: list[Endpoint],
    rounds: list[dict[str, dict[str, Any]]],
    server: tuple[list[str], str],
    served: dict[str, dict[str, Any]],
    started: float,
) -> dict[str, Any]:
    rows = []
    for endpoint in endpoints:
        runs = [measured[endpoint.key] for measured in rounds]
        ratios = [measured[endpoint.key]["rps"] / measured["hello"]["rps"] for measured in rounds]
        failures = sum(  # wrk's "status" errors are non-2xx/3xx, already among the non-200
            run["non200"] + sum(n for kind, n in run["errors"].items() if kind != "status")
            for run in runs
        )
        ratio = statistics.median(ratios)
        if failures:
            verdict = "FAIL"
        elif endpoint.target is None:
            verdict = ""
        else:
            verdict = "pass" if ratio >= endpoint.target else "FAIL"
        rows.append(
            {
                "key": endpoint.key,
                "endpoint": endpoint.label,
                "path": endpoint.path,
                "rps": statistics.median(run["rps"] for run in runs),
                "p50_ms": statistics.median(run["p50_us"] for run in runs) / 1000,
                "p99_ms": statistics.median(run["p99_us"] for run in runs) / 1000,
                "ratio_to_hello": ratio,
                "target": endpoint.target,
                "verdict": verdict,
                "failed_requests": failures,
                "requests": sum(run["requests"] for run in runs),
                "response_bytes": served[endpoint.key]["bytes"],
                "rounds": [
                    {
                        "rps": round(run["rps"], 1),
                        "p50_ms": run["p50_us"] / 1000,
                        "p99_ms": run["p99_us"] / 1000,
                        "bad_status": run["bad_status"],
                        "non200": run["non200"],
                        "errors": run["errors"],
                    }
                    for run in runs
                ],
            }
        )
    search = inprocess["search"]
    verdicts = (
        {key: _search_verdict(search[key]) for key in ("search", "search_all_caches_cold")}
        if "search" in search
        else {}
    )
    return {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "seconds": round(time.monotonic() - started, 1),
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "server": {
            "stack": server[1],
            "command": " ".join(["python", *server[0][1:]]),
            "workers": options.workers,
        },
        "load": {
            "tool": "wrk",
            "threads": 1,
            "connections": options.connections,
            "duration_s": options.duration,
            "warmup_s": options.warmup,
            "rounds": options.rounds,
        },
        "catalogue": {**catalogue, "services": inprocess["services"]},
        "service_code": inprocess["service_code"],
        "static_copy_bytes": inprocess["home_bytes"],
        "rows": rows,
        "search": search,
        "search_verdicts": verdicts,
        "index_build": inprocess["index_build"],
        "snapshot_build_ms": inprocess["snapshot_build_ms"],
        "checks": inprocess["checks"],
    }


def print_table(table: list[Any]) -> None:
    """Rows of text cells as an aligned table; the first row is the header. The first
    column is left-aligned, the others right-aligned (numbers)."""
    widths = [max(len(line[column]) for line in table) for column in range(len(table[0]))]
    for number, line in enumerate(table):
        cells = [
            cell.ljust(widths[column]) if column == 0 else cell.rjust(widths[column])
            for column, cell in enumerate(line)
        ]
        print("  " + " | ".join(cells))
        if number == 0:
            print("  " + "-+-".join("-" * width for width in widths))


def _print_report(report: dict[str, Any]) -> None:
    load = report["load"]
    print(
        f"\nOneWindow benchmark — {report['catalogue']['services']} services, "
        f"{report['server']['stack']}, {report['server']['workers']} workers, "
        f"wrk 1 thread × {load['connections']} connections, {load['duration_s']} s × "
        f"{load['rounds']} rounds; medians over the rounds; ratio = median of per-round "
        "ratios to hello\n"
    )
    header = ["endpoint", "req/s", "p50 ms", "p99 ms", "ratio to hello", "target", "pass/fail"]
    table = [header]
    for row in report["rows"]:
        target = f"≥ {row['target']:.0%}" if row["target"] is not None else "—"
        verdict = row["verdict"] or "—"
        if row["failed_requests"]:
            verdict += f" ({row['failed_requests']} non-200/errors)"
        table.append(
            [
                row["endpoint"],
                f"{row['rps']:.0f}",
                f"{row['p50_ms']:.2f}",
                f"{row['p99_ms']:.2f}",
                f"{row['ratio_to_hello']:.0%}",
                target,
                verdict,
            ]
        )
    print_table(table)
    failed = [row["endpoint"] for row in report["rows"] if row["failed_requests"]]
    if failed:
        print(f"\n  Responses other than 200 (or socket errors) on: {', '.join(failed)}.")
    cpus = report["machine"]["cpus"] or 1
    before, after = report["machine"]["load_average_1min"]
    busy = before > cpus / 2  # others were already using half the machine
    print(
        f"\n  Machine: {cpus} CPUs; 1-min load average {before:.1f} before the run, {after:.1f} "
        "at the end (the server and wrk add about 3)"
        + (
            " — the machine was busy: absolute numbers are unreliable; the side-by-side "
            "ratios less so."
            if busy
            else "."
        )
    )
    search = report["search"]
    if "search" in search:
        print(
            "  In-process, over the catalogue above (p50/p99: median over rounds of each "
            "round's percentile; CPU: the thread's CPU time, without preemption):"
        )
        for key, label in (
            ("search", "search (query cache cleared)"),
            ("search_all_caches_cold", "search (all caches cold)"),
            ("suggest", "suggest (query cache cleared)"),
        ):
            timing = search[key]
            verdict = _search_verdict(timing)
            target = (
                f"target p99 ≤ {SEARCH_TARGET_MS:g} ms: {verdict}"
                if key != "suggest"
                else ("(no target)")
            )
            print(
                f"  {label:<31} p50 {timing['p50_ms']:.3f} ms, p99 {timing['p99_ms']:.3f} ms "
                f"(CPU {timing['cpu_p99_ms']:.3f}), max {timing['max_ms']:.3f} ms; "
                f"{timing['samples']} calls, {timing['inputs']} inputs, "
                f"{timing['rounds']} rounds — {target}"
            )
    else:
        print(f"  search: {search.get('method')}")
    build = report["index_build"]
    print(
        f"  index build ({build['documents']} services): {build['first_ms']:.0f} ms in a fresh "
        f"process, {build['rebuild_median_ms']:.0f} ms per rebuild; whole catalogue snapshot "
        f"(database reads + index) {report['snapshot_build_ms']:.0f} ms"
    )


def _search_verdict(timing: dict[str, Any]) -> str:
    if timing["p99_ms"] <= SEARCH_TARGET_MS:
        return "pass"
    if timing["cpu_p99_ms"] <= SEARCH_TARGET_MS:
        return "FAIL (its CPU time is within target: time lost waiting for a busy CPU)"
    return "FAIL"


if __name__ == "__main__":
    sys.exit(main())
