"""Issue 6 point 2 end to end in real Chromium: a company seals its letter with its seal
device through the card agent, and the addressee agency's clerk sees the seal.

Nino Beridze, the representative of Beridze Construction LLC (404123456) in the Public
Registry, writes to Tbilisi City Hall for the company ("Correspondence with public
agencies": `signature: optional`, sealed when written for a company). She chooses the
company before the form, uploads the letter as a PDF, and on "Seal your application"
seals it in the card agent's dialog by keyboard alone: the company's seal device (the
only one offered), "You are sealing: …", one wrong seal PIN (tries left said), then the
right one (4040). The application's document is the company's seal, B-LTA and valid by
the portal's own validation and by poppler's pdfsig; the application page and the City
Hall clerk's case page say "Sealed by Beridze Construction LLC", that the seal is valid and
its level; the clerk answers and Nino reads the City Hall's sealed answer. The signing,
application and case pages and every page of the dialog pass axe.

What its first run found, and this run proves fixed: "check your answers" leads to sealing
(no "Accept and send" before the seal: a company's letter must carry its seal); the page
shows the fingerprint the dialog asks to compare; the sealing page speaks of sealing (its
headings, links and progress); the panel says "Sealed by"; the application page names the
company, not only its code; and a seal that no longer holds (the PDF changed after it was
sealed) reads "Not valid", with the reason.

Real parts: the shared portal (uvicorn) with the agencies' seal token, the sandbox
agencies (the Public Registry says whom Nino represents, over the signed exchange), the
session test PKI's TSA, OCSP responders and CRLs, the card agent on SoftHSM2 tokens
(Nino's card and the companies' seal devices) of this module's own (it types a wrong PIN).
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from cardagent.texts import text, wrong_pin
from tests.cardagent_process import RunningAgent

from .casework import (
    assert_pdfsig_trusts,
    browser_tab,
    create_staff,
    pdf_document,
    portal_program,
    run_worker,
)
from .conftest import assert_accessible
from .signed_journeys import (
    OwnCardAgent,
    accept_and_send,
    approve_with_answer,
    own_card_agent,  # noqa: F401 - the fixture
    signed_in_person,
)
from .test_casework import (
    STAFF_PASSWORD,
    answer_pages,
    press_continue,
    staff_sign_in,
)
from .test_signing_dialog import tab_until

pytestmark = pytest.mark.xdist_group("e2e")

NINO = "01001012345"  # the representative of Beridze Construction LLC (docs/demo-data.md)
COMPANY = "404123456"
COMPANY_NAME = "Beridze Construction LLC"
SEAL_DEVICE = f"seal-{COMPANY}"  # beside the cards (`cardagent provision`)
SEAL_PIN = "4040"  # the test PKI's seals.json
SERVICE = "correspondence-public-agencies"
SERVICE_TITLE = "Correspondence with public agencies"
AGENCY, AGENCY_NAME = "tbilisi", "Tbilisi City Hall"
SUBJECT = "Closing the pavement at 7 Tsotne Dadiani St."
CLERK = "ana.cityhall-clerk"
CLERK_KEY = b"company-seal-e2e-clerk".hex()
FINGERPRINT = r"[0-9A-F]{4} [0-9A-F]{4} [0-9A-F]{4} [0-9A-F]{4}"
SEALED_BY = f"Sealed by {COMPANY_NAME} (identification code {COMPANY})"
LEVEL_LTA = "Level: long-term validation data included, protected by an archive timestamp"


@pytest.fixture(scope="module")
def card_agent(
    own_card_agent: OwnCardAgent,  # noqa: F811 - the fixture imported above
    idpki_server: Any,
) -> RunningAgent:
    """The representative's card agent, with cards and seal devices of its own (SoftHSM2
    tokens), asking the session PKI's OCSP responders about cards and seals."""
    cards, agent = own_card_agent(
        "company-seal", extra_args=["--seal-ocsp-url", f"{idpki_server.url}/ocsp/seal-ca"]
    )
    manifest = json.loads((cards.directory / "cards-manifest.json").read_text())
    assert SEAL_DEVICE in manifest["labels"], manifest  # a SoftHSM2 token beside the cards
    return agent


