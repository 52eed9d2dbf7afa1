"""End-to-end ID-card sign-in time: bench/run.py runs it after the data-exchange section
(`identity.login` in bench/results/latest.json); `.venv/bin/python bench/idcard_login.py`
alone writes bench/results/idcard_login.json.

In a throwaway folder: a test PKI (`testpki.ensure`) and its OCSP responder (`python -m
testpki serve`), the demo cards on SoftHSM2 (`python -m cardagent provision`), and the
portal served as in production (gunicorn + uvicorn workers as bench/run.py starts them,
DEBUG off, its own migrated SQLite database) twice side by side: with the OCSP cache of
the default settings (IDCARD_OCSP_CACHE_SECONDS) and without (0). The accounts of Nino
(EC P-384) and Giorgi (RSA-2048) are made by a small Django program in the portal's
environment (`python -m bench.idcard_login accounts`), with the current terms accepted, so
that a sign-in has no steps. For each card in turn, the card agent serves that card alone
(`--card`) on CARDAGENT_URL; a few sign-ins warm up, then each sign-in alternates between
the two portals.

One sign-in is what the sign-in page's script (frontend/js/idcard.mjs) and the agent's
dialog do in a browser, over HTTP with httpx, as a new visitor: GET the sign-in page (its
CSRF cookie and token, the agent's and the endpoints' URLs); POST the challenge; the CORS
preflight and POST /v1/authenticate with the portal's Origin; GET the dialog and submit
its PIN form with the dialog's own fields, Origin and Referer; collect the token (GET
/v1/authenticate/<id>); POST it to the portal. The sign-in is complete when the portal
answers with the redirect and a new session cookie; that cookie must then open
/en/account/ (not timed). A sign-in that fails stops the benchmark: failures are not timed.
Every process runs in its own process group and is stopped, also on failure.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urljoin, urlsplit

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
for _path in (ROOT, ROOT / "src"):  # `python bench/idcard_login.py` puts only bench/ on it
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import httpx  # noqa: E402

from bench import protocol  # noqa: E402
from bench import run as base  # noqa: E402


@dataclass(frozen=True)
class BenchCard:
    label: str
    holder: str
    key: str


# Demo cards of the test PKI (src/testpki/demo.py): valid, with accounts made here.
CARDS = (
    BenchCard("card-01001012345", "Nino", "EC P-384"),
    BenchCard("card-01008057492", "Giorgi", "RSA-2048"),
)
# IDCARD_OCSP_CACHE_SECONDS of each portal: None leaves the settings' default.
MODES: dict[str, str | None] = {"cached": None, "uncached": "0"}
LANG = "en"
TIMEOUT_S = 30.0
# What is timed, in order; "agent" is the sum of the agent's parts.
AGENT_PARTS = ("agent_start", "dialog", "pin", "collect")
PARTS = ("page", "challenge", *AGENT_PARTS, "token")
PART_LABELS = {
    "total": "whole sign-in",
    "page": "sign-in page (GET)",
    "challenge": "challenge (POST)",
    "agent": "card agent (preflight … token collected)",
    "dialog": "  of which the dialog (GET; card checks, OCSP)",
    "pin": "  of which the PIN form (PIN check + signing)",
    "token": "token validation + sign-in (POST)",
}


class LoginFailed(base.BenchError):
    """A sign-in did not end signed in (the benchmark stops: failures are not timed)."""


def options_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="OneWindow end-to-end ID-card sign-in time.")
    parser.add_argument("--logins", type=int, default=40, help="measured sign-ins per card/mode")
    parser.add_argument("--warmups", type=int, default=4, help="sign-ins first, per card/mode")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    return parser


def _check_options(parser: argparse.ArgumentParser, options: argparse.Namespace) -> None:
    if not (5 <= options.logins <= 500 and 0 <= options.warmups <= 20):
        parser.error("keep --logins within 5-500 and --warmups within 0-20")
    if not 1 <= options.workers <= 8:
        parser.error("keep --workers within 1-8")


# --- the orchestration ----------------------------------------------------------------


def run(
    report: dict[str, Any] | None = None,
    *,
    workdir: Path | None = None,
    options: argparse.Namespace | None = None,
) -> dict[str, Any]:
    """Prepare, sign in, print the table; the results in `report["login"]` (when given).
    Never raises for a benchmark that could not run: the section has an "error"."""
    options = options or options_parser().parse_args([])
    started = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="idcard-login-", dir=workdir))
    section: dict[str, Any] = {"logins": options.logins, "warmups": options.warmups}
    load_before = os.getloadavg()[0]
    try:
        with ExitStack() as processes:
            section.update(_measure(folder, options, processes))
    except base.BenchError as error:
        section["error"] = str(error)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    section["seconds"] = round(time.monotonic() - started, 1)
    section["load_average_1min"] = [load_before, os.getloadavg()[0]]
    if report is not None:
        report["login"] = section
    print_section(section)
    return section


def _measure(folder: Path, options: argparse.Namespace, processes: ExitStack) -> dict[str, Any]:
    from testpki import ensure

    step = base._Step("identity: test PKI, OCSP responder, demo cards")
    pki = ensure(folder / "pki")
    ocsp_port = base._free_port()
    ocsp = _start(
        [sys.executable, "-m", "testpki", "serve", str(pki.directory), "--host", "127.0.0.1",
         "--port", str(ocsp_port)],
        folder / "ocsp.log", base._environment(folder / "ocsp"), processes,
    )  # fmt: skip
    ocsp_url = f"http://127.0.0.1:{ocsp_port}"
    _wait(ocsp, f"{ocsp_url}/health", folder / "ocsp.log")
    cards_dir = folder / "cards"
    base._run(
        [sys.executable, "-m", "cardagent", "provision", "--pki", str(pki.directory),
         "--into", str(cards_dir)],
        base._environment(folder / "provision"), timeout=300,
    )  # fmt: skip
    kind = json.loads((cards_dir / "cards-manifest.json").read_text())["kind"]
    by_label = {
        card["label"]: card for card in json.loads((pki.directory / "cards.json").read_text())
    }
    step.done(f"{ocsp_url}; {kind} cards in {cards_dir.name}/")

    agent_port = base._free_port()
    agent_url = f"http://127.0.0.1:{agent_port}"
    ports = {mode: base._free_port() for mode in MODES}
    origins = {mode: f"http://127.0.0.1:{port}" for mode, port in ports.items()}
    environment = {
        key: value
        for key, value in base._environment(folder / "portal").items()
        if key not in {"IDCARD_OCSP_CACHE_SECONDS", "IDCARD_OCSP_TIMEOUT_SECONDS"}  # defaults
    }
    environment |= {
        "IDCARD_PKI_DIR": str(pki.directory),
        "IDCARD_TRUSTED_CA_FILES": str(pki.directory / "idcard-ca.pem"),
        "IDCARD_OCSP_URL": f"{ocsp_url}/ocsp/idcard-ca",
        "CARDAGENT_URL": agent_url,
    }
    prepared = _prepare_portal(environment, pki.directory)
    step = base._Step(f"identity: two portals (OCSP cache on, off), {options.workers} workers")
    portals: dict[str, Portal] = {}
    for mode, cache in MODES.items():
        portal_environment = {**environment, "PORTAL_ORIGIN": origins[mode]}
        if cache is not None:
            portal_environment["IDCARD_OCSP_CACHE_SECONDS"] = cache
        logs = folder / mode
        logs.mkdir()
        server, _command, stack = base._start_server(
            portal_environment, logs, ports[mode], options.workers
        )
        processes.callback(base._stop_server, server)
        base._wait_until_healthy(server, ports[mode], logs)
        portals[mode] = Portal(mode, origins[mode], server, logs, prepared["cookies"])
    step.done(f"{stack}; {', '.join(f'{m} {p.origin}' for m, p in portals.items())}")

    results: dict[str, Any] = {}
    for card in CARDS:
        entry = by_label[card.label]
        step = base._Step(
            f"identity: {card.holder}'s card ({card.key}), {options.warmups} + {options.logins} "
            "sign-ins per mode"
        )
        with ExitStack() as agent_stack:
            log = folder / f"agent-{card.label}.log"
            agent = _start(
                [sys.executable, "-m", "cardagent", "serve", "--cards", str(cards_dir),
                 *(f"--origin={origin}" for origin in origins.values()), "--host", "127.0.0.1",
                 "--port", str(agent_port), "--ocsp-url", f"{ocsp_url}/ocsp/idcard-ca",
                 "--card", card.label],
                log, environment, agent_stack,
            )  # fmt: skip
            _wait(agent, f"{agent_url}/v1/status", log)
            person = Person(entry["personal_number"], str(entry["pin"]))
            samples = _sign_ins(portals, agent_url, person, options)
        results[card.label] = {
            "holder": card.holder,
            "key": card.key,
            "personal_number": entry["personal_number"],
            "modes": {mode: _summary(values) for mode, values in samples.items()},
        }
        cached, uncached = (results[card.label]["modes"][m]["total"] for m in MODES)
        step.done(
            f"median {cached['median_ms']:.0f} ms cached, {uncached['median_ms']:.0f} ms uncached"
        )
    return {
        "cards_kind": kind,
        "server": {"stack": stack, "workers": options.workers},
        "ocsp_cache_seconds": {
            mode: prepared["ocsp_cache_seconds"] if cache is None else int(cache)
            for mode, cache in MODES.items()
        },
        "terms_version": prepared["terms_version"],
        "cards": results,
    }


def _start(
    command: list[str], log: Path, environment: dict[str, str], stack: ExitStack
) -> subprocess.Popen[bytes]:
    """A process in its own group, stopped (the whole group) when `stack` closes."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    stack.callback(base._stop_server, process)
    return process


