"""End-to-end submissions per second, with the PDF rendition (`make bench`, issue 5).

    python -m bench.submissions [--levels 1,8] [--rounds 3] [--alone 4] [--each 2]

The portal served as in production (gunicorn + uvicorn workers, bench/settings.py, its own
throwaway SQLite database: bench/run.py's, or one prepared here), the sandbox agencies
(the form's prefill and look-up go through the signed exchange, as in production) and the
job worker (`manage.py db_worker`, as `make run` starts it) that renders the PDF/A
renditions. Signed-in citizens (accounts of the sandbox's adults with the terms accepted,
and a session each, made directly in the throwaway database) each do the real journey over
HTTP with httpx: start the service (the change of address, with its sample answers from
catalog/forms/samples/), GET and POST every page with the form's CSRF token, the check
page, "Accept and send", the confirmation page.

Each round runs every concurrency level in turn (the order alternating between rounds):
level 1 is one citizen doing `--alone` submissions one after the other, level N is N
citizens doing `--each` at once. For a level: submissions/s accepted (the last
confirmation page), submissions/s completed (the last application's PDF stored), both
counted from the round's first request; the median latency of one submission (the whole
journey, and the submit POST alone). The round then waits until the job queue is empty,
so that rounds do not overlap. The table gives medians over the rounds and the ratio of a
submission's latency under load to alone (per-round ratios, then their median).

What bounds it, measured in the same run: one PDF rendered alone (in-process, nothing else
running: ms and pages), and the worker's own time per PDF job under load (from the job
table). A submission that fails stops the benchmark (the section gets an `error`); at the
end the number of applications and PDFs in the database must equal the submissions made.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import exchange, protocol  # noqa: E402
from bench import run as base  # noqa: E402

SERVICE = "address-change"
LANGUAGE = "ka"
TIMEOUT_S = 60.0
MAX_PAGES = 20
QUEUE_TIMEOUT_S = 180.0


class SubmissionFailed(base.BenchError):
    """A journey did not end on its confirmation page: the benchmark stops (a benchmark
    that timed failures would be wrong)."""


def options_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.submissions", description=__doc__)
    parser.add_argument("--levels", default="1,8", help="concurrent citizens, comma-separated")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--alone", type=int, default=4, help="submissions at level 1, per round")
    parser.add_argument("--each", type=int, default=2, help="submissions per citizen, level > 1")
    parser.add_argument("--warmups", type=int, default=1, help="untimed submissions first")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--pdf-times", type=int, default=5, help="renders of the PDF alone")
    parser.add_argument("--service", default=SERVICE, help="a service with sample answers")
    return parser


def _check_options(parser: argparse.ArgumentParser, options: argparse.Namespace) -> None:
    levels = _levels(options)
    if not levels or levels[0] < 1 or levels[-1] > 32 or not 1 <= options.rounds <= 9:
        parser.error("keep --levels within 1-32 and --rounds within 1-9")
    if not (1 <= options.alone <= 50 and 1 <= options.each <= 20 and 0 <= options.warmups <= 10):
        parser.error("keep --alone within 1-50, --each within 1-20, --warmups within 0-10")
    if not (ROOT / "catalog" / "forms" / "samples" / f"{options.service}.yaml").is_file():
        parser.error(f"no sample answers: catalog/forms/samples/{options.service}.yaml")


def _levels(options: argparse.Namespace) -> list[int]:
    return sorted({int(level) for level in str(options.levels).split(",") if level.strip()})


# --- the orchestration (no Django in this process) ------------------------------------


def run(
    report: dict[str, Any] | None = None,
    *,
    environment: dict[str, str] | None = None,
    workdir: Path | None = None,
    options: argparse.Namespace | None = None,
) -> dict[str, Any]:
    """Measure, print the table, put the results in `report["submissions"]`.

    With `environment` (bench/run.py's: a throwaway database with the catalogue and the
    static files) that database is used; without, one is prepared in a temporary folder.
    Never raises for a benchmark that could not run: the section then has an "error".
    """
    options = options or options_parser().parse_args([])
    started = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="submissions-", dir=workdir))
    section: dict[str, Any] = {"service": options.service, "levels": _levels(options)}
    processes: dict[str, subprocess.Popen[bytes]] = {}
    try:
        if environment is None:
            environment = base._environment(folder)
            exchange._prepare_database(environment)
        sandbox, url = exchange._start_sandbox(environment, folder)
        processes["sandbox"] = sandbox
        environment = {
            **environment,
            "EXCHANGE_SANDBOX_URL": url,
            "EXCHANGE_PKI_DIR": str(folder / "pki"),
            "EXCHANGE_AGENCY_URLS": "",
        }
        prepared = _prepare(environment, options)
        bench = _Bench(environment, folder, prepared, options, processes)
        section.update(bench.measure())
        bench.stop_serving()
        section["pdf_alone"] = _pdf_alone(environment, bench.references[-1], options.pdf_times)
        section["database"] = _count(environment, bench.references, section)
    except base.BenchError as error:
        section["error"] = str(error)
    finally:
        for process in processes.values():
            base._stop_server(process)
        shutil.rmtree(folder, ignore_errors=True)
    section["seconds"] = round(time.monotonic() - started, 1)
    if report is not None:
        report["submissions"] = section
    print_section(section)
    return section


def _module(environment: dict[str, str], arguments: list[str], timeout: int) -> dict[str, Any]:
    """Run `python -m bench.submissions <arguments>` in the portal's environment; its
    BENCH_JSON line."""
    output = base._run(
        [sys.executable, "-m", "bench.submissions", *arguments], environment, timeout
    )
    result = protocol.parse(output)
    if result is None:
        raise base.BenchError(f"bench.submissions {arguments[0]} printed no result:\n{output}")
    return result


def _prepare(environment: dict[str, str], options: argparse.Namespace) -> dict[str, Any]:
    step = base._Step("submissions: citizens, sessions, sample answers")
    citizens = max(_levels(options))
    prepared = _module(
        environment,
        ["prepare", "--citizens", str(citizens), "--service", options.service],
        timeout=180,
    )
    step.done(f"{citizens} citizens, {len(prepared['raw'])} answer inputs")
    return prepared


def _pdf_alone(environment: dict[str, str], reference: str, times: int) -> dict[str, Any]:
    step = base._Step(f"submissions: one PDF rendered alone ({times} times, in-process)")
    result = _module(
        environment, ["pdf", "--reference", reference, "--times", str(times)], timeout=300
    )
    step.done(f"{result['median_ms']:.0f} ms, {result['pages']} page(s)")
    return result


def _count(
    environment: dict[str, str], references: list[str], section: dict[str, Any]
) -> dict[str, Any]:
    """Every submission made an application with its PDF, and nothing else did."""
    counted = _module(environment, ["count"], timeout=120)
    made = len(set(references))
    if made != len(references):
        raise SubmissionFailed(f"{len(references)} confirmations but {made} references")
    if counted["applications"] != made or counted["with_pdf"] != made:
        raise SubmissionFailed(
            f"{made} submissions confirmed, but the database holds {counted['applications']} "
            f"applications, {counted['with_pdf']} with a PDF"
        )
    return {**counted, "submissions": made}


@dataclass
class _Journey:
    """One submission as the client saw it (times: time.monotonic())."""

    started: float
    submitted: float = 0.0  # the submit POST sent
    confirmed: float = 0.0  # the confirmation page received
    reference: str = ""
    requests: int = 0
    submit_ms: float = 0.0

    @property
    def latency_ms(self) -> float:
        return (self.confirmed - self.started) * 1000


@dataclass
class _Round:
    level: int
    journeys: list[_Journey] = field(default_factory=list)
    started: float = 0.0
    pdfs_done: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)


class _Bench:
    """The server, the job worker and the citizens of one measurement."""

    def __init__(
        self,
        environment: dict[str, str],
        folder: Path,
        prepared: dict[str, Any],
        options: argparse.Namespace,
        processes: dict[str, subprocess.Popen[bytes]],
    ) -> None:
        self.environment, self.folder, self.options = environment, folder, options
        self.processes = processes
        self.raw: dict[str, list[str]] = prepared["raw"]
        self.sessions: list[str] = prepared["sessions"]
        self.cookie_names: dict[str, str] = prepared["cookies"]
        self.database = Path(environment["ONEWINDOW_VAR_DIR"]) / "onewindow.sqlite3"
        self.references: list[str] = []
        self.lock = threading.Lock()
        self.base = ""

    def measure(self) -> dict[str, Any]:
        step = base._Step("submissions: server and job worker")
        port = base._free_port()
        server, _command, stack = base._start_server(
            self.environment, self.folder, port, self.options.workers
        )
        self.processes["server"] = server
        base._wait_until_healthy(server, port, self.folder)
        self.processes["worker"] = self._start_worker()
        self.base = f"http://127.0.0.1:{port}"
        step.done(f"{stack}, {self.options.workers} workers, port {port}; db_worker")
        for number in range(self.options.warmups):  # templates, catalogue, connections
            self._round(1, 1, citizen_offset=number % len(self.sessions))
        levels = _levels(self.options)
        step = base._Step(
            f"submissions: {self.options.rounds} rounds × levels {levels} "
            f"({self.options.alone} alone, {self.options.each} per citizen above)"
        )
        rounds: list[dict[int, _Round]] = []
        for number in range(self.options.rounds):
            measured: dict[int, _Round] = {}
            for level in levels if number % 2 == 0 else reversed(levels):
                each = self.options.alone if level == 1 else self.options.each
                measured[level] = self._round(level, each)
            rounds.append(measured)
            print(
                f"bench:   round {number + 1}: "
                + ", ".join(
                    f"{level}: {_accepted(measured[level]):.2f}/s accepted, "
                    f"{_completed(measured[level]):.2f}/s with PDF"
                    for level in levels
                ),
                flush=True,
            )
        step.done("done")
        return _summary(rounds, levels, self._pdf_jobs(), self.options)

    def stop_serving(self) -> None:
        for name in ("server", "worker"):
            process = self.processes.pop(name, None)
            if process is not None:
                base._stop_server(process)

    def _start_worker(self) -> subprocess.Popen[bytes]:
        command = [
            sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--interval", "1",
            "--no-reload", "--no-startup-delay",
        ]  # fmt: skip
        with (self.folder / "worker.log").open("wb") as log:
            return subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group, stopped as a whole
            )

    def _groups(self) -> dict[str, int]:
        return {name: process.pid for name, process in self.processes.items()}

    def _round(self, level: int, each: int, citizen_offset: int = 0) -> _Round:
        measured = _Round(level=level)
        before = exchange._cpu_seconds(self._groups())
        client_before = time.process_time()
        measured.started = time.monotonic()
        with ThreadPoolExecutor(max_workers=level) as pool:
            futures = [
                pool.submit(self._citizen, self.sessions[citizen_offset + n], each)
                for n in range(level)
            ]
            for future in futures:
                measured.journeys.extend(future.result())
        references = [journey.reference for journey in measured.journeys]
        measured.pdfs_done = self._wait_for_pdfs(references)
        after = exchange._cpu_seconds(self._groups())
        measured.cpu = {name: after[name] - before[name] for name in after}
        measured.cpu["client"] = time.process_time() - client_before
        self._wait_for_queue()
        with self.lock:
            self.references.extend(references)
        return measured

    def _citizen(self, session: str, count: int) -> list[_Journey]:
        browser = _Browser(self.base, {self.cookie_names["session"]: session})
        try:
            return [self._journey(browser) for _ in range(count)]
        finally:
            browser.close()

    def _journey(self, browser: _Browser) -> _Journey:
        """One submission, as a person's browser makes it (redirects followed by hand)."""
        journey = _Journey(started=time.monotonic())
        start = f"/{LANGUAGE}/apply/{self.options.service}/"
        location = browser.expect(browser.get(start), 302, start)
        for _ in range(MAX_PAGES):
            if re.search(r"/apply/draft/[0-9a-f-]+/check/$", urlsplit(location).path):
                break
            page = browser.get(location)
            form = _Form.find(browser.expect_page(page, location), location)
            answers = {name: self.raw[name] for name in form.names if name in self.raw}
            posted = browser.post(location, {**form.hidden, **answers})
            location = browser.expect(posted, 302, f"POST {location}")
        else:
            raise SubmissionFailed(f"no check page after {MAX_PAGES} pages")
        check = browser.get(location)
        form = _Form.find(browser.expect_page(check, location), location, "/submit/")
        journey.submitted = time.monotonic()
        submitted = browser.post(form.action, form.hidden)
        journey.submit_ms = (time.monotonic() - journey.submitted) * 1000
        confirmation = browser.expect(submitted, 302, f"POST {form.action}")
        found = re.search(r"/applications/([^/]+)/submitted/$", urlsplit(confirmation).path)
        if found is None:
            raise SubmissionFailed(f"the submit went to {confirmation}, not a confirmation")
        browser.expect_page(browser.get(confirmation), confirmation)
        journey.confirmed = time.monotonic()
        journey.reference = found.group(1)
        journey.requests = browser.requests
        browser.requests = 0
        return journey

    def _query(self, sql: str, parameters: list[Any]) -> int:
        """One number from the throwaway database (read-only; SQLite in WAL mode)."""
        with sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=10) as db:
            return int(db.execute(sql, parameters).fetchone()[0])

    def _wait_for_pdfs(self, references: list[str]) -> float:
        marks = ",".join("?" * len(references))
        sql = (
            "SELECT count(*) FROM applications_application "  # noqa: S608 (no outside input)
            f"WHERE reference IN ({marks}) AND pdf <> ''"
        )
        deadline = time.monotonic() + QUEUE_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._query(sql, references) == len(references):
                return time.monotonic()
            self._alive()
            time.sleep(0.02)
        raise SubmissionFailed(f"the PDFs were not rendered within {QUEUE_TIMEOUT_S:.0f} s")

    def _wait_for_queue(self) -> None:
        """Every job done (delivery to the agency, notifications): rounds do not overlap."""
        sql = (
            "SELECT count(*) FROM django_tasks_database_dbtaskresult "
            "WHERE status IN ('READY', 'RUNNING')"
        )
        deadline = time.monotonic() + QUEUE_TIMEOUT_S
        while self._query(sql, []) and time.monotonic() < deadline:
            self._alive()
            time.sleep(0.05)
        failed = self._query(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'FAILED'", []
        )
        if failed:
            raise SubmissionFailed(f"{failed} jobs failed:\n{self._log('worker.log')}")

    def _alive(self) -> None:
        for name in ("server", "worker"):
            process = self.processes.get(name)
            if process is not None and process.poll() is not None:
                raise SubmissionFailed(f"the {name} exited:\n{self._log(f'{name}.log')}")

    def _log(self, name: str) -> str:
        try:
            return (self.folder / name).read_text(errors="replace")[-3000:]
        except OSError:
            return f"(no {name})"

    def _pdf_jobs(self) -> dict[str, Any]:
        """The worker's own time per PDF job (started → finished), all rounds."""
        with sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=10) as db:
            rows = db.execute(
                "SELECT (julianday(finished_at) - julianday(started_at)) * 86400000 "
                "FROM django_tasks_database_dbtaskresult "
                "WHERE task_path LIKE '%render_application_pdf' AND finished_at IS NOT NULL"
            ).fetchall()
        times = [float(row[0]) for row in rows if row[0] is not None]
        if not times:
            return {"jobs": 0}
        return {"jobs": len(times), "median_ms": statistics.median(times), "max_ms": max(times)}


