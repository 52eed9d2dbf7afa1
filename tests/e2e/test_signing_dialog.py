"""The card agent's signing dialog (`/v1/sign-dialog/<id>`) in real Chromium, in Georgian
and in English, by keyboard alone: the card choice, "Preparing the document…" while the
site makes the digest, the PIN page showing what is signed, a wrong PIN (the error, tries
left), the right PIN and the done page. Every page has zero axe violations (conftest's
WCAG tags), and the signature the agent hands back verifies against the card's
certificate.

The site's side of the API (start, poll, give the digest) is plain HTTP with the site's
Origin, as the portal's script sends it; the dialog is the agent's own page, driven in
the browser. Real parts: `python -m cardagent serve` on SoftHSM2 demo cards of this
module's own (it types a wrong PIN), the session PKI's OCSP responder.

The waiting page stays loaded while the site prepares the document: its script asks the
agent's JSON status (held until the digest comes, at most 10 s) and opens the PIN page
only then, so a screen reader hears the page once. The test checks that the page is not
reloaded (a marker in the page survives, no document is requested), that focus stays
where the person moved it, and that the polite status region says each thing once. A
browser without script waits on the same page and uses "Check now".
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, utils
from playwright.sync_api import Browser, Page, expect

from cardagent.texts import text, wrong_pin
from tests.cardagent_process import RunningAgent, provision_cards, start_card_agent

from .conftest import _free_port, assert_accessible

pytestmark = pytest.mark.xdist_group("e2e")

NINO = {"personal_number": "01001012345", "label": "card-01001012345", "pin": "1234"}
SITE = f"http://127.0.0.1:{_free_port()}"  # the site asking (a portal's origin)
TITLE = {"ka": "განცხადება — იპოთეკის რეგისტრაცია", "en": "Application — Register a mortgage"}


@pytest.fixture(scope="module")
def agent(
    idpki: Any, idpki_server: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningAgent]:
    cards = provision_cards(
        Path(idpki.directory), tmp_path_factory.mktemp("signing-dialog") / "cards"
    )
    running = start_card_agent(cards.directory, SITE, ocsp_url=idpki_server.ocsp_url)
    yield running
    running.stop()


@pytest.fixture
def dialog(browser: Browser, agent: RunningAgent) -> Iterator[Page]:
    """A tab that may reach the agent and nothing else; no script errors allowed."""
    context = browser.new_context(locale="ka-GE")
    blocked: list[str] = []
    problems: list[str] = []

    def only_the_agent(route: Any) -> None:
        if route.request.url.startswith(agent.url):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_agent)
    tab = context.new_page()
    tab.on("pageerror", lambda error: problems.append(str(error)))
    tab.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    yield tab
    context.close()
    assert blocked == [], f"requests left the agent: {blocked}"
    assert problems == [], f"errors in the dialog: {problems}"


class Site:
    """The site's requests to the agent (what the portal's signing script sends)."""

    def __init__(self, agent: RunningAgent) -> None:
        self.client = httpx.Client(base_url=agent.url, headers={"Origin": SITE}, timeout=15)

    def start(self, lang: str) -> tuple[str, str]:
        answer = self.client.post(
            "/v1/sign",
            json={
                "lang": lang,
                "kind": "person",
                "personal_number": NINO["personal_number"],
                "document": {"title": TITLE[lang], "pages": 3},
            },
        )
        assert answer.status_code == 201, answer.text
        return answer.json()["id"], answer.json()["dialog"]

    def state(self, request_id: str) -> dict[str, Any]:
        answer = self.client.get(f"/v1/sign/{request_id}")
        assert answer.status_code == 200, answer.text
        result: dict[str, Any] = answer.json()
        return result

    def digest(self, request_id: str, hash_function: str, document: bytes) -> bytes:
        algorithm = {"SHA-256": hashlib.sha256, "SHA-384": hashlib.sha384}[hash_function]
        digest = algorithm(document).digest()
        fingerprint = hashlib.sha256(document).hexdigest()[:16].upper()
        answer = self.client.post(
            f"/v1/sign/{request_id}/digest",
            json={
                "hash": base64.b64encode(digest).decode(),
                "hashFunction": hash_function,
                "fingerprint": " ".join(fingerprint[i : i + 4] for i in range(0, 16, 4)),
            },
        )
        assert answer.status_code == 202, answer.text
        return digest


def focused(page: Page, script: str) -> Any:
    return page.evaluate(f"(() => {{ const e = document.activeElement; return {script}; }})()")


def wait_until(page: Page, script: str, *, seconds: float) -> None:
    """Poll the page (its CSP forbids the eval that `wait_for_function` needs)."""
    for _ in range(int(seconds * 4)):
        if page.evaluate(f"() => {script}"):
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"never true: {script}")


def tab_until(page: Page, script: str, limit: int = 20) -> None:
    """Press Tab until the focused element matches, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page, script):
            return
    raise AssertionError(f"never reached by Tab: {script}")