def _wait(process: subprocess.Popen[bytes], url: str, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise base.BenchError(f"{url} exited ({process.returncode}):\n{_tail(log)}")
        if base._healthy(url):
            return
        time.sleep(0.1)
    raise base.BenchError(f"{url} did not answer within {seconds:.0f} s:\n{_tail(log)}")


def _tail(path: Path) -> str:
    try:
        return path.read_text(errors="replace")[-3000:]
    except OSError:
        return f"(no {path.name})"


def _prepare_portal(environment: dict[str, str], pki_dir: Path) -> dict[str, Any]:
    step = base._Step("identity: the portal's database (migrate, static files, two accounts)")
    base._manage(environment, "migrate", "--no-input", "-v", "0")
    base._manage(environment, "collectstatic", "--no-input", "-v", "0")
    labels = [f"--label={card.label}" for card in CARDS]
    output = base._run(
        [sys.executable, "-m", "bench.idcard_login", "accounts", f"--pki={pki_dir}", *labels],
        environment,
        timeout=120,
    )
    prepared = protocol.parse(output)
    if prepared is None:
        raise base.BenchError(f"bench.idcard_login accounts printed no result:\n{output[-2000:]}")
    step.done(
        f"accounts {', '.join(prepared['accounts'])}, terms version {prepared['terms_version']} "
        "accepted"
    )
    return prepared


# --- one sign-in, as the browser does it ------------------------------------------------


@dataclass(frozen=True)
class Portal:
    mode: str
    origin: str
    server: subprocess.Popen[bytes]
    logs: Path
    cookies: dict[str, str]  # "session" and "csrf": the cookies' names (production: __Host-)


@dataclass(frozen=True)
class Person:
    personal_number: str
    pin: str


class _Page(HTMLParser):
    """What the script and a person use of a page: the ID-card element's data attributes
    and its CSRF token; the forms with their inputs and submit buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.idcard: dict[str, str] | None = None
        self.csrf_token: str | None = None
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if values.get("data-module") == "ow-idcard" and self.idcard is None:
            self.idcard = values
        if tag == "form":
            self.forms.append({"action": values.get("action", ""), "inputs": [], "buttons": []})
        elif tag == "input":
            if values.get("name") == "csrfmiddlewaretoken" and self.idcard is not None:
                self.csrf_token = self.csrf_token or values.get("value")
            if self.forms:
                self.forms[-1]["inputs"].append(values)
        elif tag == "button" and self.forms and values.get("type", "submit") == "submit":
            self.forms[-1]["buttons"].append(values)

    @classmethod
    def read(cls, html: str) -> _Page:
        page = cls()
        page.feed(html)
        page.close()
        return page


class _Visitor:
    """A new browser: one connection pool, and the portal's cookies kept as Chromium keeps
    them for http://127.0.0.1 (a secure context, so the Secure `__Host-` cookies of the
    production settings are stored and sent; httpx's cookie jar would not send them over
    http). The agent is fetched without credentials, as the script does."""

    def __init__(self) -> None:
        self.client = httpx.Client(trust_env=False, timeout=TIMEOUT_S, follow_redirects=False)
        self.cookies: dict[str, str] = {}
        self.times: dict[str, float] = {}

    def close(self) -> None:
        self.client.close()

    @contextmanager
    def timed(self, part: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self.times[part] = self.times.get(part, 0.0) + (time.perf_counter() - started) * 1000

    def portal(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        response = self.client.request(method, url, headers=headers, **kwargs)
        self.client.cookies.clear()  # kept here instead (see the class's docstring)
        for header in response.headers.get_list("set-cookie"):
            pair, _, attributes = header.partition(";")
            name, _, value = pair.strip().partition("=")
            if not value or re.search(r"(?i)(^|;)\s*max-age=0\s*(;|$)", attributes):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return response


def _expect(response: httpx.Response, status: int, what: str) -> None:
    if response.status_code != status:
        raise LoginFailed(f"{what}: {response.status_code}, not {status}: {response.text[:500]!r}")


def _json(response: httpx.Response, what: str) -> dict[str, Any]:
    try:
        answer = response.json()
    except ValueError as error:
        raise LoginFailed(f"{what}: not JSON: {response.text[:300]!r}") from error
    if not isinstance(answer, dict):
        raise LoginFailed(f"{what}: not a JSON object: {answer!r}")
    return answer


def _cors(response: httpx.Response, origin: str, what: str) -> None:
    """The browser lets the script read an answer of the agent only with these."""
    if response.headers.get("access-control-allow-origin") != origin:
        raise LoginFailed(f"{what}: no Access-Control-Allow-Origin for {origin}")


def sign_in(portal: Portal, agent_url: str, person: Person) -> dict[str, float]:
    """One sign-in; returns the milliseconds of each part. Raises LoginFailed."""
    visitor = _Visitor()
    try:
        times = _sign_in(visitor, portal, agent_url, person)
        _check_signed_in(visitor, portal, person)
        return times
    except httpx.HTTPError as error:
        raise LoginFailed(f"{type(error).__name__}: {error}") from error
    finally:
        visitor.close()


def _sign_in(visitor: _Visitor, portal: Portal, agent_url: str, person: Person) -> dict[str, float]:
    origin = portal.origin
    page_url = f"{origin}/{LANG}/sign-in/"
    with visitor.timed("page"):
        page = visitor.portal("GET", page_url, headers={"Accept": "text/html"})
    _expect(page, 200, f"GET {page_url}")
    found = _Page.read(page.text)
    if found.idcard is None or not found.csrf_token:
        raise LoginFailed("the sign-in page has no ID-card element or CSRF token")
    agent = found.idcard.get("data-agent-url", "").rstrip("/")
    if agent != agent_url:
        raise LoginFailed(f"the page names the agent {agent!r}, not {agent_url}")
    portal_headers = {
        "X-CSRFToken": found.csrf_token,
        "Accept": "application/json",
        "Origin": origin,
        "Referer": page_url,
    }
    challenge_url = urljoin(page_url, found.idcard["data-challenge-url"])
    with visitor.timed("challenge"):
        challenge = visitor.portal("POST", challenge_url, headers=portal_headers)
    _expect(challenge, 200, "POST the challenge")
    nonce = _json(challenge, "the challenge").get("nonce")
    session_before = visitor.cookies.get(portal.cookies["session"])

    client = visitor.client
    with visitor.timed("agent_start"):
        # fetch() with a JSON body is not a "simple" request: the browser asks first.
        preflight = client.options(
            f"{agent}/v1/authenticate",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )
        _expect(preflight, 204, "the agent's preflight")
        _cors(preflight, origin, "the agent's preflight")
        started = client.post(
            f"{agent}/v1/authenticate",
            json={"challengeNonce": nonce, "lang": LANG},
            headers={"Origin": origin},
        )
    _expect(started, 201, "POST /v1/authenticate")
    _cors(started, origin, "POST /v1/authenticate")
    request = _json(started, "POST /v1/authenticate")
    result_url = f"{agent}/v1/authenticate/{quote(str(request['id']), safe='')}"
    # The script's first poll runs beside the dialog's loading: checked, not timed.
    pending = client.get(result_url, headers={"Origin": origin})
    _cors(pending, origin, "the first poll")
    if _json(pending, "the first poll").get("status") != "pending":
        raise LoginFailed(f"the first poll: {pending.text[:300]!r}, not pending")

    dialog_url = str(request["dialogUrl"])
    with visitor.timed("dialog"):
        # A navigation of the window the script opened: no Origin; the page's referrer
        # policy (strict-origin-when-cross-origin) sends the portal's origin.
        dialog = client.get(dialog_url, headers={"Referer": f"{origin}/"})
    _expect(dialog, 200, "GET the agent's dialog")
    form = _pin_form(_Page.read(dialog.text))
    fields = {i["name"]: i.get("value", "") for i in form["inputs"] if i.get("type") == "hidden"}
    fields.update(pin=person.pin, action="continue")
    parts = urlsplit(dialog_url)
    with visitor.timed("pin"):
        submitted = client.post(
            urljoin(dialog_url, form["action"]),
            content=urlencode(fields),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"{parts.scheme}://{parts.netloc}",
                "Referer": dialog_url,  # the dialog's Referrer-Policy: same-origin
            },
        )
    _expect(submitted, 200, "the PIN form")
    if "data-close-after" not in submitted.text or "data-error-code" in submitted.text:
        said = re.findall(r'(?:field-error|error-message)"[^>]*>([^<]+)<', submitted.text)
        raise LoginFailed(f"the PIN form did not end with the done page: {said or '?'}")
    with visitor.timed("collect"):
        collected = client.get(result_url, headers={"Origin": origin})
    _cors(collected, origin, "the poll")
    result = _json(collected, "the poll")
    if result.get("status") != "done" or not isinstance(result.get("token"), dict):
        raise LoginFailed(f"the poll: {collected.text[:300]!r}, not done with a token")

    token_url = urljoin(page_url, found.idcard["data-token-url"])
    with visitor.timed("token"):
        answer = visitor.portal(
            "POST",
            token_url,
            json={"token": result["token"]},
            headers={**portal_headers, "Content-Type": "application/json"},
        )
    _expect(answer, 200, "POST the token")
    redirect = str(_json(answer, "the token's answer").get("redirect", ""))
    if not redirect.endswith("/my-data/"):
        raise LoginFailed(f"the token's answer leads to {redirect!r}, not My data (no steps)")
    session_after = visitor.cookies.get(portal.cookies["session"])
    if not session_after or session_after == session_before:
        raise LoginFailed("the token's answer set no new session cookie")
    times = visitor.times
    times["agent"] = sum(times[part] for part in AGENT_PARTS)
    times["total"] = sum(times[part] for part in PARTS)
    return times


def _pin_form(dialog: _Page) -> dict[str, Any]:
    """The dialog's PIN form (one card is in the reader: no card choice first)."""
    for form in dialog.forms:
        names = {i.get("name") for i in form["inputs"]}
        steps = {i.get("value") for i in form["inputs"] if i.get("name") == "step"}
        continues = [b for b in form["buttons"] if b.get("value") == "continue"]
        if "pin" in names and steps == {"pin"} and continues:
            return form
    raise LoginFailed("the agent's dialog shows no PIN form")


