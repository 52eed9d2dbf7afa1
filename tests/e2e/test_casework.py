"""Casework end to end in real Chromium: a citizen applies with a PDF and a photo; a clerk
of the Patrol Police signs in to the back-office with password and app code, opens the
case (the citizen's data-access log shows it), takes it and answers with a document; the
citizen reads the answer, downloads the document and gets the e-mail from a real SMTP
server. A public-information request goes overdue, is flagged, and the citizen escalates
it to the agency's head. Every back-office page passes axe, and a clerk answers by
keyboard alone.

Real parts: the running portal (uvicorn), the sandbox agencies (the vehicle list comes
from the Patrol Police over the signed exchange), `manage.py create_staff`, TOTP codes,
an aiosmtpd server and `manage.py db_worker` delivering the e-mails.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.sandbox_process import free_port

from .casework import (
    Mailbox,
    browser_tab,
    jpeg_photo,
    manage,
    pdf_document,
    pdf_text,
    portal_program,
    run_jobs,
    smtp_server,
)
from .conftest import assert_accessible
from .sessions import sign_in, signed_in_session
from .test_hall import accept_terms_if_asked, tab_to, totp_code

pytestmark = pytest.mark.xdist_group("e2e")

NINO = "01001012345"  # a demo person (docs/demo-data.md); her Toyota is TB-505-NB
NINO_EMAIL = "nino.beridze@example.ge"
AGENCY = "patrol-police"
CLERK = "keti.maisuradze"
CLERK_NAME = "Keti Maisuradze"
HEAD = "davit.gelashvili"
STAFF_PASSWORD = "patrol-desk-password-2026"
CLERK_KEY = b"casework-clerk-e2e-key".hex()
HEAD_KEY = b"casework-head-e2e-key!".hex()
REFERENCE = re.compile(r"OW-\d{4}-\d{7}")


def today() -> date:
    """The portal's today (it keeps Georgian time)."""
    return datetime.now(ZoneInfo("Asia/Tbilisi")).date()


# --- People ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def staff(portal_env: dict[str, str], portal_url: str) -> dict[str, str]:
    """A clerk and the head of the Patrol Police, made as an operator makes them."""
    for username, role, key, first, last in (
        (CLERK, "clerk", CLERK_KEY, "Keti", "Maisuradze"),
        (HEAD, "head", HEAD_KEY, "Davit", "Gelashvili"),
    ):
        output = manage(
            portal_env, "create_staff", username, "--agency", AGENCY, "--role", role,
            "--password", STAFF_PASSWORD, "--totp-secret", key,
            "--first-name", first, "--last-name", last,
        )  # fmt: skip
        assert f"totp-secret-hex: {key}" in output
    return {CLERK: CLERK_KEY, HEAD: HEAD_KEY}


_CONFIRM_EMAIL = """
import sys
from django.utils import timezone
from onewindow.identity.models import Account
account = Account.objects.get(personal_number=sys.argv[1])
account.email, account.email_confirmed_at = sys.argv[2], timezone.now()
account.save(update_fields=["email", "email_confirmed_at"])
"""


@pytest.fixture
def nino(page: Page, portal_env: dict[str, str], portal_url: str) -> Iterator[Page]:
    """Nino signed in (as after an ID-card sign-in), with a confirmed e-mail address."""
    session = signed_in_session(
        portal_env, username="nino-casework", personal_number=NINO, first_name="Nino",
        last_name="Beridze",
    )  # fmt: skip
    portal_program(portal_env, _CONFIRM_EMAIL, NINO, NINO_EMAIL)
    sign_in(page.context, portal_url, session)
    yield page


@pytest.fixture(scope="module")
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    port = free_port()
    with smtp_server(port) as box:
        yield box, port


def staff_sign_in(page: Page, username: str, key_hex: str, *, to: str = "/en/office/") -> None:
    """Password, then the authenticator app's code (staff never sign in with a card)."""
    page.goto(to)
    expect(page).to_have_url(re.compile(r"/en/sign-in/\?next="))
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(STAFF_PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page).to_have_url(re.compile(r"/en/sign-in/password/code/$"))
    page.locator("#id_code").fill(totp_code(bytes.fromhex(key_hex)))
    page.locator("#id_code").press("Enter")
    accept_terms_if_asked(page, then=re.escape(to) + "$")
    expect(page).to_have_url(re.compile(re.escape(to) + "$"))