# Marks the waiting page (a reload would lose it), records what its status region says and
# counts the answers of its status requests.
WATCH_THE_PAGE = """() => {
  window.__waitingPage = true;
  window.__said = [];
  window.__statusAnswers = 0;
  const region = document.querySelector("#waiting-progress");
  new MutationObserver(() => {
    const said = region.textContent.trim();
    if (said) { window.__said.push(said); }
  }).observe(region, { childList: true, characterData: true, subtree: true });
  const fetchOriginal = window.fetch;
  window.fetch = (...args) => fetchOriginal(...args).then((answer) => {
    if (String(args[0]).includes("/status")) { window.__statusAnswers += 1; }
    return answer;
  });
}"""


def sign_in_the_dialog(page: Page, site: Site, lang: str, *, watch_long: bool) -> None:
    request_id, url = site.start(lang)
    assert url.endswith(f"/v1/sign-dialog/{request_id}?lang={lang}")

    # 1. Which card: the site is named, the document is described, no PIN yet.
    page.goto(url)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("h1")).to_have_text(text("sign_title", lang))
    expect(page.locator("main")).to_contain_text(SITE)
    expect(page.locator("main")).to_contain_text(TITLE[lang])
    expect(page.locator('input[name="card"]')).to_have_count(1)
    assert site.state(request_id) == {"state": "waiting"}
    assert_accessible(page)

    # By keyboard: Tab to Nino's card (chosen already), Tab to Continue, Enter.
    tab_until(page, "e && e.name === 'card'")
    assert focused(page, "e.value") == NINO["label"] and focused(page, "e.checked")
    page.keyboard.press("Space")
    tab_until(page, "e && e.value === 'continue'", limit=1)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # 2. "Preparing the document…": the heading has focus once; the status region is quiet.
    expect(page.locator("h1")).to_have_text(text("waiting_title", lang))
    expect(page.locator("h1")).to_be_focused()
    expect(page.locator("main")).to_contain_text(text("waiting_detail", lang))
    region = page.locator("#waiting-progress")
    expect(region).to_have_attribute("role", "status")
    expect(region).to_have_attribute("aria-live", "polite")
    expect(region).to_have_text("")
    page.evaluate(WATCH_THE_PAGE)
    documents: list[str] = []
    page.on("request", lambda r: documents.append(r.url) if r.resource_type == "document" else None)
    assert_accessible(page)

    # The person moves on by keyboard to "Check now" and presses it: with script it asks at
    # once, says so in the status region, and the page (and the focus) stay.
    check_now = f"e && e.textContent.trim() === {json.dumps(text('refresh', lang))}"
    tab_until(page, check_now)
    page.keyboard.press("Enter")
    expect(region).to_have_text(text("waiting_checked", lang))
    assert focused(page, check_now)
    if watch_long:
        # After ~15 s it says, once, that it is still preparing; polls go on (each held by
        # the agent for ~10 s) without a reload, a second announcement, or moving focus.
        expect(region).to_have_text(text("waiting_still", lang), timeout=20_000)
        wait_until(page, "window.__statusAnswers >= 2", seconds=15)
        assert page.evaluate("window.__said") == [
            text("waiting_checked", lang),
            text("waiting_still", lang),
        ]
        assert_accessible(page)  # with its progress said
    assert focused(page, check_now)
    assert page.evaluate("window.__waitingPage") is True, "the waiting page was reloaded"
    assert documents == []

    # The site gets the certificate and gives the digest; the waiting page opens the PIN.
    state = site.state(request_id)
    assert state["state"] == "certificate", state
    document = secrets.token_bytes(2048)
    digest = site.digest(request_id, state["hash"], document)
    # 3. The PIN page says what is signed (title, pages, fingerprint); the PIN has focus.
    expect(page.locator("#pin")).to_be_focused(timeout=15_000)
    fingerprint = hashlib.sha256(document).hexdigest()[:4].upper()
    expect(page.locator("#signing-what")).to_contain_text(TITLE[lang])
    expect(page.locator("#signing-what")).to_contain_text(fingerprint)
    assert_accessible(page)

    page.keyboard.type("0000")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text(wrong_pin(2, lang))
    expect(summary).to_be_focused()
    expect(page.locator("#pin")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)  # the PIN page with its error

    tab_until(page, "e && e.id === 'pin'")
    page.keyboard.type(NINO["pin"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # 4. Done.
    expect(page.locator("h1")).to_have_text(text("signed", lang))
    assert_accessible(page)

    signed = site.state(request_id)
    assert signed["state"] == "signed", signed
    assert state["hash"] == "SHA-384", state  # Nino's card: ECDSA P-384
    certificate = x509.load_der_x509_certificate(base64.b64decode(state["certificate"]))
    key = certificate.public_key()
    assert isinstance(key, ec.EllipticCurvePublicKey)
    raw = base64.b64decode(signed["signature"])
    half = len(raw) // 2
    der = utils.encode_dss_signature(
        int.from_bytes(raw[:half], "big"), int.from_bytes(raw[half:], "big")
    )
    key.verify(der, digest, ec.ECDSA(utils.Prehashed(hashes.SHA384())))


def test_the_signing_dialog_in_georgian_and_english_by_keyboard(
    dialog: Page, agent: RunningAgent
) -> None:
    site = Site(agent)
    # The slow part (the progress said after ~15 s) is watched once, in Georgian.
    for lang in ("ka", "en"):
        sign_in_the_dialog(dialog, site, lang, watch_long=lang == "ka")


def test_without_script_the_waiting_page_waits_and_check_now_asks(
    browser: Browser, agent: RunningAgent
) -> None:
    """No reload loop and no meta refresh: the page waits until the person checks."""
    context = browser.new_context(locale="en-GB", java_script_enabled=False)
    try:
        page = context.new_page()
        site = Site(agent)
        request_id, url = site.start("en")
        page.goto(url)
        page.locator('button[value="continue"]').click()
        expect(page.locator("h1")).to_have_text(text("waiting_title", "en"))
        assert page.locator('meta[http-equiv="refresh" i]').count() == 0
        documents: list[str] = []
        page.on(
            "request", lambda r: documents.append(r.url) if r.resource_type == "document" else None
        )
        page.wait_for_timeout(1500)
        assert documents == []  # (axe needs script: the same page is checked with it above)
        # "Check now" before the document is ready shows the same waiting page.
        page.get_by_role("button", name=text("refresh", "en")).click()
        expect(page.locator("h1")).to_have_text(text("waiting_title", "en"))
        state = site.state(request_id)
        site.digest(request_id, state["hash"], secrets.token_bytes(64))
        page.get_by_role("button", name=text("refresh", "en")).click()
        expect(page.locator("#pin")).to_be_visible()
        expect(page.locator("#signing-what")).to_contain_text(TITLE["en"])
    finally:
        context.close()