@pytest.fixture
def nino(page: Page, portal_env: dict[str, str], portal_url: str, card_agent: RunningAgent) -> Page:
    return signed_in_person(
        page, portal_env, portal_url, username="nino-company-seal", personal_number=NINO,
        first_name="Nino", last_name="Beridze",
    )  # fmt: skip


def write_for_the_company(page: Page, letter: Path) -> None:
    """Nino writes to Tbilisi City Hall for the company, with her letter as a PDF, up to
    "check your answers"."""
    page.goto(f"/en/apply/{SERVICE}/")
    # Whom for: asked before the form; the registry's companies are offered, by name.
    choice = page.locator(f'input[name="acting_for"][value="{COMPANY}"]')
    expect(choice).to_have_count(1)
    expect(page.locator(f'label[for="{choice.get_attribute("id")}"]')).to_contain_text(COMPANY_NAME)
    choice.check()
    press_continue(page)
    # Which institution: asked next, the company's choice carried along.
    expect(page.locator("h1")).to_contain_text("Which institution is it for?")
    page.select_option("#agency", AGENCY)
    press_continue(page)
    expect(page).to_have_url(re.compile(r"/en/apply/draft/[0-9a-f-]+/"))
    answers: dict[str, Callable[[], object]] = {
        "letter-type": lambda: page.check('input[name="letter_type"][value="application"]'),
        "subject": lambda: page.fill("#subject", SUBJECT),
        "letter-format": lambda: page.check('input[name="letter_format"][value="upload"]'),
        "letter-file": lambda: page.set_input_files("#letter_file", str(letter)),
        "attachments": lambda: None,
    }
    answer_pages(page, answers)
    expect(page.locator("h1")).to_have_text("Check your answers before sending your application")
    summary = page.locator(".govuk-summary-list")
    expect(summary).to_contain_text(AGENCY_NAME)
    expect(summary).to_contain_text(f"{COMPANY_NAME} ({COMPANY})")
    expect(summary).to_contain_text(letter.name)
    # A company's letter is sent sealed: sealing is the way on, there is nothing to send yet.
    expect(page.locator("main h2")).to_have_text("Now seal your application")
    expect(page.locator("main")).to_contain_text(
        "This application must be sealed with the company's seal before it is sent."
    )
    expect(page.get_by_role("button", name="Accept and send")).to_have_count(0)
    expect(
        page.get_by_role("link", name="Seal it with the company's seal before sending")
    ).to_have_count(0)