# --- The citizen's side ------------------------------------------------------------------


def press_continue(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Continue", exact=True).click()


def upload_evidence(page: Page, files: list[Path]) -> None:
    """Choose the files in the evidence page's own form (it posts multipart)."""
    field = page.locator("form[enctype='multipart/form-data'] input[type=file][name=evidence]")
    expect(field).to_have_count(1)
    field.set_input_files([str(file) for file in files])


def answer_pages(page: Page, answers: dict[str, Callable[[], object]]) -> None:
    """Answer each page the form shows (by its id), whatever the order, until the check
    page; a page not in `answers`, or an error on a page, fails the test."""
    for _ in range(len(answers) + 2):
        if "/check/" in page.url:
            return
        page_id = page.url.rstrip("/").rsplit("/", 1)[-1]
        assert page_id in answers, f"unexpected {page.url}: {page.locator('main').inner_text()}"
        answers[page_id]()
        press_continue(page)
        assert page.locator(".govuk-error-summary").count() == 0, page.locator("main").inner_text()
    raise AssertionError(f"the form never reached its check page: {page.url}")


def for_myself(page: Page) -> None:
    """Nino may act for her companies: she applies for herself (asked before the form)."""
    if page.locator('input[name="acting_for"][value="myself"]').count():
        page.check('input[name="acting_for"][value="myself"]')
        press_continue(page)


def apply_for_fine_appeal(page: Page, files: list[Path]) -> str:
    """Nino appeals a fine on her own car (pages answered in whatever order the form
    asks; a draft left by an earlier run resumes); returns the reference number."""
    offence = today() - timedelta(days=12)

    def the_fine() -> None:
        page.fill("#fine_number", "ZZ260181734")
        page.fill("#fine_date-day", str(offence.day))
        page.fill("#fine_date-month", str(offence.month))
        page.fill("#fine_date-year", str(offence.year))

    answers: dict[str, Callable[[], object]] = {
        "acting-for": lambda: page.check('input[name="acting_for_company"][value="no"]'),
        "vehicle": lambda: page.select_option("#vehicle", "TB-505-NB"),
        "fine": the_fine,
        "grounds": lambda: page.check('input[name="grounds"][value="misread-plate"]'),
        "explanation": lambda: page.fill(
            "#explanation", "The camera read another car's plate; my Toyota was at home."
        ),
        "evidence": lambda: upload_evidence(page, files),
    }
    page.goto("/en/apply/fine-appeal/")
    for_myself(page)
    answer_pages(page, answers)
    expect(page.locator("h1")).to_have_text("Check your answers before sending your application")
    for file in files:
        expect(page.locator(".govuk-summary-list")).to_contain_text(file.name)
    with page.expect_navigation():
        page.get_by_role("button", name="Accept and send").click()
    expect(page).to_have_url(re.compile(r"/en/applications/OW-\d{4}-\d{7}/submitted/$"))
    found = REFERENCE.search(page.locator(".govuk-panel").inner_text())
    assert found, page.locator("main").inner_text()
    return found.group(0)


def request_public_information(page: Page) -> str:
    """Nino asks the Patrol Police for public information; returns the reference."""
    page.goto("/en/apply/public-information-request/")
    if "/draft/" not in page.url:  # which institution: asked before the form
        page.select_option("#agency", AGENCY)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
    for_myself(page)
    answers: dict[str, Callable[[], object]] = {
        "information": lambda: page.fill(
            "#information", "The number of speed cameras on Chavchavadze Avenue in 2026."
        ),
        "period": lambda: page.check('input[name="period_known"][value="no"]'),
        "copy": lambda: page.check('input[name="copy_form"][value="electronic"]'),
        "contact": lambda: None,
    }
    answer_pages(page, answers)
    with page.expect_navigation():
        page.get_by_role("button", name="Accept and send").click()
    found = REFERENCE.search(page.locator(".govuk-panel").inner_text())
    assert found, page.locator("main").inner_text()
    return found.group(0)


# --- The clerk's side --------------------------------------------------------------------


def case_action(page: Page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()


def status_of(page: Page) -> str:
    """The case's status as the case page's first summary shows it."""
    summary = page.locator("main dl.govuk-summary-list").first
    return summary.locator(".govuk-tag").first.inner_text().strip()


def test_a_citizen_applies_a_clerk_answers_and_the_citizen_is_told(
    nino: Page,
    browser: Browser,
    portal_url: str,
    portal_env: dict[str, str],
    staff: dict[str, str],
    mailbox: tuple[Mailbox, int],
    tmp_path: Path,
) -> None:
    citizen = nino
    evidence = [
        pdf_document(tmp_path / "sale-contract.pdf", "Sale contract of TB-505-NB"),
        jpeg_photo(tmp_path / "car-at-home.jpg"),
    ]
    reference = apply_for_fine_appeal(citizen, evidence)
    citizen.goto(f"/en/applications/{reference}/")
    expect(citizen.locator("main")).to_contain_text("Appeal a fine")
    citizen.goto("/en/my-data/access-log/")
    expect(citizen.locator("main h1")).to_be_visible()
    expect(citizen.locator("main tbody tr", has_text=reference)).to_have_count(0)

    decision = pdf_document(tmp_path / "decision.pdf", f"Decision on {reference}: cancelled")
    with browser_tab(browser, portal_url) as clerk:
        staff_sign_in(clerk, CLERK, staff[CLERK])
        # The inbox lists the new case; the clerk finds it by its reference.
        clerk.locator("#id_q").fill(reference)
        with clerk.expect_navigation():
            clerk.get_by_role("button", name="Apply filters").click()
        row = clerk.locator("tbody tr", has_text=reference)
        expect(row).to_have_count(1)
        expect(row).to_contain_text("unassigned")
        with clerk.expect_navigation():
            row.get_by_role("link", name=reference).click()
        expect(clerk.locator("h1")).to_have_text("Appeal a fine")
        attachments = clerk.locator("h2:has-text('Attachments') + ul")
        for file in evidence:
            expect(attachments).to_contain_text(file.name)

        # Opening the case is in Nino's data-access log, under the clerk's name.
        # (At most once an hour per staff member and case: one entry, however often.)
        clerk.reload()
        citizen.goto("/en/my-data/access-log/")
        entry = citizen.locator("main tbody tr", has_text=reference)
        expect(entry).to_have_count(1)
        expect(entry).to_contain_text(CLERK_NAME)

        case_action(clerk, "Assign to me")
        expect(clerk.locator("main dl.govuk-summary-list").first).to_contain_text(CLERK_NAME)
        case_action(clerk, "Mark as in progress")
        assert status_of(clerk) == "in progress"
        clerk.check("#answer-outcome")  # approved
        clerk.fill("#answer-body", f"Your appeal {reference} is upheld: the fine is cancelled.")
        clerk.set_input_files("#answer-documents", str(decision))
        case_action(clerk, "Send the answer")
        assert status_of(clerk) == "answered"
        expect(clerk.locator("main dl.govuk-summary-list").first).to_contain_text("(approved)")

    # The worker checks the signatures of the answer's files (they were only queued when
    # the answer was sent) and sends the e-mails about it.
    box, port = mailbox
    run_jobs(portal_env, smtp_port=port)

    # Nino reads the answer and downloads the decision.
    citizen.goto(f"/en/applications/{reference}/")
    thread = citizen.locator("#thread + ol")
    expect(thread).to_contain_text("the fine is cancelled")
    expect(thread).to_contain_text("Decision: approved")
    with citizen.expect_download() as download:
        thread.get_by_role("link", name="decision.pdf").click()
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "decision.pdf"
    # The portal's agencies seal what they send: the decision comes as the agency's sealed
    # copy of the clerk's file (its content, sealed), with the sealed answer letter.
    assert f"Decision on {reference}: cancelled" in pdf_text(saved)
    for name in ("decision.pdf", f"Answer {reference}.pdf"):
        sent = thread.locator("li li", has_text=name)
        expect(sent.locator(".ow-signature-report")).to_contain_text("Signature valid")
    assert_accessible(citizen)

    # The worker sent the e-mail about the answer, in English (she applied in English).
    about_it = [m for m in box.to(NINO_EMAIL) if reference in str(m["Subject"])]
    answered = [m for m in about_it if "approved" in str(m["Subject"])]
    assert [str(m["Subject"]) for m in answered] == [f"Application {reference}: approved"], [
        (str(m["To"]), str(m["Subject"])) for m in box.messages
    ]
    assert answered[0]["To"] == NINO_EMAIL
    payload = answered[0].get_payload(decode=True)
    assert isinstance(payload, bytes)
    body = payload.decode()
    assert reference in body
    assert "has approved your application" in body
    assert f"/en/applications/{reference}/" in body


_MAKE_OVERDUE = """
import sys
from datetime import date, datetime, timedelta
from django.utils import timezone
from onewindow.applications.models import Application
due = date.fromisoformat(sys.argv[2])
Application.objects.filter(reference=sys.argv[1]).update(
    submitted_at=timezone.now() - timedelta(days=30), due_on=due
)
"""


def english_date(day: date) -> str:
    return f"{day.day} {day.strftime('%B')} {day.year}"


def test_an_overdue_request_is_flagged_and_escalated_to_the_head(
    nino: Page,
    browser: Browser,
    portal_url: str,
    portal_env: dict[str, str],
    staff: dict[str, str],
) -> None:
    citizen = nino
    reference = request_public_information(citizen)
    # The only faked part: ten working days do not pass during a test, so the request's
    # submission and statutory deadline are moved into the past in the portal's database.
    due = today() - timedelta(days=7)
    portal_program(portal_env, _MAKE_OVERDUE, reference, due.isoformat())

    citizen.goto(f"/en/applications/{reference}/")
    deadline = citizen.locator("#deadline")
    expect(deadline).to_contain_text("Overdue since")
    expect(deadline).to_contain_text(f"the answer was due by {english_date(due)}")
    citizen.goto("/en/applications/")
    row = citizen.locator("tbody tr", has_text=reference)
    expect(row).to_contain_text(english_date(due))
    expect(row.locator(".govuk-tag--red")).to_have_text("Overdue")

    with browser_tab(browser, portal_url) as clerk:
        staff_sign_in(clerk, CLERK, staff[CLERK])
        flagged = clerk.locator("tbody tr", has_text=reference)
        expect(flagged.locator(".govuk-tag--red")).to_have_text("overdue")
        clerk.check("#id_overdue")
        with clerk.expect_navigation():
            clerk.get_by_role("button", name="Apply filters").click()
        expect(clerk).to_have_url(re.compile(r"overdue=on"))
        rows = clerk.locator("tbody tr")
        expect(rows.filter(has_text=reference)).to_have_count(1)
        assert rows.count() == rows.filter(has=clerk.locator(".govuk-tag--red")).count()

    # One action sends it to the head; it cannot be sent twice.
    citizen.goto(f"/en/applications/{reference}/")
    with citizen.expect_navigation():
        citizen.get_by_role("button", name="Send to the head of the agency").click()
    expect(citizen.locator("main")).to_contain_text("Sent to the head of the agency")
    expect(citizen.get_by_role("button", name="Send to the head of the agency")).to_have_count(0)

    with browser_tab(browser, portal_url) as head:
        staff_sign_in(head, HEAD, staff[HEAD], to="/en/inbox/")
        expect(head.locator("main")).to_contain_text(reference)
        head.goto(f"/en/office/cases/{reference}/")
        correspondence = head.locator("h2:has-text('Correspondence') ~ .govuk-inset-text")
        expect(correspondence.first).to_contain_text("From the applicant")
        expect(correspondence.first).to_contain_text(
            f"was due by {due.strftime('%d.%m.%Y')} and has not come"
        )
        assert_accessible(head)


# --- The back-office's accessibility and the keyboard ------------------------------------


def press(page: Page, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def test_every_back_office_page_is_accessible_and_answering_works_by_keyboard(
    nino: Page,
    browser: Browser,
    portal_url: str,
    staff: dict[str, str],
    tmp_path: Path,
) -> None:
    reference = apply_for_fine_appeal(nino, [jpeg_photo(tmp_path / "photo.jpg")])
    decision = pdf_document(tmp_path / "refusal.pdf", f"Decision on {reference}")

    with browser_tab(browser, portal_url) as clerk:
        staff_sign_in(clerk, CLERK, staff[CLERK])
        assert_accessible(clerk)  # the inbox
        clerk.goto(f"/en/office/?status=submitted&q={reference}&sort=submitted")
        expect(clerk.locator("tbody tr", has_text=reference)).to_have_count(1)
        assert_accessible(clerk)  # filters applied
        clerk.goto("/en/office/?q=no-such-case-anywhere")
        expect(clerk.locator("main")).to_contain_text("No cases match these filters.")
        assert_accessible(clerk)  # empty results
        clerk.goto("/en/office/?due_from=2026-12-31&due_to=2026-01-01")
        expect(clerk.locator(".govuk-error-summary")).to_contain_text(
            "The end of the range must be after its start"
        )
        assert_accessible(clerk)  # a filter's error

        clerk.goto(f"/en/office/cases/{reference}/")
        assert status_of(clerk) == "submitted"
        assert_accessible(clerk)
        case_action(clerk, "Assign to me")
        case_action(clerk, "Mark as in progress")
        assert status_of(clerk) == "in progress"
        assert_accessible(clerk)

        # The answer form with nothing chosen: the errors are listed and linked.
        with clerk.expect_navigation():
            clerk.get_by_role("button", name="Send the answer").click()
        summary = clerk.locator(".govuk-error-summary")
        expect(summary).to_be_visible()
        expect(clerk.locator("#answer-outcome-error")).to_be_visible()
        expect(clerk.locator("#answer-body-error")).to_be_visible()
        assert status_of(clerk) == "in progress"
        assert_accessible(clerk)

        clerk.fill("#request-body", "Send us the photo of the fine notice, please.")
        case_action(clerk, "Send the request")
        assert status_of(clerk) == "more information requested"
        assert_accessible(clerk)

        # The whole answer by keyboard: Tab, arrows, Space and Enter; no clicks.
        clerk.goto(f"/en/office/cases/{reference}/")
        # (Tab enters a radio group once; the arrow keys choose within it.)
        tab_to(clerk, "answer-outcome", limit=200)
        clerk.keyboard.press("Space")
        assert clerk.is_checked("#answer-outcome")
        clerk.keyboard.press("ArrowDown")
        assert clerk.evaluate("document.activeElement.id") == "answer-outcome-rejected"
        assert clerk.is_checked("#answer-outcome-rejected")
        clerk.keyboard.press("Tab")
        assert clerk.evaluate("document.activeElement.id") == "answer-body"
        clerk.keyboard.type(f"Your appeal {reference} is refused: the photo shows your car.")
        clerk.keyboard.press("Tab")
        assert clerk.evaluate("document.activeElement.id") == "answer-documents"
        # The file input has the focus, so Space or Enter opens the system's file dialog —
        # a window of the operating system, not of the page, which headless Chromium does
        # not always report (CI's Chromium 156 did not). The file is chosen for it.
        clerk.locator("#answer-documents").set_input_files(str(decision))
        assert clerk.evaluate("document.activeElement.id") == "answer-documents"
        clerk.keyboard.press("Tab")
        assert clerk.evaluate("document.activeElement.textContent.trim()") == "Send the answer"
        press(clerk, "Enter")
        expect(clerk.locator(".govuk-notification-banner")).to_contain_text(
            "Your answer was sent to the applicant."
        )
        assert status_of(clerk) == "answered"
        expect(clerk.locator("main")).to_contain_text("refusal.pdf")
        assert_accessible(clerk)

    with browser_tab(browser, portal_url) as head:
        staff_sign_in(head, HEAD, staff[HEAD], to="/en/office/workload/")
        expect(head.locator("h1")).to_be_visible()
        assert_accessible(head)
