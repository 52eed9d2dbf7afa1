"""What the e2e portals share: a portal served by uvicorn in its own process group until it
answers, and a browser context that may reach only the portal (and the card agent)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def serving_portal(env: dict[str, str], port: int) -> Iterator[str]:
    """The portal on 127.0.0.1:`port` with `env`, once /healthz answers; the whole process
    group stopped on exit (SIGTERM, then SIGKILL after 10 s)."""
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "onewindow.config.asgi:application",
         "--host", "127.0.0.1", "--port", str(port), "--lifespan", "off",
         "--log-level", "warning"],
        env=env, cwd=ROOT, start_new_session=True,
    )  # fmt: skip
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


@contextmanager
def portal_and_agent_only(
    browser: Browser, *, base_url: str, allowed: tuple[str, ...], locale: str
) -> Iterator[BrowserContext]:
    """A browser context whose requests may go only to `allowed` origins; on exit, fails
    if a request went elsewhere or a page logged an error."""
    context = browser.new_context(base_url=base_url, locale=locale)
    blocked: list[str] = []
    problems: list[str] = []

    def only_ours(route: Any) -> None:
        if route.request.url.startswith(allowed) or route.request.url == "about:blank":
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    def watch(tab: Page) -> None:
        tab.on("pageerror", lambda error: problems.append(str(error)))
        tab.on(
            "console",
            lambda message: (
                problems.append(message.text)
                if message.type == "error" and "Failed to load resource" not in message.text
                else None
            ),
        )

    context.route("**/*", only_ours)
    context.on("page", watch)
    yield context
    context.close()
    assert blocked == [], f"requests left the portal and the agent: {blocked}"
    assert problems == [], f"errors in the browser: {problems}"