class _Browser:
    """One citizen's browser: a connection pool and the portal's cookies, kept and sent as
    Chromium does for http://127.0.0.1 (a secure context, so the production settings'
    Secure `__Host-` cookies are sent; httpx's own jar would not send them over http)."""

    def __init__(self, base_url: str, cookies: dict[str, str]) -> None:
        import httpx

        self.base = base_url
        self.client = httpx.Client(
            base_url=base_url, trust_env=False, timeout=TIMEOUT_S, follow_redirects=False
        )
        self.cookies = dict(cookies)
        self.requests = 0

    def close(self) -> None:
        self.client.close()

    def get(self, url: str) -> Any:
        return self._request("GET", url)

    def post(self, url: str, data: dict[str, Any]) -> Any:
        headers = {"Origin": self.base, "Referer": urljoin(self.base, url)}
        return self._request("POST", url, data=data, headers=headers)

    def _request(self, method: str, url: str, **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", {}))
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        response = self.client.request(method, url, headers=headers, **kwargs)
        self.requests += 1
        self.client.cookies.clear()  # kept here instead (see the class's docstring)
        for header in response.headers.get_list("set-cookie"):
            pair, _, attributes = header.partition(";")
            name, _, value = pair.strip().partition("=")
            if not value or re.search(r"(?i)(^|;)\s*max-age=0\s*(;|$)", attributes):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return response

    @staticmethod
    def expect(response: Any, status: int, what: str) -> str:
        """The redirect's target (for a 3xx), after checking the status."""
        if response.status_code != status:
            raise SubmissionFailed(
                f"{what}: {response.status_code}, not {status}: {_why(response.text)}"
            )
        return str(response.headers.get("location", ""))

    def expect_page(self, response: Any, what: str) -> str:
        self.expect(response, 200, what)
        return str(response.text)


def _why(html: str) -> str:
    """A page's error summary as text (what the person would read), else its start."""
    found = re.search(r'class="govuk-error-summary.*?</ul>', html, re.DOTALL)
    if found is None:
        return repr(html[:800])
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(0)).split())[:800]