def _check_signed_in(visitor: _Visitor, portal: Portal, person: Person) -> None:
    """The new session cookie opens a signed-in page (not timed)."""
    url = f"{portal.origin}/{LANG}/account/"
    page = visitor.portal("GET", url, headers={"Accept": "text/html"})
    _expect(page, 200, f"GET {url} with the new session")
    if person.personal_number not in page.text:
        raise LoginFailed(f"{url} does not show {person.personal_number}")


def _sign_ins(
    portals: dict[str, Portal], agent_url: str, person: Person, options: argparse.Namespace
) -> dict[str, list[dict[str, float]]]:
    """Warm-ups, then the measured sign-ins, alternating between the portals (each
    iteration starts with the other one)."""
    modes = list(portals)
    for number in range(options.warmups):
        for mode in modes:
            try:
                sign_in(portals[mode], agent_url, person)
            except LoginFailed as failure:
                log = _tail(portals[mode].logs / "server.log")
                raise LoginFailed(f"warm-up {number + 1} ({mode}): {failure}\n{log}") from failure
    samples: dict[str, list[dict[str, float]]] = {mode: [] for mode in modes}
    for number in range(options.logins):
        for mode in modes if number % 2 == 0 else modes[::-1]:
            portal = portals[mode]
            try:
                samples[mode].append(sign_in(portal, agent_url, person))
            except LoginFailed as failure:
                log = _tail(portal.logs / "server.log")
                raise LoginFailed(f"sign-in {number + 1} ({mode}): {failure}\n{log}") from failure
            if portal.server.poll() is not None:
                log = _tail(portal.logs / "server.log")
                raise base.BenchError(f"the {mode} portal died:\n{log}")
    return samples


