"""The data-exchange benchmarks: bench/run.py runs them after its own part (a second table
and `exchange` in bench/results/latest.json); `.venv/bin/python bench/exchange.py` alone.

The sandbox agencies (`python -m sandbox serve`, 2,000 persons, a fresh test PKI) run on
loopback in their own process group; the portal's throwaway database is bench/run.py's, or
(alone) a new one: migrate, the YAML catalogue, collectstatic.

 1. Dashboard vs slowest agency, in-process (`python -m bench.exchange inprocess`: Django on
    the throwaway database, production settings, EXCHANGE_CACHE_SECONDS=0 so every fetch
    really asks; a demo person's account, `Client.force_login`). Every agency answers after
    a fixed delay spread over 100–200 ms (no jitter; tbilisi is the slowest, 200 ms). Per
    run: the slowest agency's query alone (Answer.elapsed_ms: sign, send, wait, verify),
    just before and just after the page; GET /ka/my-data/ (the whole page); then the same
    queries one after the other (exchange_fetch once per query). Ratios to the slowest
    agency's latency of the same run, median over the runs. Target: page ≤ 1.25 ×.
 2. Signed queries per second: exchange_fetch with 50 queries at once to agencies without
    delay (sign, send, verify, parse, log), several calls; the CPU each query costs the
    portal process and the sandbox; raw owexchange sign_request + verify_request pairs (and
    sign_response + verify_response) per second in-process.
 3. One agency hanging: the portal under gunicorn + uvicorn workers as bench/run.py starts
    it, pointed at the sandbox (EXCHANGE_CACHE_SECONDS=0, the other EXCHANGE_* settings at
    their defaults). wrk on the home page and a service page (a) alone, (c) while a second
    wrk keeps requesting the signed-in dashboard (a session of a demo person, `Cookie:`)
    with every agency healthy, and (b) the same with one agency set to `hang`; each round
    measures all three side by side. Target: (b)/(c) ≥ 90 % per page — what the hang costs
    the other pages, all else equal ("keep ≥ 90 % of their throughput" when an agency
    hangs). (b)/(a) and (c)/(a) are printed too: what the dashboard load itself costs
    them on this machine (it shares its CPUs with the pages).
 4. Data generation: `python -m sandbox.population --persons N --measure` for 2,000 and
    200,000 persons: seconds, CPU seconds (of that process) and peak memory.

Every process started here is stopped (its whole process group), also on failure.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
if str(ROOT) not in sys.path:  # `python bench/exchange.py` puts only bench/ on the path
    sys.path.insert(0, str(ROOT))

from bench import protocol  # noqa: E402
from bench import run as base  # noqa: E402

# The sandbox's agencies in the protocol's order (owexchange.parties.AGENCIES).
AGENCIES = (
    "civil-registry",
    "public-registry",
    "revenue",
    "patrol-police",
    "border-police",
    "enforcement",
    "social-service",
    "education",
    "tbilisi",
)
DELAY_MIN_MS, DELAY_MAX_MS = 100, 200
SLOWEST_AGENCY = AGENCIES[-1]  # gets DELAY_MAX_MS
# Demo persons (src/sandbox/demo.py): the same in every sandbox population.
DEMO_PERSONS = ("01001012345", "01008057492", "01017033481", "01024011122", "60001045678")
DASHBOARD_PATH = "/ka/my-data/"
SANDBOX_PERSONS = 2000
SANDBOX_SEED = 2026

RATIO_TARGET = 1.25  # dashboard latency ÷ the slowest agency's
ISOLATION_TARGET = 0.90  # other pages' throughput with a hanging agency ÷ without
DASHBOARD_WRK_TIMEOUT_S = 20  # > EXCHANGE_TIMEOUT_SECONDS (3 s; a timeout is not retried)


def delays() -> dict[str, int]:
    """Fixed per-agency delays from DELAY_MIN_MS to DELAY_MAX_MS (100, 112, 125 … 200)."""
    step = (DELAY_MAX_MS - DELAY_MIN_MS) / (len(AGENCIES) - 1)
    return {agency: round(DELAY_MIN_MS + n * step) for n, agency in enumerate(AGENCIES)}


def delay_faults() -> dict[str, dict[str, Any]]:
    return {agency: {"delay_ms": ms} for agency, ms in delays().items()}


def options_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="OneWindow data-exchange benchmark.")
    parser.add_argument("--runs", type=int, default=7, help="dashboard runs (part 1)")
    parser.add_argument("--rounds", type=int, default=3, help="load rounds (part 3)")
    parser.add_argument("--duration", type=int, default=3, help="seconds per wrk measurement")
    parser.add_argument("--warmup", type=int, default=1, help="warm-up seconds per page")
    parser.add_argument("--connections", type=int, default=8, help="wrk on the other pages")
    parser.add_argument(
        "--dashboard-connections", type=int, default=2, help="the dashboard load's connections"
    )
    parser.add_argument("--settle", type=float, default=1.0, help="s of dashboard load first")
    parser.add_argument("--hang", default="public-registry", choices=AGENCIES)
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--persons", type=int, default=200_000, help="population to time")
    parser.add_argument("--skip-population", action="store_true", help="leave out part 4 (~30 s)")
    return parser


def _check_options(parser: argparse.ArgumentParser, options: argparse.Namespace) -> None:
    if not (1 <= options.runs <= 15 and 1 <= options.rounds <= 7):
        parser.error("keep --runs within 1-15 and --rounds within 1-7")
    if not (1 <= options.duration <= 20 and 0 <= options.warmup <= 5):
        parser.error("keep --duration within 1-20 s and --warmup within 0-5 s")
    if not (1 <= options.dashboard_connections <= 32 and 1 <= options.connections <= 64):
        parser.error("keep --dashboard-connections within 1-32 and --connections within 1-64")
    if not (0 <= options.settle <= 10 and 1_000 <= options.persons <= 300_000):
        parser.error("keep --settle within 0-10 s and --persons within 1,000-300,000")


# --- the orchestration (no Django in this process) ------------------------------------


def run(
    report: dict[str, Any] | None = None,
    *,
    environment: dict[str, str] | None = None,
    workdir: Path | None = None,
    service_code: str | None = None,
    options: argparse.Namespace | None = None,
) -> dict[str, Any]:
    """Run the four parts; print the table; put the results in `report["exchange"]`.

    With `environment` (bench/run.py's: a throwaway database with the catalogue and the
    static files), that database is used; without, a new one is prepared in a temporary
    folder. Never raises for a benchmark that could not run: the section has an "error".
    """
    options = options or options_parser().parse_args([])
    started = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="exchange-", dir=workdir))
    section: dict[str, Any] = {"delays_ms": delays(), "slowest_agency": SLOWEST_AGENCY}
    sandbox: subprocess.Popen[bytes] | None = None
    try:
        if environment is None:
            environment = base._environment(folder)
            _prepare_database(environment)
        sandbox, url = _start_sandbox(environment, folder)
        environment = {
            **environment,
            "EXCHANGE_SANDBOX_URL": url,
            "EXCHANGE_PKI_DIR": str(folder / "pki"),
            "EXCHANGE_AGENCY_URLS": "",
            "EXCHANGE_CACHE_SECONDS": "0",  # every dashboard view really asks
        }
        inprocess = _inprocess(environment, sandbox.pid, url, options)
        cookie = inprocess.pop("session_cookie")  # a throwaway session: not in the results
        section.update(inprocess)
        pages = {
            "home": "/ka/",
            "service": f"/ka/services/{service_code or section['service_code']}/",
        }
        section["isolation"] = _isolation(
            environment, folder, (url, sandbox.pid), pages, cookie, options
        )
        base._stop_server(sandbox)
        sandbox = None
        if not options.skip_population:
            section["population"] = _population(environment, folder, options.persons)
    except base.BenchError as error:
        section["error"] = str(error)
    finally:
        if sandbox is not None:
            base._stop_server(sandbox)
        shutil.rmtree(folder, ignore_errors=True)
    section["seconds"] = round(time.monotonic() - started, 1)
    if report is not None:
        report["exchange"] = section
    print_section(section)
    return section


def _prepare_database(environment: dict[str, str]) -> None:
    step = base._Step("exchange: database (YAML catalogue, static files)")
    base._manage(environment, "migrate", "--no-input", "-v", "0")
    loaded = base._manage(environment, "load_catalog")
    base._manage(environment, "collectstatic", "--no-input", "-v", "0")
    step.done(loaded.strip())


def _start_sandbox(
    environment: dict[str, str], folder: Path
) -> tuple[subprocess.Popen[bytes], str]:
    step = base._Step("exchange: sandbox agencies")
    port = base._free_port()
    command = [
        sys.executable, "-m", "sandbox", "serve", "--host", "127.0.0.1", "--port", str(port),
        "--persons", str(SANDBOX_PERSONS), "--seed", str(SANDBOX_SEED),
        "--pki", str(folder / "pki"), "--var", str(folder / "sandbox"), "--log-level", "warning",
    ]  # fmt: skip
    log = folder / "sandbox.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            # No mailbox (its SMTP port would clash with `make run`): only the agencies.
            env={**environment, "SANDBOX_FAULTS": "{}", "SANDBOX_SMTP_PORT": "0"},
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, stopped as a whole
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise base.BenchError(f"the sandbox exited:\n{_tail(log)}")
        if base._healthy(url + "/"):
            step.done(f"{url}, {SANDBOX_PERSONS} persons + the demo set")
            return process, url
        time.sleep(0.2)
    base._stop_server(process)
    raise base.BenchError(f"the sandbox did not answer within 60 s:\n{_tail(log)}")


def _tail(path: Path) -> str:
    try:
        return path.read_text(errors="replace")[-3000:]
    except OSError:
        return f"(no {path.name})"


def _set_faults(url: str, faults: dict[str, dict[str, Any]]) -> None:
    """Replace the sandbox's injected faults (its loopback-only control endpoint)."""
    import httpx

    _loopback(url)
    try:
        answer = httpx.post(url + "/_control/faults", json=faults, timeout=10, trust_env=False)
        answer.raise_for_status()
    except httpx.HTTPError as error:
        raise base.BenchError(f"could not set the sandbox's faults: {error}") from error


