"""Issue 6 end to end in real Chromium: a citizen applies for a real catalogue service that
needs a signature (mortgage registration, Public Registry), sees what is signed, signs in
the real card agent's dialog with the demo card's PIN and sends it; a Public Registry
clerk answers with a document, and the answer comes with a letter sealed by the agency in
the portal's SoftHSM2 token; the citizen downloads the letter, reads its verification code
and checks it on the public page by code and by file ("authentic and unchanged"), then a
copy with one changed byte ("changed"). poppler's pdfsig checks the signed application.
Every page new in issue 6 passes axe: the signing page, the application and case pages
with their signature reports, the verification page in each state.

Real parts: the shared portal (uvicorn) with the agencies' seal token, the sandbox
agencies (Tamaz's properties come from the Public Registry over the signed exchange), the
session test PKI's TSA, OCSP and CRLs, the card agent on SoftHSM2 cards.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.cardagent_process import RunningAgent

from .casework import (
    assert_pdfsig_trusts,
    browser_tab,
    create_staff,
    pdf_document,
    pdf_text,
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
    for_myself,
    staff_sign_in,
    today,
)

pytestmark = pytest.mark.xdist_group("e2e")

# The mortgage sample (catalog/forms/samples/mortgage-registration.yaml): Tamaz Beridze
# mortgages his Borjomi house for a loan from his son Giorgi.
TAMAZ = {"personal_number": "01024011122", "label": "card-01024011122", "pin": "4567"}
PROPERTY = "64.02.03.040.017"
LENDER = "01008057492"
AGENCY = "napr"
CLERK = "eka.registry-clerk"
CLERK_KEY = b"signed-casework-e2e-key".hex()
CODE = re.compile(r"\b[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}\b")


@pytest.fixture(scope="module")
def card_agent(
    own_card_agent: OwnCardAgent,  # noqa: F811 - the fixture imported above
) -> RunningAgent:
    """The citizen's card agent, with cards of its own (SoftHSM2 tokens)."""
    _, agent = own_card_agent("signed-casework")
    return agent


@pytest.fixture
def tamaz(
    page: Page, portal_env: dict[str, str], portal_url: str, card_agent: RunningAgent
) -> Page:
    return signed_in_person(
        page, portal_env, portal_url, username="tamaz-signed-casework",
        personal_number=TAMAZ["personal_number"], first_name="Tamaz", last_name="Beridze",
    )  # fmt: skip


def apply_for_a_mortgage(page: Page, agreements: list[Path]) -> None:
    """Tamaz answers the mortgage form (as its sample does) up to "check your answers"."""
    signed_on = today() - timedelta(days=12)
    repaid_by = today().replace(year=today().year + 3)

    def dates() -> None:
        for field, day in (("agreement_date", signed_on), ("end_date", repaid_by)):
            page.fill(f"#{field}-day", str(day.day))
            page.fill(f"#{field}-month", str(day.month))
            page.fill(f"#{field}-year", str(day.year))

    def amount() -> None:
        page.fill("#amount", "25000.00")
        page.check('input[name="currency"][value="GEL"]')

    def files() -> None:
        page.set_input_files("#mortgage_agreement", str(agreements[0]))
        page.set_input_files("#loan_agreement", str(agreements[1]))

    answers: dict[str, Callable[[], object]] = {
        "property": lambda: page.select_option("#property", PROPERTY),
        "co-owners": lambda: page.check('input[name="has_co_owners"][value="no"]'),
        "lender-type": lambda: page.check('input[name="lender_type"][value="person"]'),
        "lender-person": lambda: page.fill("#lender_personal_number", LENDER),
        "amount": amount,
        "term": dates,
        "notarised": lambda: page.check('input[name="notarised"][value="no"]'),
        "agreements": files,
        "speed": lambda: page.check('input[name="speed"][value="standard"]'),
    }
    page.goto("/en/apply/mortgage-registration/")
    for_myself(page)
    answer_pages(page, answers)
    for file in agreements:
        expect(page.locator("main")).to_contain_text(file.name)