def seal_in_the_dialog(dialog: Page, portal_url: str, page: Page) -> None:
    """The agent's dialog, by keyboard alone: the seal device, what is sealed (the portal
    `page` shows the same fingerprint), a wrong PIN, the right one."""
    dialog.wait_for_url(re.compile(r"/v1/sign-dialog/"))
    # 1. Which seal device: the site is named, the choice is asked (the company's only).
    expect(dialog.locator("h1")).to_have_text(text("seal_title", "en"))
    expect(dialog.locator("main")).to_contain_text(
        f"The site {portal_url} is asking you to seal a document with your company's seal."
    )
    expect(dialog.locator("legend")).to_have_text(text("choose_seal", "en"))
    devices = dialog.locator('input[name="card"]')
    expect(devices).to_have_count(1)
    expect(dialog.locator('label[for="card-0"]')).to_contain_text(
        f"{COMPANY_NAME}, Identification code {COMPANY} ({SEAL_DEVICE})"
    )
    assert_accessible(dialog)
    tab_until(dialog, "e && e.name === 'card'")
    assert dialog.evaluate("document.activeElement.value") == SEAL_DEVICE
    dialog.keyboard.press("Space")
    assert devices.is_checked()
    tab_until(dialog, "e && e.value === 'continue'", limit=1)
    with dialog.expect_navigation():
        dialog.keyboard.press("Enter")

    # 2. (The portal prepares the document meanwhile.) What is sealed, then the seal's PIN,
    # which has the focus.
    pin = dialog.locator("#pin")
    expect(pin).to_be_focused(timeout=30_000)
    expect(dialog.locator("#signing-what")).to_have_text(
        re.compile(rf"^You are sealing: {SERVICE_TITLE}, \d+ pages?, fingerprint {FINGERPRINT}$")
    )
    # The portal's page shows the very fingerprint the dialog shows, in the page itself
    # (not only said in its live region), so that it can be compared before the PIN.
    shown = re.search(FINGERPRINT, dialog.locator("#signing-what").inner_text())
    assert shown
    on_the_page = page.locator("#signing-fingerprint")
    expect(on_the_page).to_be_visible()
    expect(on_the_page).to_contain_text(f"Fingerprint: {shown.group(0)}")
    expect(on_the_page.locator("xpath=ancestor-or-self::*[@aria-live]")).to_have_count(0)
    expect(page.locator("[data-signing-status]")).to_have_text(
        "Check what you are sealing, compare the fingerprint, and enter the seal device's PIN "
        "in the card agent window. This page will continue when you are done."
    )
    expect(dialog.locator("dl.holder")).to_contain_text(COMPANY_NAME)
    expect(dialog.locator("dl.holder")).to_contain_text(COMPANY)
    expect(dialog.locator('label[for="pin"]')).to_have_text(text("seal_pin", "en"))
    assert_accessible(dialog)

    # 3. A wrong PIN: said, with the tries left, the summary focused.
    dialog.keyboard.type("0000")
    with dialog.expect_navigation():
        dialog.keyboard.press("Enter")
    error = dialog.locator(".error-summary")
    expect(error).to_contain_text(wrong_pin(2, "en"))
    expect(error).to_be_focused()
    expect(pin).to_have_attribute("aria-invalid", "true")
    assert_accessible(dialog)

    # 4. The right PIN: sealed (the window then closes by itself).
    tab_until(dialog, "e && e.id === 'pin'")
    dialog.keyboard.type(SEAL_PIN)
    tab_until(dialog, "e && e.value === 'continue'", limit=1)
    assert dialog.evaluate("document.activeElement.textContent.trim()") == text("seal", "en")
    with dialog.expect_navigation():
        dialog.keyboard.press("Enter")
    expect(dialog.locator("h1")).to_have_text(text("sealed", "en"))


def seal_and_send(page: Page, portal_url: str, letter: Path) -> str:
    """From "check your answers": see what is sealed, seal in the agent's dialog, send."""
    with page.expect_navigation():
        page.get_by_role("button", name="Continue to sealing").click()
    expect(page).to_have_url(re.compile(r"/en/sign/draft/[0-9a-f-]+/$"))
    expect(page.locator("h1")).to_have_text("Seal your application")
    expect(page.locator("#signed-answers")).to_contain_text(SUBJECT)
    expect(page.locator("#signed-answers")).to_contain_text(COMPANY_NAME)
    expect(page.get_by_label(re.compile(re.escape(letter.name)))).to_be_checked()
    # Sealing words throughout: what is sealed, the files sealed with it, the document.
    main = page.locator("main")
    expect(main.locator("h2", has_text="What you are sealing")).to_have_count(1)
    expect(main.locator("legend")).to_have_text("Files to seal with your application")
    expect(
        page.get_by_role("link", name="Open the document you are sealing (PDF, opens in a new tab)")
    ).to_have_count(1)
    for signing_words in ("What you are signing", "to sign with", "you are signing",
                          "without signing"):  # fmt: skip
        expect(main).not_to_contain_text(signing_words)
    expect(page.locator("#signing-fingerprint")).to_be_hidden()  # none before sealing starts
    assert_accessible(page)

    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Seal with the company's seal").click()
    # The person chooses in the agent's window meanwhile: the page waits, saying so.
    expect(page.locator("[data-signing-status]")).to_have_text(
        "Choose the company's seal device in the card agent window."
    )
    seal_in_the_dialog(opened.value, portal_url, page)

    page.wait_for_url(re.compile(r"\?signed=[0-9a-f-]+#signed$"), timeout=30_000)
    expect(page.locator("#signed")).to_contain_text("Your application is sealed")
    expect(page.locator("#signed")).to_contain_text(f"Sealed by {COMPANY_NAME}")
    expect(page.locator("#signed")).not_to_contain_text("Signed by")
    expect(page.get_by_role("link", name="Download the sealed application (PDF)")).to_have_count(1)
    assert_accessible(page)
    return accept_and_send(page)