def _loopback(url: str) -> None:
    if not url.startswith("http://127.0.0.1:"):
        raise base.BenchError(f"not a loopback URL: {url}")


def _inprocess(
    environment: dict[str, str], sandbox_pid: int, url: str, options: argparse.Namespace
) -> dict[str, Any]:
    step = base._Step(
        f"exchange: in-process, dashboard × {options.runs} runs (with the queries one after "
        "the other), signed queries/s"
    )
    command = [
        sys.executable, "-m", "bench.exchange", "inprocess", "--sandbox-url", url,
        "--sandbox-pid", str(sandbox_pid), "--runs", str(options.runs),
    ]  # fmt: skip
    output = base._run(command, environment, timeout=420)
    result = protocol.parse(output)
    if result is None:
        raise base.BenchError(f"bench.exchange inprocess printed no result:\n{output[-2000:]}")
    dashboard = result["dashboard"]
    step.done(
        f"page {dashboard['page_ms']:.0f} ms, slowest agency {dashboard['slowest_ms']:.0f} ms, "
        f"ratio {dashboard['ratio']:.2f}; "
        f"{result['throughput']['queries_per_s']:.0f} signed queries/s"
    )
    return result


# --- part 3: one agency hanging, the other pages under load ----------------------------


def _isolation(
    environment: dict[str, str],
    folder: Path,
    sandbox: tuple[str, int],
    pages: dict[str, str],
    cookie: str,
    options: argparse.Namespace,
) -> dict[str, Any]:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise base.BenchError("wrk is not installed (Debian package `wrk`).")
    sandbox_url = sandbox[0]
    port = base._free_port()
    step = base._Step("exchange: portal server for the hanging-agency load")
    server, _command, stack = base._start_server(environment, folder, port, options.workers)
    try:
        base._wait_until_healthy(server, port, folder)
        step.done(f"{stack}, {options.workers} workers, port {port}")
        origin = f"http://127.0.0.1:{port}"
        _set_faults(sandbox_url, delay_faults())
        checked = {key: _get(origin + path) for key, path in pages.items()}
        checked["dashboard"] = _get(origin + DASHBOARD_PATH, cookie)
        if checked["dashboard"]["failed_sections"]:
            raise base.BenchError("the dashboard shows failed sections with every agency healthy")
        load = _Load(wrk, origin, pages, cookie, sandbox, options)
        rounds = load.measure(server, folder)
    finally:
        base._stop_server(server)
    return _isolation_summary(rounds, options, stack, checked, pages)