def sign_and_send(page: Page, agreements: list[Path]) -> str:
    """From "check your answers": see what is signed, sign in the agent's dialog, send."""
    expect(page.locator("main")).to_contain_text("This application must be signed")
    with page.expect_navigation():
        page.get_by_role("button", name="Continue to signing").click()
    expect(page).to_have_url(re.compile(r"/en/sign/draft/[0-9a-f-]+/$"))
    expect(page.locator("h1")).to_have_text("Sign your application")
    expect(page.locator("#signed-answers")).to_contain_text(PROPERTY)
    expect(page.locator("#signed-answers")).to_contain_text(LENDER)
    for file in agreements:  # each file is offered, and chosen, to be signed with it
        expect(page.get_by_label(re.compile(re.escape(file.name)))).to_be_checked()
    preview = page.request.get(page.locator("[data-sign-preview]").get_attribute("href") or "")
    assert preview.ok and preview.body().startswith(b"%PDF-")
    assert_accessible(page)

    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Sign with ID card").click()
    dialog = opened.value
    dialog.wait_for_url(re.compile(r"/v1/sign-dialog/"))
    # Both of Tamaz's cards are offered (his expired one too); he chooses the valid one.
    expect(dialog.locator('input[name="card"]')).to_have_count(2)
    dialog.locator(f'input[name="card"][value="{TAMAZ["label"]}"]').check()
    dialog.locator('button[value="continue"]').click()
    expect(dialog.locator("#signing-what")).to_contain_text("fingerprint")
    dialog.locator("#pin").fill(TAMAZ["pin"])
    dialog.locator('button[value="continue"]').click()

    page.wait_for_url(re.compile(r"\?signed=[0-9a-f-]+#signed$"), timeout=30_000)
    expect(page.locator("#signed")).to_contain_text("Your application is signed")
    expect(page.locator("#signed")).to_contain_text("Signed by")
    assert_accessible(page)
    return accept_and_send(page)


def clerk_answers(
    browser: Browser,
    portal_url: str,
    reference: str,
    decision: Path,
    staff_key: str,
    env: dict[str, str],
) -> None:
    """A Public Registry clerk sees the signature's report on the case and answers."""
    with browser_tab(browser, portal_url) as clerk:
        staff_sign_in(clerk, CLERK, staff_key, to=f"/en/office/cases/{reference}/")
        expect(clerk.locator("h1")).to_have_text("Register a mortgage")
        expect(clerk.locator("main")).to_contain_text(PROPERTY)
        approve_with_answer(clerk, f"The mortgage of {reference} is registered.", document=decision)
        # The agency's sealed letter is in the correspondence, with its seal's report.
        # (Listed with the case's files and in the correspondence: each has the report.)
        letter = clerk.locator("main li", has_text=f"Answer {reference}.pdf")
        # Its signatures are checked by the worker, not while the answer is sent.
        expect(letter.locator(".ow-signature-pending")).to_have_count(2)
        expect(letter.locator(".ow-signature-pending").first).to_contain_text(
            "Checking the signatures"
        )
        assert_accessible(clerk)  # the case page while the check is pending
        run_worker(env, worker_id="signed-casework-e2e")
        clerk.reload()
        expect(letter.locator(".ow-signature-pending")).to_have_count(0)
        expect(letter.locator(".ow-signature-report")).to_have_count(2)
        report = letter.locator(".ow-signature-report").last
        expect(report).to_contain_text("Signature valid")
        report.locator("summary").click()
        expect(report).to_contain_text("Sealed by")
        assert_accessible(clerk)  # the case page with the signature report


def verify(page: Page, *, code: str = "", file: Path | None = None) -> Any:
    """Check a code or a file on the public verification page; its verdict element."""
    page.goto("/en/verify/")
    if code:
        page.fill("#verify-code", code)
    if file is not None:
        page.set_input_files("#verify-file", str(file))
    with page.expect_navigation():
        page.get_by_role("button", name="Check", exact=True).click()
    result = page.locator("#verify-result")
    expect(result).to_be_visible()
    assert_accessible(page)
    return result