_VALIDATION = """
import json, sys
from onewindow.applications.models import Application
from onewindow.signing import validation
application = Application.objects.get(reference=sys.argv[1])
with application.pdf.open("rb") as handle:
    report = validation.validate(handle.read())
print(json.dumps({"valid": report.valid, "acting_for": application.acting_for, "signatures": [
    {"identifier": s.identifier, "capacity": s.capacity, "name": s.signer_name,
     "level": s.level, "status": s.status, "problems": s.problems}
    for s in report.signatures
]}))
"""


# --- The clerk's side ----------------------------------------------------------------------


def clerk_sees_the_seal_and_answers(
    browser: Browser, portal_url: str, reference: str, sealed: Path, env: dict[str, str]
) -> None:
    """A Tbilisi City Hall clerk opens the case: the company's seal beside the application
    document (the very file the company sealed), then answers."""
    with browser_tab(browser, portal_url) as clerk:
        staff_sign_in(clerk, CLERK, CLERK_KEY, to=f"/en/office/cases/{reference}/")
        expect(clerk.locator("h1")).to_contain_text(SUBJECT)
        first = clerk.locator("main dl.govuk-summary-list").first
        expect(first).to_contain_text(f"on behalf of {COMPANY_NAME} ({COMPANY})")
        application_row = first.locator(".govuk-summary-list__row", has_text=f"{reference}.pdf")
        expect(application_row.locator("#signed-by")).to_contain_text(SEALED_BY)
        expect(application_row.locator("#signed-by")).to_contain_text(
            "(time confirmed by a timestamp)"
        )
        expect(application_row.locator("#signed-by .govuk-tag")).to_have_text("Valid")
        expect(application_row.locator("#signed-by")).to_contain_text(LEVEL_LTA)
        expect(clerk.locator("h2:has-text('Attachments') + ul")).to_contain_text("letter.pdf")
        assert_accessible(clerk)
        with clerk.expect_download() as download:
            application_row.get_by_role("link", name=re.compile(re.escape(reference))).click()
        as_sent = sealed.with_name("as-the-clerk-gets-it.pdf")
        download.value.save_as(as_sent)
        assert as_sent.read_bytes() == sealed.read_bytes()

        approve_with_answer(clerk, f"The pavement may be closed as asked in {reference}.")
        run_worker(env, worker_id="company-seal-e2e")  # the answer's seal checks
        clerk.reload()
        letter = clerk.locator("main li", has_text=f"Answer {reference}.pdf")
        expect(letter.locator(".ow-signature-report").last).to_contain_text("Signature valid")
        assert_accessible(clerk)


