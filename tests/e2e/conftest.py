"""A running portal (uvicorn, its own SQLite database, the real catalogue) and Chromium."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

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
    env = _portal_env(tmp_path_factory.mktemp("portal-var"))
    env.update(EXCHANGE_SANDBOX_URL=sandbox.url, EXCHANGE_PKI_DIR=str(sandbox.pki_dir))
    env.update(
        identity_env(
            portal_origin=f"http://127.0.0.1:{portal_port}",
            sandbox=sandbox,
            idpki_server=idpki_server,
            cardagent_url=f"http://127.0.0.1:{cardagent_port}",
        )
    )
    return env


@pytest.fixture(scope="session")
def portal_url(portal_env: dict[str, str], portal_port: int) -> Iterator[str]:
    """The portal as `make run` serves it, on a free loopback port, with the real catalogue."""
    env = portal_env
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (
        ["migrate", "--no-input", "-v", "0"],
        ["load_catalog"],
        ["collectstatic", "--no-input", "-v", "0"],
    ):
        subprocess.run(manage + command, env=env, cwd=ROOT, check=True, timeout=300)
    port = portal_port
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "onewindow.config.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--lifespan",
            "off",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("The portal did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


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