def _get(url: str, cookie: str | None = None) -> dict[str, Any]:
    """GET once; it must answer 200 itself (a redirect to the sign-in page is an error)."""
    import httpx

    _loopback(url)
    headers = {"Cookie": cookie} if cookie else {}
    try:
        answer = httpx.get(url, headers=headers, timeout=60, trust_env=False)
    except httpx.HTTPError as error:
        raise base.BenchError(f"GET {url} failed: {error}") from error
    if answer.status_code != 200:
        raise base.BenchError(f"GET {url} answered {answer.status_code}, not 200")
    return {
        "status": answer.status_code,
        "bytes": len(answer.content),
        "failed_sections": answer.text.count('data-state="failed"'),
    }


class _Load:
    """wrk on the other pages alone and beside a dashboard load, round after round; the CPU
    the server's and the sandbox's process groups, and the whole machine, used meanwhile."""

    def __init__(
        self,
        wrk: str,
        origin: str,
        pages: dict[str, str],
        cookie: str,
        sandbox: tuple[str, int],
        options: argparse.Namespace,
    ) -> None:
        self.wrk, self.origin, self.pages, self.cookie = wrk, origin, pages, cookie
        self.sandbox_url, self.sandbox_pid = sandbox
        self.options = options
        self.groups: dict[str, int] = {}

    def measure(self, server: subprocess.Popen[bytes], folder: Path) -> list[dict[str, Any]]:
        options = self.options
        step = base._Step(
            f"exchange: load, {options.rounds} rounds × (alone, dashboard load, dashboard load "
            f"+ {options.hang} hanging) × {len(self.pages)} pages × {options.duration} s"
        )
        self.groups = {"server": server.pid, "sandbox": self.sandbox_pid}
        if options.warmup > 0:
            for path in self.pages.values():
                base._wrk(self.wrk, self.origin + path, options.warmup, options.connections)
        healthy = delay_faults()
        hanging = {**healthy, options.hang: {"hang": True}}
        rounds = []
        for number in range(1, options.rounds + 1):
            _set_faults(self.sandbox_url, healthy)
            measured = {"alone": self._pages()}
            measured["dashboard"] = self._beside_dashboard()
            _set_faults(self.sandbox_url, hanging)
            measured["hang"] = self._beside_dashboard()
            _set_faults(self.sandbox_url, healthy)
            if server.poll() is not None:
                raise base.BenchError(f"the server died during the load:\n{base._log_tail(folder)}")
            rounds.append(measured)
            print(f"bench:   round {number}: {_round_summary(measured)}", flush=True)
        step.done("done")
        return rounds

    def _pages(self) -> dict[str, Any]:
        before, started = _cpu_seconds(self.groups), time.monotonic()
        pages = {}
        for key, path in self.pages.items():
            result = base._wrk(
                self.wrk, self.origin + path, self.options.duration, self.options.connections
            )
            result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
            pages[key] = result
        after, seconds = _cpu_seconds(self.groups), time.monotonic() - started
        cores = {name: round((after[name] - before[name]) / seconds, 2) for name in after}
        return {"pages": pages, "cpu_cores": cores}

    def _beside_dashboard(self) -> dict[str, Any]:
        """The pages measured while another wrk keeps asking for the dashboard."""
        options = self.options
        # Long enough for every page; stopped with SIGINT (wrk then reports) when they are.
        seconds = math.ceil(options.settle + len(self.pages) * (options.duration + 1) + 10)
        background = _start_wrk(
            self.wrk,
            self.origin + DASHBOARD_PATH,
            seconds,
            options.dashboard_connections,
            self.cookie,
        )
        try:
            time.sleep(options.settle)
            measured = self._pages()
        finally:
            measured_dashboard = _stop_wrk(background)
        return {**measured, "dashboard_load": measured_dashboard}