def test_a_company_seals_its_letter_and_the_clerk_sees_the_seal(
    nino: Page,
    browser: Browser,
    portal_url: str,
    portal_env: dict[str, str],
    idpki_server: Any,
    tmp_path: Path,
) -> None:
    representative = nino
    letter = pdf_document(tmp_path / "letter.pdf", f"{COMPANY_NAME}: {SUBJECT}")
    write_for_the_company(representative, letter)
    reference = seal_and_send(representative, portal_url, letter)

    # The application's document is the company's seal, archived, valid (the portal's own
    # validation, with its settings), made for the company the draft was for.
    report = json.loads(portal_program(portal_env, _VALIDATION, reference).strip())
    assert report["acting_for"] == COMPANY, report
    assert report["valid"], report
    assert report["signatures"] == [
        {
            "identifier": f"NTRGE-{COMPANY}",
            "capacity": "seal",
            "name": COMPANY_NAME,
            "level": "B-LTA",
            "status": "valid",
            "problems": [],
        }
    ], report

    # The application page says who sealed it; the PDF Nino downloads passes pdfsig and
    # carries her letter inside (what the seal covers).
    representative.goto(f"/en/applications/{reference}/")
    expect(representative.locator("#signed-by")).to_contain_text(SEALED_BY)
    expect(representative.locator("#signed-by .govuk-tag")).to_have_text("Valid")
    expect(representative.locator("#signed-by")).to_contain_text(LEVEL_LTA)
    company_row = representative.locator(
        ".govuk-summary-list__row", has_text="On behalf of the company"
    )
    expect(company_row.locator("dd")).to_have_text(f"{COMPANY_NAME} ({COMPANY})")
    assert_accessible(representative)
    with representative.expect_download() as download:
        representative.get_by_role("link", name="Download your application as a PDF").click()
    sealed = tmp_path / "sealed-application.pdf"
    download.value.save_as(sealed)
    assert_pdfsig_trusts(
        sealed, COMPANY_NAME, pki_server=idpki_server, workdir=tmp_path / "pdfsig"
    )  # and the archive (document) timestamp, B-LTA
    assert letter.name in embedded_files(sealed)

    create_staff(
        portal_env, CLERK, agency=AGENCY, role="clerk", password=STAFF_PASSWORD,
        totp_key=CLERK_KEY, first_name="Ana", last_name="Kobakhidze",
    )  # fmt: skip
    clerk_sees_the_seal_and_answers(browser, portal_url, reference, sealed, portal_env)

    # Nino reads the City Hall's answer, sealed by the City Hall.
    representative.goto(f"/en/applications/{reference}/")
    thread = representative.locator("#thread + ol")
    expect(thread).to_contain_text(f"The pavement may be closed as asked in {reference}.")
    answer = thread.locator("li li", has_text=f"Answer {reference}.pdf")
    report_of_answer = answer.locator(".ow-signature-report")
    expect(report_of_answer).to_contain_text("Signature valid")
    report_of_answer.locator("summary").click()
    expect(report_of_answer).to_contain_text(f"Sealed by {AGENCY_NAME}")
    assert_accessible(representative)

    # Should the stored PDF be changed after it was sealed, the page does not say "Sealed
    # by …" as if it held: not valid, and why.
    portal_program(portal_env, _CHANGE_ONE_BYTE, reference)
    representative.goto(f"/en/applications/{reference}/")
    signed_by = representative.locator("#signed-by")
    expect(signed_by).to_contain_text(SEALED_BY)
    expect(signed_by).to_contain_text("Not valid: this file must not be accepted as signed.")
    expect(signed_by.locator("li .govuk-tag")).to_have_text("Not valid")
    expect(signed_by).to_contain_text(
        "The document was changed after it was signed, so the signature no longer matches it."
    )
    assert_accessible(representative)


_CHANGE_ONE_BYTE = """
import sys
from django.core.files.base import ContentFile
from onewindow.applications.models import Application
application = Application.objects.get(reference=sys.argv[1])
with application.pdf.open("rb") as handle:
    data = bytearray(handle.read())
position = data.index(b"(", data.index(b"/Producer")) + 2  # inside the sealed bytes
data[position] = ord("X") if data[position] != ord("X") else ord("Y")
application.pdf.save("changed-after-sealing.pdf", ContentFile(bytes(data)))
"""


def embedded_files(pdf: Path) -> str:
    """poppler's `pdfdetach -list`: the files embedded in the PDF."""
    done = subprocess.run(
        ["pdfdetach", "-list", str(pdf)], capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout
