"""The dialog in Chromium: a page of an allowed origin starts a sign-in with fetch (CORS and its
preflight for real), opens the dialog window, and a keyboard alone completes it; axe finds no
WCAG 2.2 AA violation in Georgian or English, in the card choice, the PIN and the error state.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from tests.cardagent.helpers import new_nonce, verify_token
from tests.cardagent_process import DemoCards, RunningAgent
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, assert_accessible

PORTAL_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Portal stand-in</title>
<script src="/portal.js" defer></script></head>
<body><main><h1>Portal stand-in</h1><button id="start" type="button">Sign in</button>
<pre id="result"></pre></main></body></html>
"""
PORTAL_SCRIPT = """
const params = new URLSearchParams(location.search);
document.getElementById("start").addEventListener("click", async () => {
  const agent = params.get("agent");
  const started = await fetch(`${agent}/v1/authenticate`, {
    method: "POST",
    headers: {"Content-Type": "application/json"},
    body: JSON.stringify({challengeNonce: params.get("nonce"), lang: params.get("lang")}),
  });
  const {id, dialogUrl} = await started.json();
  window.open(dialogUrl, "cardagent", "width=560,height=720");
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 150));
    const answer = await (await fetch(`${agent}/v1/authenticate/${id}`)).json();
    if (answer.status !== "pending") {
      document.getElementById("result").textContent = JSON.stringify(answer);
      return;
    }
  }
});
"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def portal_origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A stand-in for the portal's page, served from its own loopback origin."""
    root: Path = tmp_path_factory.mktemp("portal")
    (root / "index.html").write_text(PORTAL_PAGE)
    (root / "portal.js").write_text(PORTAL_SCRIPT)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _focused(page: Page) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(
        "() => ({id: document.activeElement.id, name: document.activeElement.name || '',"
        " value: document.activeElement.value || '', tag: document.activeElement.tagName})"
    )
    return result


def _tab_until(page: Page, wanted: Callable[[dict[str, Any]], bool], limit: int = 12) -> None:
    for _ in range(limit):
        if wanted(_focused(page)):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached the element; focus is on {_focused(page)}")


def _open_dialog(page: Page, portal: str, agent: RunningAgent, lang: str, nonce: str) -> Page:
    query = urlencode({"agent": agent.url, "nonce": nonce, "lang": lang})
    page.goto(f"{portal}/index.html?{query}")
    with page.context.expect_page() as opened:
        page.click("#start")
    dialog = opened.value
    dialog.wait_for_url(f"{agent.url}/v1/dialog/**")
    dialog.wait_for_load_state()
    assert dialog.evaluate("document.documentElement.lang") == lang
    return dialog


def test_dialog_is_accessible_and_works_with_the_keyboard_alone(
    chromium: Browser,
    portal_origin: str,
    demo_cards: DemoCards,
    card_agent_factory: Callable[..., RunningAgent],
) -> None:
    rsa, ec = demo_cards.card("rsa2048"), demo_cards.card("ec-p256")
    agent = card_agent_factory(
        demo_cards.directory,
        portal_origin,
        extra_args=["--card", rsa["label"], "--card", ec["label"]],
    )
    context = chromium.new_context(locale="ka-GE")
    problems: list[str] = []
    context.on("weberror", lambda error: problems.append(str(error.error)))
    page = context.new_page()
    nonce = new_nonce()

    # Georgian: choose the second card with the arrow keys, a wrong PIN, then the right one.
    dialog = _open_dialog(page, portal_origin, agent, "ka", nonce)
    assert_accessible(dialog)
    _tab_until(dialog, lambda focus: focus["name"] == "card")
    dialog.keyboard.press("ArrowDown")
    assert _focused(dialog)["value"] == ec["label"]
    _tab_until(dialog, lambda focus: focus["value"] == "continue")
    dialog.keyboard.press("Enter")
    dialog.wait_for_selector("#pin")
    assert _focused(dialog)["id"] == "pin"  # focus moved to the PIN field
    assert ec["personal_number"] in dialog.inner_text("main")
    assert_accessible(dialog)
    dialog.keyboard.type("9731")
    dialog.keyboard.press("Enter")
    dialog.wait_for_selector(".error-summary")
    assert "დარჩენილია 2 მცდელობა" in dialog.inner_text(".error-summary")
    assert dialog.evaluate("document.activeElement.classList.contains('error-summary')")
    assert_accessible(dialog)
    _tab_until(dialog, lambda focus: focus["id"] == "pin")
    dialog.keyboard.type(ec["pin"])
    with dialog.expect_event("close", timeout=10_000), contextlib.suppress(PlaywrightError):
        dialog.keyboard.press("Enter")  # the done page closes its own window
    page.wait_for_function("document.getElementById('result').textContent !== ''")
    answer = json.loads(page.inner_text("#result"))
    assert answer["status"] == "done"
    verify_token(answer["token"], origin=portal_origin, nonce=nonce)

    # English: the same pages in English, then Cancel from the keyboard.
    dialog = _open_dialog(page, portal_origin, agent, "en", new_nonce())
    assert_accessible(dialog)
    _tab_until(dialog, lambda focus: focus["value"] == "continue")
    dialog.keyboard.press("Enter")  # the first card is chosen by default
    dialog.wait_for_selector("#pin")
    assert "PIN code" in dialog.inner_text("label[for=pin]")
    assert_accessible(dialog)
    dialog.keyboard.press("Enter")  # no PIN typed: an error, not a try spent
    dialog.wait_for_selector(".error-summary")
    assert "Enter your PIN" in dialog.inner_text(".error-summary")
    assert_accessible(dialog)
    _tab_until(dialog, lambda focus: focus["value"] == "cancel")
    with dialog.expect_event("close", timeout=10_000), contextlib.suppress(PlaywrightError):
        dialog.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('result').textContent !== ''")
    answer = json.loads(page.inner_text("#result"))
    assert answer["code"] == "cancelled"
    context.close()
    assert problems == []


def test_error_pages_are_accessible(
    chromium: Browser,
    portal_origin: str,
    demo_cards: DemoCards,
    card_agent_factory: Callable[..., RunningAgent],
) -> None:
    expired = demo_cards.by_status("expired")
    agent = card_agent_factory(
        demo_cards.directory, portal_origin, extra_args=["--card", expired["label"]]
    )
    context = chromium.new_context()
    page = context.new_page()
    for lang in ("ka", "en"):
        dialog = _open_dialog(page, portal_origin, agent, lang, new_nonce())
        assert dialog.locator("[data-error-code=certificate-expired]").count() == 1
        assert_accessible(dialog)
        _tab_until(dialog, lambda focus: focus["tag"] == "BUTTON")
        # Enter clicks "Close this window" on key down; the window may be gone before
        # Playwright hears back about the key ("target closed"; the close event counts).
        with dialog.expect_event("close", timeout=10_000), contextlib.suppress(PlaywrightError):
            dialog.keyboard.down("Enter")
    context.close()