def _cpu_seconds(groups: dict[str, int]) -> dict[str, float]:
    """CPU seconds so far of every process in each process group (Linux /proc), and of
    the whole machine (every process, ours or not)."""
    tick = os.sysconf("SC_CLK_TCK")
    names = {group: name for name, group in groups.items()}
    totals = dict.fromkeys(groups, 0.0)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited meanwhile
        name = names.get(int(fields[2]))  # the process group
        if name is not None:
            totals[name] += (int(fields[11]) + int(fields[12])) / tick
    cpu = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    totals["machine"] = (sum(cpu) - cpu[3] - cpu[4]) / tick  # all but idle and iowait
    return totals


def _start_wrk(
    wrk: str, url: str, seconds: int, connections: int, cookie: str
) -> subprocess.Popen[str]:
    command = [
        wrk, "--threads", "1", "--connections", str(connections), "--duration", f"{seconds}s",
        "--timeout", f"{DASHBOARD_WRK_TIMEOUT_S}s", "--script", str(base.LUA_SCRIPT),
        "--header", f"Cookie: {cookie}", url,
    ]  # fmt: skip
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )


def _stop_wrk(process: subprocess.Popen[str]) -> dict[str, Any]:
    """SIGINT (wrk stops and reports what it measured so far), then its result."""
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGINT)
    try:
        output, _ = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return {"missing": "wrk did not stop"}
    result = protocol.parse(output)
    if result is None:
        return {"missing": output[-500:]}
    result["rps"] = result["requests"] / max(result["duration_us"] / 1e6, 1e-9)
    return result


CONDITIONS = ("alone", "dashboard", "hang")


def _round_summary(measured: dict[str, Any]) -> str:
    parts = []
    for condition in CONDITIONS:
        window = measured[condition]
        text = ", ".join(f"{key} {value['rps']:.0f}" for key, value in window["pages"].items())
        if "dashboard_load" in window:
            text += f", dashboard {window['dashboard_load'].get('rps', 0):.1f}"
        parts.append(f"{condition}: {text} (machine {window['cpu_cores']['machine']:.1f} cores)")
    return "req/s " + "; ".join(parts)


def _failures(result: dict[str, Any]) -> int:
    if "missing" in result:
        return 1
    errors = sum(n for kind, n in result["errors"].items() if kind != "status")
    return int(result["non200"]) + int(errors)


def _isolation_summary(
    rounds: list[dict[str, Any]],
    options: argparse.Namespace,
    stack: str,
    checked: dict[str, Any],
    pages: dict[str, str],
) -> dict[str, Any]:
    rows = []
    for key, path in pages.items():
        runs = {c: [measured[c]["pages"][key] for measured in rounds] for c in CONDITIONS}
        ratios = {
            condition: statistics.median(
                run["rps"] / alone["rps"]
                for run, alone in zip(runs[condition], runs["alone"], strict=True)
            )
            for condition in ("dashboard", "hang")
        }
        # The target: what the hang costs the other pages, all else equal — the same
        # dashboard load with every agency healthy is the "before the agency hung".
        hang_vs_control = statistics.median(
            hung["rps"] / healthy["rps"]
            for hung, healthy in zip(runs["hang"], runs["dashboard"], strict=True)
        )
        failures = sum(_failures(run) for condition in CONDITIONS for run in runs[condition])
        rows.append(
            {
                "key": key,
                "path": path,
                **{
                    f"{c}_rps": statistics.median(run["rps"] for run in runs[c]) for c in CONDITIONS
                },
                **{
                    f"{c}_p99_ms": statistics.median(run["p99_us"] for run in runs[c]) / 1000
                    for c in CONDITIONS
                },
                "ratio_hang": ratios["hang"],
                "ratio_dashboard_only": ratios["dashboard"],
                "ratio_hang_vs_control": hang_vs_control,
                "target": ISOLATION_TARGET,
                "verdict": "pass"
                if hang_vs_control >= ISOLATION_TARGET and not failures
                else "FAIL",
                "failed_requests": failures,
            }
        )
    return {
        "server": stack,
        "workers": options.workers,
        "hang_agency": options.hang,
        "connections": options.connections,
        "dashboard_connections": options.dashboard_connections,
        "duration_s": options.duration,
        "rounds": options.rounds,
        "settle_s": options.settle,
        "checked": checked,
        "rows": rows,
        "cpu_cores": {
            condition: {
                name: statistics.median(
                    measured[condition]["cpu_cores"][name] for measured in rounds
                )
                for name in rounds[0][condition]["cpu_cores"]
            }
            for condition in CONDITIONS
        },
        "dashboard_load": {
            condition: _dashboard_summary([measured[condition] for measured in rounds])
            for condition in ("dashboard", "hang")
        },
        "per_round": [_round_record(measured) for measured in rounds],
    }