def test_a_signed_application_gets_a_sealed_answer_anyone_can_verify(
    tamaz: Page,
    browser: Browser,
    portal_url: str,
    portal_env: dict[str, str],
    idpki_server: Any,
    tmp_path: Path,
) -> None:
    citizen = tamaz
    agreements = [
        pdf_document(tmp_path / "mortgage-agreement.pdf", "Mortgage agreement, Borjomi house"),
        pdf_document(tmp_path / "loan-agreement.pdf", "Loan agreement, 25000 GEL"),
    ]
    apply_for_a_mortgage(citizen, agreements)
    reference = sign_and_send(citizen, agreements)

    # The application page: who signed it, and the signed PDF as the citizen downloads it.
    citizen.goto(f"/en/applications/{reference}/")
    expect(citizen.locator("#signed-by")).to_contain_text("Signed by")
    assert_accessible(citizen)
    with citizen.expect_download() as download:
        citizen.get_by_role("link", name="Download your application as a PDF").click()
    signed = tmp_path / "signed-application.pdf"
    download.value.save_as(signed)
    # Tamaz's signature is valid and chains to the session root; it covers the revision
    # he signed (the archive timestamp and validation data are added after it, B-LTA).
    assert_pdfsig_trusts(
        signed, "BERIDZE,TAMAZ,01024011122", pki_server=idpki_server, workdir=tmp_path / "pdfsig"
    )

    create_staff(
        portal_env, CLERK, agency=AGENCY, role="clerk", password=STAFF_PASSWORD,
        totp_key=CLERK_KEY, first_name="Eka", last_name="Registry",
    )  # fmt: skip
    decision = pdf_document(tmp_path / "registration.pdf", f"Mortgage {reference} registered")
    clerk_answers(browser, portal_url, reference, decision, CLERK_KEY, portal_env)

    # The citizen reads the answer: the clerk's document and the agency's sealed letter.
    citizen.goto(f"/en/applications/{reference}/")
    thread = citizen.locator("#thread + ol")
    expect(thread).to_contain_text(f"The mortgage of {reference} is registered.")
    expect(thread).to_contain_text("registration.pdf")
    letter_name = f"Answer {reference}.pdf"
    letter_item = thread.locator("li li", has_text=letter_name)
    expect(letter_item.locator(".ow-signature-report")).to_contain_text("Signature valid")
    assert_accessible(citizen)  # the application page with the answer's signature report
    with citizen.expect_download() as download:
        thread.get_by_role("link", name=letter_name).click()
    letter = tmp_path / "answer.pdf"
    download.value.save_as(letter)
    text = pdf_text(letter)
    assert reference in text, text
    found = CODE.search(text)
    assert found, text
    code = found.group(0)

    citizen.goto("/en/verify/")
    expect(citizen.locator("h1")).to_have_text("Check a document")
    assert_accessible(citizen)  # the empty form

    by_code = verify(citizen, code=code.lower().replace("-", " "))  # typed loosely
    expect(by_code).to_have_attribute("data-verdict", "authentic")
    expect(by_code).to_contain_text("Authentic")
    expect(citizen.locator("#verify-download")).to_be_visible()

    by_file = verify(citizen, file=letter)
    expect(by_file).to_have_attribute("data-verdict", "authentic")
    expect(by_file).to_contain_text("Authentic and unchanged")

    changed = tmp_path / "answer-changed.pdf"
    changed.write_bytes(one_byte_changed(letter.read_bytes()))
    by_changed = verify(citizen, file=changed)
    expect(by_changed).to_have_attribute("data-verdict", "changed")
    expect(by_changed).to_contain_text("This file was changed after it was issued")

    # The citizen's own signed application was not issued by the portal: said so, with
    # its own signature's report.
    foreign = verify(citizen, file=signed)
    expect(foreign).to_have_attribute("data-verdict", "unknown")
    expect(foreign).to_contain_text("This document was not issued by this portal.")


def one_byte_changed(pdf: bytes) -> bytes:
    """The file with one byte changed in its binary-marker comment (line 2): still a PDF
    that reads as before and names its code, no longer the bytes the seal covers."""
    marker = pdf.index(b"\n%", 0, 32) + 2
    assert pdf[marker] >= 0x80, pdf[:32]  # a comment of high bytes, as PDF writers put it
    return pdf[:marker] + bytes([pdf[marker] ^ 0x01]) + pdf[marker + 1 :]
