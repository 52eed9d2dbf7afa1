"""A running portal (uvicorn, its own SQLite database, the real catalogue) and Chromium."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

from .processes import serving_portal

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            # One running portal per worker: keep the browser journeys on one xdist worker.
            item.add_marker(pytest.mark.xdist_group("e2e"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _portal_env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        ONEWINDOW_ENV="test",
        ONEWINDOW_VAR_DIR=str(var_dir),
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONPATH=str(ROOT / "src"),
        CATALOG_REFRESH_SECONDS="0",
    )
    return env


def signing_env(*, portal_origin: str, idpki_server: Any, hsm_dir: Path) -> dict[str, str]:
    """What a portal needs to validate signatures and seal answers: the session PKI's
    anchors and CAs, its TSA, its OCSP/CRL URLs (the certificates name port 8300), and the
    agencies' seal token (built by `agency_seals_token`; its PIN is the file beside it).
    SoftHSM2 reads SOFTHSM2_CONF once per process: the portal starts with it set."""
    pki_dir = Path(idpki_server.pki.directory)
    conf = str(hsm_dir / "softhsm2.conf")
    return {
        "SIGNING_TRUST_ROOTS": str(pki_dir / "root-ca.pem"),
        "SIGNING_INTERMEDIATE_CERTS": f"{pki_dir / 'idcard-ca.pem'},{pki_dir / 'seal-ca.pem'}",
        "SIGNING_TSA_URL": idpki_server.tsa_url,
        "SIGNING_PKI_URL_REWRITES": f"http://127.0.0.1:8300={idpki_server.url}",
        "SIGNING_HSM_CONF": conf,
        "SOFTHSM2_CONF": conf,
        "VERIFY_BASE_URL": f"{portal_origin}/verify/",
    }


_CATALOGUE_AGENCIES = """
import json
import django
django.setup()
from onewindow.signing.management.commands.agency_seals import agencies_for_seals
print(json.dumps(agencies_for_seals(), ensure_ascii=False))
"""


def agency_seals_token(env: dict[str, str], pki_dir: Path, hsm_dir: Path) -> None:
    """A seal for every agency of the portal's catalogue, issued by the session PKI's seal
    CA, in a SoftHSM2 token of the portal's own (`testpki agency-seals` and `hsm`, as
    `manage.py agency_seals` runs them). Seals other tests issued into the session PKI are
    kept: `agency-seals` drops the agencies its file leaves out, and the PKI's server
    answers OCSP for those seals from that file."""
    from testpki.model import load_agency_seals

    listed = subprocess.run(
        [sys.executable, "-c", _CATALOGUE_AGENCIES],
        env={**env, "DJANGO_SETTINGS_MODULE": "onewindow.config.settings"},
        cwd=ROOT, check=True, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    agencies = json.loads(listed.stdout.strip().splitlines()[-1])
    ours = {agency["code"] for agency in agencies}
    kept = [
        {"code": seal.code, "name": seal.name, "name_ka": seal.name_ka, "status": seal.status}
        for seal in load_agency_seals(pki_dir)
        if seal.code not in ours
    ]
    agencies_file = hsm_dir.parent / "agencies.json"
    agencies_file.write_text(json.dumps([*kept, *agencies], ensure_ascii=False), "utf-8")
    tool_env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    for command in (
        ["agency-seals", str(pki_dir), "--agencies", str(agencies_file)],
        ["hsm", str(pki_dir), "--into", str(hsm_dir)],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "testpki", *command],
            env=tool_env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 0, f"testpki {command[0]}: {done.stderr}"


def identity_env(
    *, portal_origin: str, sandbox: Any, idpki_server: Any, cardagent_url: str
) -> dict[str, str]:
    """What a portal needs for sign-in: the ID-card PKI and its OCSP responder, the card
    agent's address, and the sandbox's SMS gateway and mailbox (SMTP)."""
    pki_dir = Path(idpki_server.pki.directory)
    return {
        "PORTAL_ORIGIN": portal_origin,
        "IDCARD_PKI_DIR": str(pki_dir),
        "IDCARD_TRUSTED_CA_FILES": str(pki_dir / "idcard-ca.pem"),
        "IDCARD_OCSP_URL": idpki_server.ocsp_url,
        "CARDAGENT_URL": cardagent_url,
        "SMS_PROVIDER_URL": f"{sandbox.url}/sms-gateway",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(getattr(sandbox, "smtp_port", 8025)),
    }


@pytest.fixture(scope="session")
def portal_port() -> int:
    return _free_port()


@pytest.fixture(scope="session")
def cardagent_port() -> int:
    """Where the shared portal expects the card agent (tests start it with this port)."""
    return _free_port()


@pytest.fixture(scope="session")
def portal_env(
    tmp_path_factory: pytest.TempPathFactory,
    sandbox: Any,
    idpki_server: Any,
    portal_port: int,
    cardagent_port: int,
) -> dict[str, str]:
    """The running portal's environment (its database, secret key, the sandbox agencies
    it asks, the ID-card PKI); tests/e2e/sessions.py uses it to sign a person in."""
    var_dir = tmp_path_factory.mktemp("portal-var")
    origin = f"http://127.0.0.1:{portal_port}"
    env = _portal_env(var_dir)
    env.update(EXCHANGE_SANDBOX_URL=sandbox.url, EXCHANGE_PKI_DIR=str(sandbox.pki_dir))
    env.update(
        identity_env(
            portal_origin=origin,
            sandbox=sandbox,
            idpki_server=idpki_server,
            cardagent_url=f"http://127.0.0.1:{cardagent_port}",
        )
    )
    env.update(
        signing_env(portal_origin=origin, idpki_server=idpki_server, hsm_dir=var_dir / "hsm")
    )
    return env


@pytest.fixture(scope="session")
def portal_url(portal_env: dict[str, str], portal_port: int, idpki_server: Any) -> Iterator[str]:
    """The portal as `make run` serves it, on a free loopback port, with the real catalogue
    and the agencies' seals (answers go out sealed)."""
    env = portal_env
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (
        ["migrate", "--no-input", "-v", "0"],
        ["load_catalog"],
        ["collectstatic", "--no-input", "-v", "0"],
    ):
        subprocess.run(manage + command, env=env, cwd=ROOT, check=True, timeout=300)
    agency_seals_token(env, Path(idpki_server.pki.directory), Path(env["SIGNING_HSM_CONF"]).parent)
    port = portal_port
    with serving_portal(env, port) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, portal_url: str, portal_env: dict[str, str]) -> Iterator[Page]:
    context = browser.new_context(base_url=portal_url, locale="ka-GE")
    blocked: list[str] = []

    # The portal, and the citizen's card agent on their own computer (ID-card sign-in).
    allowed = (portal_url, portal_env["CARDAGENT_URL"])

    def only_our_origin(route: Any) -> None:
        if route.request.url.startswith(allowed):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_our_origin)
    tab = context.new_page()
    problems: list[str] = []

    def console(message: Any) -> None:
        # A page's own 404 status is logged as a console error; broken assets are caught below.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(message.text)

    def response(answer: Any) -> None:
        if answer.status >= 400 and answer.request.resource_type != "document":
            problems.append(f"{answer.status} {answer.url}")

    tab.on("console", console)
    tab.on("pageerror", lambda error: problems.append(str(error)))
    tab.on("response", response)
    yield tab
    context.close()
    assert blocked == [], f"requests left the portal's origin: {blocked}"
    assert problems == [], f"errors in the browser: {problems}"


_axe = Axe()


def assert_accessible(page: Page) -> None:
    """Zero axe-core violations of the WCAG 2.x A and AA rules on the page as it is now,
    once its web fonts have loaded (targets' sizes and spacing change when they arrive)."""
    page.wait_for_load_state("load")
    page.evaluate("() => document.fonts.ready.then(() => true)")
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = results.response["violations"]
    assert violations == [], "\n".join(
        f"{v['id']}: {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:5])
        for v in violations
    )