def _round_record(measured: dict[str, Any]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for condition in CONDITIONS:
        window = measured[condition]
        record[condition] = {
            "pages_rps": {key: round(value["rps"], 1) for key, value in window["pages"].items()},
            "cpu_cores": window["cpu_cores"],
        }
        if "dashboard_load" in window:
            record[condition]["dashboard"] = _dashboard_run(window["dashboard_load"])
    return record


def _dashboard_run(result: dict[str, Any]) -> dict[str, Any]:
    if "missing" in result:
        return {"missing": result["missing"]}
    return {
        "requests": result["requests"],
        "rps": round(result["rps"], 2),
        "p50_ms": result["p50_us"] / 1000,
        "p99_ms": result["p99_us"] / 1000,
        "max_ms": result["max_us"] / 1000,
        "non200": result["non200"],
        "errors": result["errors"],
    }


def _dashboard_summary(conditions: list[dict[str, Any]]) -> dict[str, Any]:
    runs = [c["dashboard_load"] for c in conditions if "missing" not in c["dashboard_load"]]
    answered = [run for run in runs if run["requests"]]

    def latency(key: str) -> float | None:
        return statistics.median(run[key] for run in answered) / 1000 if answered else None

    return {
        "rps": statistics.median(run["rps"] for run in runs) if runs else 0.0,
        "p50_ms": latency("p50_us"),
        "p99_ms": latency("p99_us"),
        "max_ms": max((run["max_us"] for run in answered), default=0) / 1000,
        "requests": sum(run["requests"] for run in runs),
        "rounds_without_answers": len(runs) - len(answered),
        "failed_requests": sum(_failures(c["dashboard_load"]) for c in conditions),
    }


# --- part 4: data generation ----------------------------------------------------------


def _population(environment: dict[str, str], folder: Path, persons: int) -> list[dict[str, Any]]:
    step = base._Step(f"exchange: population generation, {SANDBOX_PERSONS:,} and {persons:,}")
    results = [_generate(environment, folder, count) for count in (SANDBOX_PERSONS, persons)]
    step.done(
        "; ".join(f"{r['persons']:,}: {r['seconds']} s, {r['peak_rss_mb']} MB" for r in results)
    )
    return results


def _generate(environment: dict[str, str], folder: Path, persons: int) -> dict[str, Any]:
    """`python -m sandbox.population --measure` in a process of its own; with that
    process's CPU time and peak RSS as the kernel counted them (os.wait4)."""
    output_path = folder / f"population-{persons}.out"
    command = [sys.executable, "-m", "sandbox.population", "--persons", str(persons), "--measure"]
    with output_path.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    deadline = time.monotonic() + 240
    usage = None
    try:
        while usage is None and time.monotonic() < deadline:
            pid, status, rusage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                process.returncode = os.waitstatus_to_exitcode(status)
                usage = rusage
            else:
                time.sleep(0.1)
    finally:
        if usage is None:
            base._stop_server(process)
    text = output_path.read_text(errors="replace")
    if usage is None:
        raise base.BenchError(f"generating {persons} persons took over 240 s")
    line = next((line for line in text.splitlines() if line.startswith("{")), None)
    if process.returncode != 0 or line is None:
        raise base.BenchError(f"sandbox.population failed ({process.returncode}):\n{text[-2000:]}")
    result: dict[str, Any] = json.loads(line)
    result["cpu_s"] = round(usage.ru_utime + usage.ru_stime, 2)
    result["requested_persons"] = persons
    return result


# --- the table ------------------------------------------------------------------------


def _ms(value: float) -> str:
    return f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"


def _exchange_rows(section: dict[str, Any]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    dashboard, throughput = section.get("dashboard"), section.get("throughput")
    if dashboard:
        agency = section["slowest_agency"]
        rows += [
            (f"slowest agency alone ({agency}, {section['delays_ms'][agency]} ms delay)",
             _ms(dashboard["slowest_ms"]), "1.00", "", ""),
            (f"dashboard {DASHBOARD_PATH}, {dashboard['queries']} queries at once",
             _ms(dashboard["page_ms"]), f"{dashboard['ratio']:.2f}", f"≤ {RATIO_TARGET:.2f}",
             dashboard["verdict"]),
            ("the same queries one after the other", _ms(dashboard["sequential_ms"]),
             f"{dashboard['sequential_ratio']:.2f}", "—", "—"),
        ]  # fmt: skip
    if throughput:
        rows += [
            (f"signed queries/s (exchange_fetch, {throughput['per_call']} at once)",
             f"{throughput['queries_per_s']:,.0f} /s", "", "—", "—"),
            ("sign_request + verify_request pairs/s (in-process)",
             f"{throughput['request_pairs_per_s']:,.0f} /s", "", "—", "—"),
        ]  # fmt: skip
    return rows


def _isolation_rows(isolation: dict[str, Any]) -> list[tuple[str, ...]]:
    hang = isolation["hang_agency"]
    rows: list[tuple[str, ...]] = []
    for row in isolation["rows"]:
        failed = f" ({row['failed_requests']} non-200/errors)" if row["failed_requests"] else ""
        rows.append(
            (f"{row['key']} page, dashboard load + {hang} hanging ÷ same load, none hanging",
             f"{row['hang_rps']:,.0f} ÷ {row['dashboard_rps']:,.0f} req/s",
             f"{row['ratio_hang_vs_control']:.0%}", f"≥ {ISOLATION_TARGET:.0%}",
             row["verdict"] + failed)
        )  # fmt: skip
    for row in isolation["rows"]:
        rows.append(
            (f"{row['key']} page, dashboard load + {hang} hanging ÷ page alone",
             f"{row['hang_rps']:,.0f} ÷ {row['alone_rps']:,.0f} req/s",
             f"{row['ratio_hang']:.0%}", "—", "—")
        )  # fmt: skip
        rows.append(
            (f"{row['key']} page, dashboard load, none hanging ÷ page alone",
             f"{row['dashboard_rps']:,.0f} req/s", f"{row['ratio_dashboard_only']:.0%}", "—", "—")
        )  # fmt: skip
    for condition, label in (("hang", f"{hang} hanging"), ("dashboard", "no hang")):
        load = isolation["dashboard_load"][condition]
        value = f"{load['rps']:.1f} req/s"
        if load["p50_ms"] is not None:
            value += f", p50 {_ms(load['p50_ms'])}, p99 {_ms(load['p99_ms'])}"
        if load["rounds_without_answers"]:
            value += f"; none done in {load['rounds_without_answers']} round(s)"
        errors = f"{load['failed_requests']} errors" if load["failed_requests"] else "—"
        rows.append((f"the dashboard load itself, {label}", value, "", "—", errors))
    return rows


def _population_rows(section: dict[str, Any]) -> list[tuple[str, ...]]:
    return [
        (f"population, {generated['requested_persons']:,} persons",
         f"{generated['seconds']:.2f} s (CPU {generated['cpu_s']:.2f} s), "
         f"peak {generated['peak_rss_mb']:.0f} MB", "", "—", "—")
        for generated in section.get("population", [])
    ]  # fmt: skip


def print_section(section: dict[str, Any]) -> None:
    print(
        f"\nOneWindow data exchange — {len(AGENCIES)} sandbox agencies on loopback answering "
        f"after {DELAY_MIN_MS}–{DELAY_MAX_MS} ms (fixed, no jitter); ratios taken per run or "
        "round, side by side, then the median\n"
    )
    header = ("measurement", "value", "ratio", "target", "pass/fail")
    rows = _exchange_rows(section)
    if section.get("isolation"):
        rows += _isolation_rows(section["isolation"])
    table = [header, *rows, *_population_rows(section)]
    base.print_table(table)
    if "error" in section:
        print(f"\n  The exchange benchmark could not finish: {section['error']}")
    print()
    for note in _notes(section):
        print("  " + note)


def _notes(section: dict[str, Any]) -> list[str]:
    notes = []
    dashboard, throughput = section.get("dashboard"), section.get("throughput")
    if dashboard:
        notes.append(
            f"Dashboard (median of {dashboard['runs']} runs): the page {_ms(dashboard['page_ms'])}"
            f" = exchange_fetch {_ms(dashboard['fetch_in_page_ms'])} + the rest of the view; "
            f"its slowest answer took {_ms(dashboard['max_answer_in_page_ms'])} (page ÷ that: "
            f"{dashboard['ratio_to_max_answer']:.2f})."
        )
        if dashboard["failed_queries"]:
            notes.append(f"{dashboard['failed_queries']} queries failed during the runs.")
    if throughput:
        notes.append(
            f"Per signed query: {throughput['portal_cpu_ms_per_query']:.1f} ms CPU in the "
            f"portal process, {throughput['sandbox_cpu_ms_per_query']:.1f} ms in the sandbox; "
            f"{throughput['response_pairs_per_s']:,.0f} sign_response + verify_response pairs/s;"
            f" answers: {', '.join(f'{k} {v}' for k, v in throughput['outcomes'].items())}."
        )
    if section.get("isolation"):
        notes += _isolation_notes(section["isolation"])
    return notes


def _isolation_notes(isolation: dict[str, Any]) -> list[str]:
    cpu = isolation["cpu_cores"]
    notes = [
        f"Other pages: {isolation['server']}, {isolation['workers']} workers, wrk 1 thread × "
        f"{isolation['connections']} connections, {isolation['duration_s']} s × "
        f"{isolation['rounds']} rounds; the dashboard load: a second wrk × "
        f"{isolation['dashboard_connections']} connections, a demo person's session, "
        "EXCHANGE_CACHE_SECONDS=0 (every view asks all agencies).",
        "CPU in use meanwhile (cores): "
        + "; ".join(
            f"{condition}: server {cpu[condition]['server']:.2f}, sandbox "
            f"{cpu[condition]['sandbox']:.2f}, whole machine {cpu[condition]['machine']:.2f}"
            for condition in CONDITIONS
        )
        + f" (of {os.cpu_count()}).",
    ]
    idle = isolation["dashboard_load"]["hang"]["rounds_without_answers"]
    if idle:
        notes.append(
            f"In {idle} of {isolation['rounds']} hang rounds the dashboard load completed no "
            "view: each was waiting for the hanging agency (EXCHANGE_TIMEOUT_SECONDS, not "
            "retried, until its worker's circuit opens), so those rounds "
            "measured the pages beside waiting views, not beside dashboard work; see "
            "per_round in the JSON."
        )
    failing = [row for row in isolation["rows"] if row["verdict"] != "pass"]
    if failing:
        notes.append(_why(isolation, failing))
    return notes


def _why(isolation: dict[str, Any], failing: list[dict[str, Any]]) -> str:
    """What the measurements say about a missed isolation target."""
    cpu = isolation["cpu_cores"]
    control = min(row["ratio_dashboard_only"] for row in failing)
    hang_vs_control = min(row["ratio_hang_vs_control"] for row in failing)
    text = (
        f"Why it fails: with every agency healthy the dashboard load alone leaves the pages "
        f"{control:.0%} of their throughput (the control rows); with "
        f"{isolation['hang_agency']} hanging they keep {hang_vs_control:.0%} of that"
    )
    if hang_vs_control >= ISOLATION_TARGET:
        text += ": the ratio holds; requests failed (see the errors column)."
    else:
        text += (
            ": the hang costs on top (until a worker's circuit opens after "
            "EXCHANGE_BREAKER_FAILURES failed queries, its dashboards wait "
            "EXCHANGE_TIMEOUT_SECONDS for it; see per_round in the JSON)."
        )
    alone, loaded = cpu["alone"]["server"], cpu["dashboard"]["server"]
    if loaded < alone:
        text += (
            f" Under the dashboard load the server used less CPU ({alone:.2f} → {loaded:.2f} "
            "cores) while serving fewer pages: its workers wait rather than compute."
        )
    return text


# --- the in-process half (python -m bench.exchange inprocess) ----------------------------


def inprocess_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.exchange inprocess")
    parser.add_argument("--sandbox-url", required=True)
    parser.add_argument("--sandbox-pid", type=int, required=True)
    parser.add_argument("--runs", type=int, default=7)
    arguments = parser.parse_args(argv)

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    from django.conf import settings

    if settings.DEBUG or settings.EXCHANGE_CACHE_SECONDS != 0:
        raise SystemExit("Needs DEBUG off and EXCHANGE_CACHE_SECONDS=0 (see bench/exchange.py).")
    bench = _InProcess(arguments.sandbox_url, arguments.sandbox_pid)
    result = {
        "service_code": bench.service_code(),
        "session_cookie": bench.session_cookie(),
        "dashboard": bench.dashboard(arguments.runs),
        "throughput": bench.throughput(),
    }
    protocol.emit(result)
    return 0


class _InProcess:
    """Django set up on the throwaway database; the sandbox's faults set from here."""

    def __init__(self, sandbox_url: str, sandbox_pid: int) -> None:
        from onewindow.exchange.services import Asker
        from onewindow.identity.models import Account

        self.sandbox_url, self.sandbox_pid = sandbox_url, sandbox_pid
        account = Account.objects.filter(personal_number=DEMO_PERSONS[0]).first()
        if account is None:
            account = Account.objects.create_user(
                username="bench-nino", password=None, personal_number=DEMO_PERSONS[0],
                first_name="Nino", last_name="Beridze", first_name_ka="ნინო",
                last_name_ka="ბერიძე",
            )  # fmt: skip
        self.account = account
        self.asker = Asker(
            kind="person", user=account.exchange_user, name="ნინო ბერიძე", purpose="self-view"
        )

    def service_code(self) -> str:
        from onewindow.catalog.selectors import catalog

        real = [service for service in catalog().services if not service.is_generated]
        if not real:
            raise SystemExit("The catalogue holds no services from catalog/*.yaml.")
        return str(real[0].code)

    def session_cookie(self) -> str:
        """A signed-in session of the demo account, as `Client.force_login` makes one."""
        from importlib import import_module

        from django.conf import settings
        from django.contrib.auth import (
            BACKEND_SESSION_KEY,
            HASH_SESSION_KEY,
            SESSION_KEY,
            load_backend,
        )

        # The first backend that can load a user (axes' backend, listed first, cannot).
        backend = next(
            path
            for path in settings.AUTHENTICATION_BACKENDS
            if hasattr(load_backend(path), "get_user")
        )
        store = import_module(settings.SESSION_ENGINE).SessionStore()
        store[SESSION_KEY] = self.account._meta.pk.value_to_string(self.account)
        store[BACKEND_SESSION_KEY] = backend
        store[HASH_SESSION_KEY] = self.account.get_session_auth_hash()
        store.save()
        return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"

    # part 1 ---------------------------------------------------------------------------

    def dashboard(self, runs: int) -> dict[str, Any]:
        from django.test import Client

        import onewindow.mydata.services as mydata

        _set_faults(self.sandbox_url, delay_faults())
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(self.account)
        calls: list[tuple[float, list[Any]]] = []
        original = mydata.exchange_fetch

        def recording(**kwargs: Any) -> list[Any]:  # observes the dashboard's answers
            started = time.perf_counter()
            answers = original(**kwargs)
            calls.append(((time.perf_counter() - started) * 1000, answers))
            return answers

        mydata.exchange_fetch = recording
        try:
            for _ in range(2):  # warm-up: templates, catalogue, keys, connections
                self._page(client)
            queries = [answer.query for answer in calls[-1][1]]
            slowest = next(query for query in queries if query.agency == SLOWEST_AGENCY)
            self._alone(slowest)
            measured = [self._dashboard_run(client, calls, queries, slowest) for _ in range(runs)]
        finally:
            mydata.exchange_fetch = original
        return _dashboard_result(measured, len(queries))

    def _page(self, client: Any) -> float:
        started = time.perf_counter()
        response = client.get(DASHBOARD_PATH)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"GET {DASHBOARD_PATH} answered {response.status_code}")
        return elapsed

    def _alone(self, query: Any) -> tuple[float, float, int]:
        """exchange_fetch of one query: wall ms, the answer's elapsed_ms, failures."""
        from onewindow.exchange.services import exchange_fetch

        started = time.perf_counter()
        (answer,) = exchange_fetch(queries=[query], asker=self.asker)
        return (time.perf_counter() - started) * 1000, answer.elapsed_ms, int(not answer.ok)

    def _dashboard_run(
        self, client: Any, calls: list[tuple[float, list[Any]]], queries: list[Any], slowest: Any
    ) -> dict[str, Any]:
        _, before, failed_before = self._alone(slowest)
        page_ms = self._page(client)
        fetch_ms, answers = calls[-1]
        _, after, failed_after = self._alone(slowest)
        started = time.perf_counter()
        sequential = [self._alone(query) for query in queries]
        sequential_ms = (time.perf_counter() - started) * 1000
        failed = sum(not answer.ok for answer in answers) + failed_before + failed_after
        return {
            "slowest_ms": (before + after) / 2,
            "slowest_before_ms": before,
            "slowest_after_ms": after,
            "page_ms": page_ms,
            "fetch_in_page_ms": fetch_ms,
            "max_answer_in_page_ms": max(answer.elapsed_ms for answer in answers),
            "sequential_ms": sequential_ms,
            "sequential_answers_ms": sum(elapsed for _, elapsed, _ in sequential),
            "failed_queries": failed + sum(failures for _, _, failures in sequential),
        }

    # part 2 ---------------------------------------------------------------------------

    def throughput(self, per_call: int = 50, calls: int = 9) -> dict[str, Any]:
        from onewindow.exchange.services import Query, exchange_fetch
        from onewindow.mydata.informational import SERVICE_OPERATIONS
        from owexchange import Subject

        _set_faults(self.sandbox_url, {})
        operations = list(dict.fromkeys(op for ops in SERVICE_OPERATIONS.values() for op in ops))
        pool = [
            Query(op.agency, op.name, Subject(type="person", id=person), {})
            for person in DEMO_PERSONS
            for op in operations
        ]
        exchange_fetch(queries=pool[:per_call], asker=self.asker)  # warm-up
        rates, outcomes = [], {}
        cpu_before, sandbox_before = _own_cpu(), _process_cpu(self.sandbox_pid)
        for call in range(calls):
            start = call * per_call % len(pool)
            batch = (pool[start:] + pool)[:per_call]
            started = time.perf_counter()
            answers = exchange_fetch(queries=batch, asker=self.asker)
            rates.append(per_call / (time.perf_counter() - started))
            for answer in answers:
                reason = "ok" if answer.ok else answer.error.reason if answer.error else "no-data"
                outcomes[reason] = outcomes.get(reason, 0) + 1
        queries = per_call * calls
        portal_cpu = (_own_cpu() - cpu_before) * 1000 / queries
        sandbox_cpu = (_process_cpu(self.sandbox_pid) - sandbox_before) * 1000 / queries
        pairs = _pairs_per_second()
        return {
            "per_call": per_call,
            "calls": calls,
            "queries_per_s": statistics.median(rates),
            "queries_per_s_calls": [round(rate, 1) for rate in rates],
            "portal_cpu_ms_per_query": round(portal_cpu, 2),
            "sandbox_cpu_ms_per_query": round(sandbox_cpu, 2),
            "outcomes": outcomes,
            **pairs,
        }


def _dashboard_result(measured: list[dict[str, Any]], queries: int) -> dict[str, Any]:
    def median(key: str) -> float:
        return statistics.median(run[key] for run in measured)

    ratios = [run["page_ms"] / run["slowest_ms"] for run in measured]
    failed = sum(run["failed_queries"] for run in measured)
    ratio = statistics.median(ratios)
    verdict = "pass" if ratio <= RATIO_TARGET and not failed else "FAIL"
    return {
        "queries": queries,
        "runs": len(measured),
        "page_ms": median("page_ms"),
        "slowest_ms": median("slowest_ms"),
        "ratio": ratio,
        "target": RATIO_TARGET,
        "verdict": verdict,
        "fetch_in_page_ms": median("fetch_in_page_ms"),
        "max_answer_in_page_ms": median("max_answer_in_page_ms"),
        "ratio_to_max_answer": statistics.median(
            run["page_ms"] / run["max_answer_in_page_ms"] for run in measured
        ),
        "sequential_ms": median("sequential_ms"),
        "sequential_ratio": statistics.median(
            run["sequential_ms"] / run["slowest_ms"] for run in measured
        ),
        "failed_queries": failed,
        "per_run": [{key: round(value, 1) for key, value in run.items()} for run in measured],
    }


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)  # every thread of this process
    return usage.ru_utime + usage.ru_stime