@dataclass
class _Form:
    """A POST form of a page: its action, hidden inputs and the other inputs' names (the
    answers to send are those the page asks)."""

    action: str
    hidden: dict[str, str] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)

    @classmethod
    def find(cls, html: str, url: str, action: str = "") -> _Form:
        """The page's POST form whose action contains `action` (the page's own form: no
        action attribute); not the header's sign-out form."""
        reader = _Forms()
        reader.feed(html)
        reader.close()
        for form in reader.forms:
            matches = action in form.action if action else not form.action
            if matches and "csrfmiddlewaretoken" in form.hidden:
                form.action = form.action or url
                return form
        raise SubmissionFailed(f"{url}: no POST form {action or '(to itself)'} with a CSRF token")


class _Forms(HTMLParser):
    """Every POST form of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[_Form] = []
        self.inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form" and values.get("method", "get").lower() == "post":
            self.inside = True
            self.forms.append(_Form(action=values.get("action", "")))
        elif self.inside and tag in ("input", "textarea", "select") and values.get("name"):
            form = self.forms[-1]
            if values.get("type") == "hidden":
                form.hidden[values["name"]] = values.get("value", "")
            elif values.get("type") not in ("submit", "button", "file"):
                form.names.add(values["name"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


# --- the numbers ------------------------------------------------------------------------


def _accepted(measured: _Round) -> float:
    last = max(journey.confirmed for journey in measured.journeys)
    return len(measured.journeys) / (last - measured.started)


def _completed(measured: _Round) -> float:
    return len(measured.journeys) / (measured.pdfs_done - measured.started)


def _summary(
    rounds: list[dict[int, _Round]],
    levels: list[int],
    pdf_jobs: dict[str, Any],
    options: argparse.Namespace,
) -> dict[str, Any]:
    alone = levels[0]
    result: dict[str, Any] = {"rounds": options.rounds, "per_level": {}, "pdf_jobs": pdf_jobs}
    for level in levels:
        runs = [measured[level] for measured in rounds]
        latency = [statistics.median(j.latency_ms for j in run.journeys) for run in runs]
        submit = [statistics.median(j.submit_ms for j in run.journeys) for run in runs]
        ratio = [
            statistics.median(j.latency_ms for j in measured[level].journeys)
            / statistics.median(j.latency_ms for j in measured[alone].journeys)
            for measured in rounds
        ]
        submit_ratio = [
            statistics.median(j.submit_ms for j in measured[level].journeys)
            / statistics.median(j.submit_ms for j in measured[alone].journeys)
            for measured in rounds
        ]
        cpu = {
            name: statistics.median(run.cpu[name] / (run.pdfs_done - run.started) for run in runs)
            for name in runs[0].cpu
        }
        result["per_level"][str(level)] = {
            "submissions_per_round": len(runs[0].journeys),
            "requests_per_submission": statistics.median(
                j.requests for run in runs for j in run.journeys
            ),
            "accepted_per_s": statistics.median(_accepted(run) for run in runs),
            "completed_per_s": statistics.median(_completed(run) for run in runs),
            "latency_ms": statistics.median(latency),
            "submit_ms": statistics.median(submit),
            "latency_ratio_to_alone": statistics.median(ratio),
            "submit_ratio_to_alone": statistics.median(submit_ratio),
            "cpu_cores": cpu,  # CPU seconds per second of the round, by process group
            "rounds": [
                {
                    "accepted_per_s": round(_accepted(run), 3),
                    "completed_per_s": round(_completed(run), 3),
                    "latency_ms": round(value, 1),
                }
                for run, value in zip(runs, latency, strict=True)
            ],
        }
    return result


def print_section(section: dict[str, Any]) -> None:
    print(
        "\nSubmissions end to end — the journey over HTTP (every page, check, submit, "
        f"confirmation) of “{section['service']}”, the PDF/A by the job worker; "
        "medians over the rounds\n"
    )
    if "error" in section and "per_level" not in section:
        print(f"  could not run: {section['error']}")
        return
    header = [
        "citizens at once",
        "submissions",
        "accepted/s",
        "with PDF/s",
        "latency ms",
        "submit ms",
        "latency ÷ alone",
    ]
    table = [header]
    for level, row in section["per_level"].items():
        table.append(
            [
                level,
                str(row["submissions_per_round"]),
                f"{row['accepted_per_s']:.2f}",
                f"{row['completed_per_s']:.2f}",
                f"{row['latency_ms']:.0f}",
                f"{row['submit_ms']:.0f}",
                f"{row['latency_ratio_to_alone']:.2f}",
            ]
        )
    pdf = section.get("pdf_alone")
    if pdf:
        table.append(
            [
                "bound: 1 PDF alone",
                "1",
                "—",
                f"{1000 / pdf['median_ms']:.2f}",
                f"{pdf['median_ms']:.0f}",
                "—",
                "—",
            ]
        )
    base.print_table(table)
    for line in _notes(section):
        print("  " + line)
    if "error" in section:
        print(f"\n  could not finish: {section['error']}")


_GROUPS = {"machine": "whole machine (anyone's)", "client": "client (this process)"}


def _notes(section: dict[str, Any]) -> list[str]:
    notes = []
    levels = list(section["per_level"].values())
    top = levels[-1]
    notes.append(
        f"\n  {top['requests_per_submission']:.0f} HTTP requests per submission; accepted/s: "
        "submissions ÷ (first request → last confirmation page), with PDF/s: ÷ (first "
        "request → last PDF stored); latency: one whole journey; no target (issue 5)."
    )
    pdf, jobs = section.get("pdf_alone"), section.get("pdf_jobs", {})
    if pdf:
        per_second = 1000 / pdf["median_ms"]
        notes.append(
            f"Bound: one PDF rendered alone takes {pdf['median_ms']:.0f} ms "
            f"({pdf['pages']} page(s), {pdf['bytes'] / 1024:.0f} KiB; "
            f"{pdf['pages'] * per_second:.1f} pages/s); one db_worker renders one at a time, "
            f"so at most {per_second:.2f} PDFs/s"
            + (
                f"; under load its PDF jobs took {jobs['median_ms']:.0f} ms each (median of "
                f"{jobs['jobs']})"
                if jobs.get("jobs")
                else ""
            )
            + "."
        )
    cpu = top["cpu_cores"]
    notes.append(
        "CPU cores used at the top level (CPU s ÷ round s): "
        + ", ".join(f"{_GROUPS.get(name, name)} {value:.2f}" for name, value in cpu.items())
        + " — the client runs on the same machine."
    )
    database = section.get("database")
    if database:
        notes.append(
            f"Checked: {database['submissions']} submissions, {database['applications']} "
            f"applications, {database['with_pdf']} PDFs in the database."
        )
    return notes


# --- the in-process parts (python -m bench.submissions prepare|pdf|count) ---------------


def _django() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()


def prepare_main(argv: list[str]) -> int:
    """Citizens (the sandbox's adults, terms accepted) with a session each, and the
    sample's answers as the POST inputs that give them."""
    parser = argparse.ArgumentParser(prog="python -m bench.submissions prepare")
    parser.add_argument("--citizens", type=int, required=True)
    parser.add_argument("--service", required=True)
    arguments = parser.parse_args(argv)
    _django()
    from django.conf import settings

    import yaml

    from onewindow.applications.drafts import form_of
    from onewindow.catalog.models import Service

    service = Service.objects.filter(code=arguments.service, is_active=True).first()
    schema = form_of(service) if service is not None else None
    if schema is None:
        raise SystemExit(f"{arguments.service}: no such service with a form in the database")
    sample_path = ROOT / "catalog" / "forms" / "samples" / f"{arguments.service}.yaml"
    sample = yaml.safe_load(sample_path.read_text("utf-8"))
    if sample.get("needs_file") or sample.get("acting_for"):
        raise SystemExit(f"{arguments.service}: the sample needs files or a company")
    raw: dict[str, list[str]] = {}
    for page in schema.pages:
        for item in page.fields:
            if item.type != "file" and item.name in sample["answers"]:
                raw.update(_raw(item, item.name, sample["answers"][item.name]))
    sessions = [_session(account) for account in _citizens(arguments.citizens, sample)]
    result = {
        "raw": raw,
        "sessions": sessions,
        "cookies": {"session": settings.SESSION_COOKIE_NAME, "csrf": settings.CSRF_COOKIE_NAME},
    }
    protocol.emit(result)
    return 0


def _raw(item: Any, base_name: str, value: Any) -> dict[str, list[str]]:
    """A stored answer back as the POST inputs that give it (as the form engine reads)."""
    if item.type == "date":
        year, month, day = str(value).split("-")
        return {
            f"{base_name}-day": [day],
            f"{base_name}-month": [month],
            f"{base_name}-year": [year],
        }
    if item.type == "address":
        return {f"{base_name}-{part}": [str(text)] for part, text in value.items()}
    if item.type == "group":
        raw: dict[str, list[str]] = {}
        for index, entry in enumerate(value):
            for sub in item.fields:
                raw.update(_raw(sub, f"{base_name}-{index}-{sub.name}", entry[sub.name]))
        return raw
    if item.type == "checkboxes":
        return {base_name: [str(each) for each in value]}
    return {base_name: [str(value)]}


def _citizens(count: int, sample: dict[str, Any]) -> list[Any]:
    """Accounts of the sandbox's adults (the registries know them), as their first sign-in
    would have left them: the current terms accepted, no steps outstanding."""
    from django.db import transaction

    from onewindow.identity.models import Account, TermsAcceptance
    from onewindow.identity.steps import current_terms
    from sandbox import population

    people = population.generate(seed=exchange.SANDBOX_SEED, persons=exchange.SANDBOX_PERSONS)
    others = set(re.findall(r"\d{11}", json.dumps(sample, ensure_ascii=False)))
    adults = sorted(
        (person for person in people.persons.values() if not person.demo and person.age() >= 18),
        key=lambda person: person.personal_number,
    )
    chosen = [person for person in adults if person.personal_number not in others][:count]
    terms = current_terms()
    accounts = []
    with transaction.atomic():
        for person in chosen:
            account, _ = Account.objects.get_or_create(
                personal_number=person.personal_number,
                defaults={
                    "username": f"bench-{person.personal_number}",
                    "first_name": person.first_name_en,
                    "last_name": person.last_name_en,
                    "first_name_ka": person.first_name,
                    "last_name_ka": person.last_name,
                },
            )
            account.set_unusable_password()
            account.save()
            if terms is not None:
                TermsAcceptance.objects.get_or_create(
                    account=account, terms=terms, defaults={"user_agent": "bench/submissions.py"}
                )
            accounts.append(account)
    return accounts


def _session(account: Any) -> str:
    """A signed-in session of `account`, as `Client.force_login` makes one."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend

    # The first backend that can load a user (axes' backend, listed first, cannot).
    backend = next(
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")
    )
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = account._meta.pk.value_to_string(account)
    store[BACKEND_SESSION_KEY] = backend
    store[HASH_SESSION_KEY] = account.get_session_auth_hash()
    store.save()
    return str(store.session_key)


def pdf_main(argv: list[str]) -> int:
    """Render one submitted application's PDF `--times` times (after one untimed render):
    the renderer alone, nothing else running."""
    parser = argparse.ArgumentParser(prog="python -m bench.submissions pdf")
    parser.add_argument("--reference", required=True)
    parser.add_argument("--times", type=int, default=5)
    arguments = parser.parse_args(argv)
    _django()
    from onewindow.applications.models import Application
    from onewindow.applications.pdf import application_pdf

    application = Application.objects.select_related("service", "agency", "applicant").get(
        reference=arguments.reference
    )
    content = application_pdf(application)  # imports weasyprint, loads the fonts
    pages = _pages(application_pdf, application)
    timings = []
    for _ in range(arguments.times):
        started = time.perf_counter()
        content = application_pdf(application)
        timings.append((time.perf_counter() - started) * 1000)
    result = {
        "median_ms": statistics.median(timings),
        "min_ms": min(timings),
        "times": len(timings),
        "pages": pages,
        "bytes": len(content),
    }
    protocol.emit(result)
    return 0


def _pages(render: Any, application: Any) -> int:
    """The number of pages of the rendition: weasyprint's laid-out document, seen by
    wrapping its `write_pdf` for one render (the PDF's objects are compressed)."""
    from weasyprint import Document  # type: ignore[import-untyped]

    original = Document.write_pdf
    seen: list[int] = []

    def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(len(self.pages))
        return original(self, *args, **kwargs)

    Document.write_pdf = counting
    try:
        render(application)
    finally:
        Document.write_pdf = original
    return seen[-1] if seen else 0


def count_main(argv: list[str]) -> int:
    """The applications in the database, and how many have their PDF stored."""
    _django()
    from onewindow.applications.models import Application

    result = {
        "applications": Application.objects.count(),
        "with_pdf": Application.objects.exclude(pdf="").count(),
    }
    protocol.emit(result)
    return 0


# --- standalone -------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parts = {"prepare": prepare_main, "pdf": pdf_main, "count": count_main}
    if argv[:1] and argv[0] in parts:
        return parts[argv[0]](argv[1:])
    parser = options_parser()
    options = parser.parse_args(argv)
    _check_options(parser, options)
    protocol.stop_on_signals()
    return protocol.write_standalone("submissions", run(options=options))


if __name__ == "__main__":
    sys.exit(main())