def _percentile(values: list[float], percent: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


def _summary(samples: list[dict[str, float]]) -> dict[str, Any]:
    parts = ("total", "page", "challenge", "agent", "dialog", "pin", "token", "agent_start")
    summary: dict[str, Any] = {}
    for part in (*parts, "collect"):
        values = [sample[part] for sample in samples]
        summary[part] = {
            "median_ms": round(statistics.median(values), 2),
            "p99_ms": round(_percentile(values, 99), 2),
            "min_ms": round(min(values), 2),
            "max_ms": round(max(values), 2),
        }
    summary["sign_ins"] = len(samples)
    summary["total_ms_each"] = [round(sample["total"], 1) for sample in samples]
    return summary


# --- the table --------------------------------------------------------------------------


def print_section(section: dict[str, Any]) -> None:
    if not section.get("cards"):
        print(f"\nOneWindow ID-card sign-in: could not run: {section.get('error', '?')}")
        return
    server = section["server"]
    cache = section["ocsp_cache_seconds"]
    print(
        f"\nOneWindow ID-card sign-in, end to end — {section['logins']} sign-ins per card and "
        f"mode after {section['warmups']} warm-ups, {server['stack']}, {server['workers']} "
        f"workers; OCSP cache {cache['cached']} s vs {cache['uncached']} s, measured "
        "alternately; ratio = uncached ÷ cached\n"
    )
    header = ("measurement", "median ms", "p99 ms", "ratio", "target")
    table = [header]
    for card in section.get("cards", {}).values():
        modes = card["modes"]
        for mode, summary in modes.items():
            for part, label in PART_LABELS.items():
                name = f"{card['holder']} ({card['key']}), OCSP {mode}: {label.strip()}"
                if label.startswith("  "):
                    name = f"    {label.strip()}"
                elif part != "total":
                    name = f"  {label}"
                ratio = "—"
                if mode != "cached":
                    ratio = f"{summary[part]['median_ms'] / modes['cached'][part]['median_ms']:.2f}"
                table.append(
                    (
                        name,
                        f"{summary[part]['median_ms']:.1f}",
                        f"{summary[part]['p99_ms']:.1f}",
                        ratio,
                        "—",
                    )
                )
    base.print_table(table)
    if "error" in section:
        print(f"\n  The ID-card sign-in benchmark could not finish: {section['error']}")
    _note(
        "Each sign-in is a new visitor over HTTP (httpx), as idcard.mjs and the agent's "
        "dialog do it: the page, the challenge, the agent (CORS preflight, POST "
        "/v1/authenticate, the dialog, the PIN form, the token collected), the token to the "
        "portal; every one checked (redirect to My data, a new session cookie that opens "
        "/en/account/). Not included: a person typing the PIN, the script's 500 ms polling "
        "interval (a browser collects the token up to 500 ms later), the pages' CSS/JS/fonts. "
        "The agent checks the card with the OCSP responder before asking for the PIN (the "
        "dialog row). Each gunicorn worker keeps its own OCSP cache, so a worker's first "
        "sign-in with a card is uncached even with the cache on. p99 of "
        f"{section['logins']} sign-ins is about the slowest one. No target."
    )
    cpus = os.cpu_count() or 1
    before, after = section["load_average_1min"]
    _note(
        f"Machine: {cpus} CPUs; 1-min load average {before:.1f} before, {after:.1f} after"
        + (
            " — the machine was busy: the absolute times are unreliable, the side-by-side "
            "ratios less so."
            if max(before, after) > cpus / 2 + 1  # the portal, the agent and this add ~1
            else "."
        )
    )


def _note(text: str) -> None:
    print("\n" + textwrap.fill(text, width=98, initial_indent="  ", subsequent_indent="  "))


# --- the accounts (python -m bench.idcard_login accounts, in the portal's environment) ---


def accounts_main(argv: list[str]) -> int:
    """Nino's and Giorgi's accounts, with the current terms accepted, as their first
    sign-in would have left them; prints the cookie names and the OCSP cache setting."""
    parser = argparse.ArgumentParser(prog="python -m bench.idcard_login accounts")
    parser.add_argument("--pki", type=Path, required=True)
    parser.add_argument("--label", action="append", required=True)
    arguments = parser.parse_args(argv)

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    from django.conf import settings
    from django.db import transaction

    from onewindow.identity.models import Account, SignInMethod, TermsAcceptance
    from onewindow.identity.steps import current_terms, outstanding_steps

    if settings.DEBUG:
        raise SystemExit("Needs DEBUG off (the production settings).")
    cards = {card["label"]: card for card in json.loads((arguments.pki / "cards.json").read_text())}
    terms = current_terms()
    made = []
    with transaction.atomic():
        for label in arguments.label:
            card = cards[label]
            account, _ = Account.objects.get_or_create(
                personal_number=card["personal_number"],
                defaults={
                    "username": card["personal_number"],
                    "first_name": card["given_name"].title(),
                    "last_name": card["surname"].title(),
                    "first_name_ka": card["given_name_ka"],
                    "last_name_ka": card["surname_ka"],
                    "email": f"{card['given_name'].lower()}@example.com",
                },
            )
            account.set_unusable_password()
            account.save()
            if (
                terms is not None
                and not TermsAcceptance.objects.filter(account=account, terms=terms).exists()
            ):
                TermsAcceptance.objects.create(
                    account=account, terms=terms, user_agent="bench/idcard_login.py"
                )
            steps = outstanding_steps(account, SignInMethod.ID_CARD)
            if steps:
                raise SystemExit(f"{label}: a sign-in would still have steps: {steps}")
            made.append(account.personal_number)
    result = {
        "accounts": made,
        "terms_version": terms.version if terms is not None else None,
        "cookies": {"session": settings.SESSION_COOKIE_NAME, "csrf": settings.CSRF_COOKIE_NAME},
        "ocsp_cache_seconds": settings.IDCARD_OCSP_CACHE_SECONDS,
    }
    protocol.emit(result)
    return 0


# --- standalone -------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["accounts"]:
        return accounts_main(argv[1:])
    parser = options_parser()
    options = parser.parse_args(argv)
    _check_options(parser, options)
    protocol.stop_on_signals()
    section = run(options=options)
    report = {"when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "identity": {"login": section}}
    path = base.RESULTS.with_name("idcard_login.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(f"\nWritten to {path.relative_to(ROOT)} in {section['seconds']:.0f} s.")
    return 1 if "error" in section else 0


if __name__ == "__main__":
    sys.exit(main())