def _process_cpu(pid: int) -> float:
    """utime + stime of another process, from /proc (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _pairs_per_second(seconds: float = 0.7, rounds: int = 3) -> dict[str, Any]:
    """owexchange alone: sign + verify of a request, and of a response, per second."""
    from django.conf import settings

    from owexchange import (
        ReplayCache,
        RequestMeta,
        TrustStore,
        load_private_key,
        sign_request,
        sign_response,
        verify_request,
        verify_response,
    )

    pki = Path(settings.EXCHANGE_PKI_DIR)
    portal_key, agency_key = load_private_key(pki, "portal"), load_private_key(pki, "revenue")
    trust, replay = TrustStore.load(pki), ReplayCache()
    body = b'{"subject":{"type":"person","id":"01001012345"},"parameters":{}}'
    url = "http://127.0.0.1:8100/revenue/v1/tax-debts"

    def request_pair() -> None:
        meta = RequestMeta(
            client="portal", request_id=str(uuid.uuid4()), user="person:01001012345",
            purpose="self-view",
        )  # fmt: skip
        headers = sign_request(method="POST", url=url, body=body, meta=meta, key=portal_key)
        verify_request(
            method="POST", url=url, headers=headers, body=body, trust=trust, replay=replay
        )

    def response_pair() -> None:
        request_id = str(uuid.uuid4())
        headers = sign_response(
            status=200, body=body, request_id=request_id, key=agency_key, key_id="revenue"
        )
        verify_response(
            status=200, headers=headers, body=body, request_id=request_id, signer="revenue",
            trust=trust,
        )  # fmt: skip

    return {
        "request_pairs_per_s": _rate(request_pair, seconds, rounds),
        "response_pairs_per_s": _rate(response_pair, seconds, rounds),
    }


def _rate(call: Callable[[], None], seconds: float, rounds: int, limit: int = 50_000) -> float:
    rates = []
    for _ in range(rounds):
        done, started = 0, time.perf_counter()
        while done < limit and time.perf_counter() - started < seconds:
            call()
            done += 1
        rates.append(done / (time.perf_counter() - started))
    return statistics.median(rates)


# --- standalone -----------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["inprocess"]:
        return inprocess_main(argv[1:])
    parser = options_parser()
    options = parser.parse_args(argv)
    _check_options(parser, options)
    protocol.stop_on_signals()
    return protocol.write_standalone("exchange", run(options=options))


if __name__ == "__main__":
    sys.exit(main())
