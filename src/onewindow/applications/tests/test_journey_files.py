"""Files inside the apply journey's form pages: a page with a file question posts
multipart; Continue keeps the chosen files (all or none) through the attachment checks;
refusals show in the error summary and on the field and keep nothing; files already
attached are listed with "Remove"; required and max_files count them; the answer is the
server's list of the draft's own files; the application keeps them after submission.

The forms are the catalogue's own: the letter to a public body
(catalog/forms/correspondence-public-agencies.yaml) and the roof repair co-financing."""

# The fixtures come from journey_helpers: pytest passes them in under the same names.
# ruff: noqa: F811

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from playwright.sync_api import Browser, sync_playwright

from onewindow.applications.attachments.services import attachment_store
from onewindow.applications.attachments.tests import files
from onewindow.applications.models import Application, Attachment, Draft
from onewindow.catalog.models import Agency, Service
from onewindow.identity.models import Account

from .journey_helpers import (  # noqa: F401 - fixtures
    agency,
    citizen,
    make_service,
    other_citizen,
)

pytestmark = pytest.mark.django_db

FORMS_DIR = Path(django_settings.BASE_DIR) / "catalog" / "forms"
CSS = Path(__file__).resolve().parents[2] / "static" / "dist" / "css" / "onewindow.css"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# The letter, up to the page where the letter itself is uploaded.
LETTER_ANSWERS: dict[str, Any] = {
    "acting_for_company": "no",
    "letter_type": "letter",
    "subject": "Pavement on Dadiani Street",
    "letter_format": "upload",
}
LETTER_PAGES = ["acting-for", "letter-type", "subject", "letter-format"]


@pytest.fixture(autouse=True)
def attachment_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "files"
    settings.ATTACHMENT_ROOT = root
    settings.ATTACHMENT_CLAMD_SOCKET = ""
    return root


def stored(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def catalogue_service(agency: Agency, code: str) -> Service:
    """A service with its real form from catalog/forms/."""
    with (FORMS_DIR / f"{code}.yaml").open(encoding="utf-8") as handle:
        form = yaml.safe_load(handle)
    return make_service(agency, code=code, form=form)


@pytest.fixture
def letter(agency: Agency) -> Service:
    return catalogue_service(agency, "correspondence-public-agencies")


def letter_draft(owner: Account, service: Service, agency: Agency, **extra: Any) -> Draft:
    values: dict[str, Any] = {
        "answers": dict(LETTER_ANSWERS),
        "completed_pages": list(LETTER_PAGES),
        "language": "en",
        "agency": agency,
        "expires_at": timezone.now() + timedelta(days=30),
    }
    values.update(extra)
    return Draft.objects.create(owner=owner, service=service, **values)


@pytest.fixture
def draft(citizen: Account, letter: Service, agency: Agency) -> Draft:
    return letter_draft(citizen, letter, agency)


def signed_in(account: Account) -> Client:
    client = Client()
    client.force_login(account)
    return client


def url(draft: Draft, page: str) -> str:
    return f"/en/apply/draft/{draft.pk}/{page}/"


def text(response: Any) -> str:
    content: bytes = response.content
    return content.decode()


def chosen(content: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def attach(draft: Draft, field: str, content: bytes, name: str) -> Attachment:
    """A file attached earlier (through the attachments part's own interface)."""
    return attachment_store(
        chosen(content, name), uploaded_by=draft.owner, draft=draft, field=field
    )


def summary_links(body: str) -> list[str]:
    box = body.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="#([^"]+)">', box)


def test_a_page_with_a_file_question_posts_multipart(citizen: Account, draft: Draft) -> None:
    client = signed_in(citizen)
    body = text(client.get(url(draft, "letter-file")))
    assert 'enctype="multipart/form-data"' in body
    assert re.search(
        r'<input class="govuk-file-upload" id="letter_file" name="letter_file" type="file"', body
    )
    assert "You can attach 1 file: PDF, DOCX, ODT, ASICE." in body
    # A page without a file question stays an ordinary form.
    assert 'enctype="multipart/form-data"' not in text(client.get(url(draft, "subject")))


def test_continue_keeps_the_file_and_it_is_listed_with_remove(
    citizen: Account, draft: Draft, attachment_root: Path
) -> None:
    client = signed_in(citizen)
    response = client.post(
        url(draft, "letter-file"), {"letter_file": chosen(files.pdf(), "ჩემი წერილი.pdf")}
    )
    assert response.status_code == 302
    assert response["Location"] == url(draft, "attachments")
    row = Attachment.objects.get(draft=draft)
    assert (row.field, row.name, row.content_type) == (
        "letter_file",
        "ჩემი წერილი.pdf",
        "application/pdf",
    )
    draft.refresh_from_db()
    assert draft.answers["letter_file"] == [str(row.pk)]
    assert "letter-file" in draft.completed_pages
    [path] = stored(attachment_root)
    assert path.read_bytes() == files.pdf()

    body = text(client.get(url(draft, "letter-file")))
    assert "ჩემი წერილი.pdf" in body and "1 file attached" in body
    button = re.search(
        r'<button type="submit"[^>]*name="remove-file" value="([^"]+)">'
        r'Remove<span class="govuk-visually-hidden"> ([^<]+)</span></button>',
        body,
    )
    assert button is not None and button.groups() == (str(row.pk), "ჩემი წერილი.pdf")
    # Enter in the form is "Continue", never the first "Remove".
    assert (
        body.index('<button type="submit" hidden tabindex="-1">Continue</button>') < button.start()
    )


REFUSED: list[tuple[str, str, Any, str, str]] = [
    # (case, page and question, content, file name, part of the message)
    (
        "type by content",
        "attachments",
        lambda: files.HTML,
        "letter.pdf",
        "The file must be a PDF, JPG, PNG, DOCX, ODT or ASiC-E",
    ),
    (
        "type the question does not take",
        "letter_file",
        files.jpeg,
        "photo.jpg",
        "The selected file must be one of these types: PDF, DOCX, ODT, ASiC-E",
    ),
    (
        "zip bomb",
        "attachments",
        lambda: files.docx_bomb(20),
        "big.docx",
        "The file unpacks to too much data",
    ),
    (
        "path traversal inside",
        "attachments",
        lambda: files.docx_with_member("../../etc/passwd"),
        "a.docx",
        "parts with names that are not allowed",
    ),
    ("empty", "attachments", lambda: b"", "empty.pdf", "The selected file is empty"),
]
PAGE_OF = {"attachments": "attachments", "letter_file": "letter-file"}


@pytest.mark.parametrize(
    ("case", "field", "content", "name", "message"), REFUSED, ids=[c[0] for c in REFUSED]
)
def test_a_refused_file_is_shown_and_nothing_is_kept(
    citizen: Account,
    draft: Draft,
    attachment_root: Path,
    case: str,
    field: str,
    content: Any,
    name: str,
    message: str,
) -> None:
    client = signed_in(citizen)
    response = client.post(url(draft, PAGE_OF[field]), {field: chosen(content(), name)})
    assert response.status_code == 400, case
    body = text(response)
    assert summary_links(body) == [field]
    assert body.count(message) == 2  # the summary and the field
    assert f'id="{field}-error"' in body and "govuk-file-upload--error" in body
    assert not Attachment.objects.exists() and stored(attachment_root) == []
    draft.refresh_from_db()
    assert PAGE_OF[field] not in draft.completed_pages


def test_a_file_over_the_limit_is_refused_without_keeping_it(
    citizen: Account, draft: Draft, attachment_root: Path, settings: Any
) -> None:
    big = files.jpeg((600, 600))
    settings.ATTACHMENT_MAX_FILE_BYTES = len(big) - 1
    response = signed_in(citizen).post(
        url(draft, "attachments"), {"attachments": chosen(big, "roof.jpg")}
    )
    assert response.status_code == 400
    assert text(response).count("The file must be smaller than") == 2
    assert not Attachment.objects.exists() and stored(attachment_root) == []


def test_the_application_total_counts_files_already_attached(
    citizen: Account, draft: Draft, attachment_root: Path, settings: Any
) -> None:
    first = attach(draft, "attachments", files.pdf("one"), "one.pdf")
    settings.ATTACHMENT_MAX_APPLICATION_BYTES = first.size + 100
    response = signed_in(citizen).post(
        url(draft, "attachments"), {"attachments": chosen(files.png(), "two.png")}
    )
    assert response.status_code == 400
    assert "All the files of one application together must be smaller than" in text(response)
    assert list(Attachment.objects.values_list("name", flat=True)) == ["one.pdf"]
    assert len(stored(attachment_root)) == 1


def test_several_files_are_kept_all_or_none(
    citizen: Account, draft: Draft, attachment_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    client = signed_in(citizen)
    post = {"attachments": [chosen(files.pdf(), "good.pdf"), chosen(files.HTML, "bad.pdf")]}
    with django_capture_on_commit_callbacks(execute=True):  # the request's own commits
        response = client.post(url(draft, "attachments"), post)
    assert response.status_code == 400
    assert "bad.pdf: The file must be a PDF" in text(response)  # which of them, when several
    assert not Attachment.objects.exists() and stored(attachment_root) == []

    post = {"attachments": [chosen(files.pdf(), "good.pdf"), chosen(files.odt(), "notes.odt")]}
    assert client.post(url(draft, "attachments"), post).status_code == 302
    assert sorted(Attachment.objects.values_list("name", flat=True)) == ["good.pdf", "notes.odt"]
    draft.refresh_from_db()
    assert len(draft.answers["attachments"]) == 2 and len(stored(attachment_root)) == 2


def test_a_name_climbing_out_of_its_folder_never_reaches_the_disk(
    citizen: Account, draft: Draft, attachment_root: Path
) -> None:
    """Django keeps only the last part of an uploaded file's name; the file is kept under a
    random name inside the attachments' folder and shown under its own last part."""
    boundary = "ow-files-test"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; '
            f'filename="../../../etc/passwd.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        + files.pdf()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = signed_in(citizen).post(
        url(draft, "attachments"), body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 302
    row = Attachment.objects.get()
    assert row.name == "passwd.pdf" and ".." not in str(row.file.name)
    [path] = stored(attachment_root)
    assert path.resolve().is_relative_to(attachment_root.resolve())
    assert path.name != "passwd.pdf"


def test_other_answers_on_the_page_are_not_lost(citizen: Account, agency: Agency) -> None:
    service = catalogue_service(agency, "roof-repair-cofinancing")
    draft = Draft.objects.create(
        owner=citizen,
        service=service,
        language="en",
        expires_at=timezone.now() + timedelta(days=30),
    )
    when = timezone.localdate() - timedelta(days=10)
    meeting = {
        "meeting_date-day": str(when.day),
        "meeting_date-month": str(when.month),
        "meeting_date-year": str(when.year),
    }
    client = signed_in(citizen)
    response = client.post(
        url(draft, "meeting"), {**meeting, "meeting_decision": chosen(files.HTML, "minutes.pdf")}
    )
    assert response.status_code == 400
    body = text(response)
    assert (
        f'name="meeting_date-year" type="text" value="{when.year}"' in body
        or f'value="{when.year}"' in body
    )
    assert summary_links(body) == ["meeting_decision"]
    assert not Attachment.objects.exists()

    # A good file with a wrong date: the file is kept and listed, the date is asked again.
    bad_date = {**meeting, "meeting_date-day": "40"}
    response = client.post(
        url(draft, "meeting"), {**bad_date, "meeting_decision": chosen(files.pdf(), "minutes.pdf")}
    )
    assert response.status_code == 400
    body = text(response)
    assert summary_links(body) == ["meeting_date-day"]
    assert "minutes.pdf" in body and 'value="40"' in body
    assert Attachment.objects.get().field == "meeting_decision"

    # Then the date alone is enough: the required file question has its file.
    assert client.post(url(draft, "meeting"), meeting).status_code == 302
    draft.refresh_from_db()
    assert draft.answers["meeting_decision"] == [str(Attachment.objects.get().pk)]
    assert draft.answers["meeting_date"] == when.isoformat()


def test_removing_a_file(
    citizen: Account, draft: Draft, attachment_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    client = signed_in(citizen)
    two = {"attachments": [chosen(files.pdf(), "a.pdf"), chosen(files.png(), "b.png")]}
    assert client.post(url(draft, "attachments"), two).status_code == 302
    first, second = Attachment.objects.order_by("name")
    with django_capture_on_commit_callbacks(execute=True):  # the request's own commits
        response = client.post(url(draft, "attachments"), {"remove-file": str(first.pk)})
    assert response.status_code == 200
    body = text(response)
    assert "a.pdf has been removed" in body and "b.png" in body
    assert list(Attachment.objects.all()) == [second]
    assert len(stored(attachment_root)) == 1
    draft.refresh_from_db()
    assert draft.answers["attachments"] == [str(second.pk)]  # the answer follows the files
    assert "attachments" in draft.completed_pages  # optional: still answered


def test_removing_the_only_file_of_a_required_question_asks_it_again(
    citizen: Account, draft: Draft
) -> None:
    client = signed_in(citizen)
    client.post(url(draft, "letter-file"), {"letter_file": chosen(files.pdf(), "letter.pdf")})
    row = Attachment.objects.get()
    assert client.post(url(draft, "letter-file"), {"remove-file": str(row.pk)}).status_code == 200
    draft.refresh_from_db()
    assert "letter_file" not in draft.answers and "letter-file" not in draft.completed_pages
    assert not Attachment.objects.exists()


def test_required_is_satisfied_by_a_file_already_attached(citizen: Account, draft: Draft) -> None:
    client = signed_in(citizen)
    response = client.post(url(draft, "letter-file"), {})
    assert response.status_code == 400
    body = text(response)
    assert (
        summary_links(body) == ["letter_file"]
        and body.count("Select the file with your letter") == 2
    )

    earlier = attach(draft, "letter_file", files.docx(), "letter.docx")
    response = client.post(url(draft, "letter-file"), {})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.answers["letter_file"] == [str(earlier.pk)]


def test_max_files_counts_the_files_already_attached(
    citizen: Account, draft: Draft, attachment_root: Path
) -> None:
    client = signed_in(citizen)
    two = {"letter_file": [chosen(files.pdf(), "a.pdf"), chosen(files.pdf("b"), "b.pdf")]}
    response = client.post(url(draft, "letter-file"), two)
    assert response.status_code == 400
    assert text(response).count("You can attach only 1 file here") == 2
    assert not Attachment.objects.exists()

    attach(draft, "letter_file", files.pdf(), "first.pdf")
    response = client.post(
        url(draft, "letter-file"), {"letter_file": chosen(files.pdf("c"), "c.pdf")}
    )
    assert response.status_code == 400 and "You can attach only 1 file here" in text(response)
    assert list(Attachment.objects.values_list("name", flat=True)) == ["first.pdf"]
    assert len(stored(attachment_root)) == 1


def test_ids_posted_by_the_browser_are_ignored(
    citizen: Account, other_citizen: Account, draft: Draft, letter: Service, agency: Agency
) -> None:
    theirs = letter_draft(other_citizen, letter, agency)
    their_file = attach(theirs, "letter_file", files.pdf("theirs"), "their-letter.pdf")
    mine = attach(draft, "letter_file", files.pdf("mine"), "my-letter.pdf")
    client = signed_in(citizen)
    response = client.post(
        url(draft, "letter-file"), {"letter_file": [str(their_file.pk), str(mine.pk)]}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.answers["letter_file"] == [str(mine.pk)]
    # Nor can the optional question be answered with someone else's file.
    assert (
        client.post(url(draft, "attachments"), {"attachments": str(their_file.pk)}).status_code
        == 302
    )
    draft.refresh_from_db()
    assert draft.answers["attachments"] == []
    # And "Remove" removes only the person's own files of this page.
    client.post(url(draft, "letter-file"), {"remove-file": str(their_file.pk)})
    client.post(url(draft, "attachments"), {"remove-file": str(mine.pk)})  # another page's file
    assert Attachment.objects.filter(pk__in=[their_file.pk, mine.pk]).count() == 2
    their_page = client.get(url(theirs, "letter-file"))
    assert their_page.status_code == 404


def test_the_page_form_still_needs_its_csrf_token(citizen: Account, draft: Draft) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    response = client.post(url(draft, "letter-file"), {"letter_file": chosen(files.pdf(), "a.pdf")})
    assert response.status_code == 403
    assert not Attachment.objects.exists()


def roof_draft(owner: Account, agency: Agency) -> Draft:
    """The roof repair application of the catalogue's sample, all answered but its files."""
    service = catalogue_service(agency, "roof-repair-cofinancing")
    with (FORMS_DIR / "samples" / "roof-repair-cofinancing.yaml").open(encoding="utf-8") as handle:
        answers = yaml.safe_load(handle)["answers"]
    for name in ("roof_photos", "meeting_decision", "meeting_date"):
        answers.pop(name)
    pages = ["association", "building-address", "building", "roof", "commitment", "contact"]
    return Draft.objects.create(
        owner=owner, service=service, language="en", answers=answers, completed_pages=pages,
        expires_at=timezone.now() + timedelta(days=30),
    )  # fmt: skip


def answer_the_files(client: Client, draft: Draft) -> None:
    photos = {
        "roof_photos": [chosen(files.jpeg(), "roof-east.jpg"), chosen(files.png(), "leak.png")]
    }
    assert client.post(url(draft, "roof-photos"), photos).status_code == 302
    when = timezone.localdate() - timedelta(days=20)
    meeting = {
        "meeting_date-day": str(when.day), "meeting_date-month": str(when.month),
        "meeting_date-year": str(when.year),
        "meeting_decision": chosen(files.pdf(), "minutes of the meeting.pdf"),
    }  # fmt: skip
    assert client.post(url(draft, "meeting"), meeting).status_code == 302


NAMES = ("roof-east.jpg", "leak.png", "minutes of the meeting.pdf")


def test_submission_keeps_the_files(
    citizen: Account, agency: Agency, attachment_root: Path
) -> None:
    draft = roof_draft(citizen, agency)
    client = signed_in(citizen)
    answer_the_files(client, draft)
    check = client.get(f"/en/apply/draft/{draft.pk}/check/")
    assert check.status_code == 200
    body = text(check)
    assert "roof-east.jpg<br>leak.png" in body and "minutes of the meeting.pdf" in body
    assert f'href="{url(draft, "roof-photos")}" id="change-roof_photos"' in body
    assert f'href="{url(draft, "meeting")}" id="change-meeting_decision"' in body

    draft.refresh_from_db()
    key = {"submission_key": str(draft.submission_key)}
    response = client.post(f"/en/apply/draft/{draft.pk}/submit/", key)
    application = Application.objects.get()
    assert response["Location"] == f"/en/applications/{application.reference}/submitted/"
    kept = Attachment.objects.filter(application=application, draft=None)
    assert sorted(kept.values_list("name", flat=True)) == sorted(NAMES)
    assert len(stored(attachment_root)) == 3
    minutes = kept.get(field="meeting_decision")
    assert application.answers["meeting_decision"] == [str(minutes.pk)]

    documents = text(client.get("/en/documents/"))
    assert all(name in documents for name in NAMES)
    detail = text(client.get(f"/en/applications/{application.reference}/"))
    assert "Files you sent" in detail and all(name in detail for name in NAMES)
    download: Any = client.get(f"/en/files/{minutes.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == files.pdf()


def test_the_pdf_lists_the_files(citizen: Account, agency: Agency, tmp_path: Path) -> None:
    from onewindow.applications.pdf import application_pdf
    from onewindow.applications.services import application_submit

    draft = roof_draft(citizen, agency)
    answer_the_files(signed_in(citizen), draft)
    draft.refresh_from_db()
    application = application_submit(draft, submitted_by=citizen)
    target = tmp_path / "application.pdf"
    target.write_bytes(application_pdf(application))
    shown = subprocess.run(
        ["pdftotext", str(target), "-"], capture_output=True, check=True, text=True
    ).stdout
    # Under the answers (each question's files) and in the list of attached files.
    assert all(shown.count(name) == 2 for name in NAMES), shown
    assert str(Attachment.objects.get(name="leak.png").pk) not in shown


@contextmanager
def chromium() -> Iterator[Browser]:
    """Started after the test's database work: Playwright's sync API leaves an event loop
    running, and Django refuses database calls from a thread with one."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is needed at {CHROMIUM} (set CHROMIUM)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.mark.parametrize("lang", ["en", "ka"])
def test_the_page_in_its_error_state_has_no_axe_violations(
    citizen: Account, draft: Draft, lang: str
) -> None:
    attach(draft, "attachments", files.pdf(), "ჩემი დოკუმენტი.pdf")
    client = signed_in(citizen)
    page_url = f"/{lang}/apply/draft/{draft.pk}/attachments/"
    response = client.post(page_url, {"attachments": chosen(files.HTML, "letter.pdf")})
    assert response.status_code == 400
    html = text(response)
    with chromium() as browser:
        check_page_in(browser, html)


def check_page_in(browser: Browser, html: str) -> None:
    tab = browser.new_page()
    try:
        tab.set_content(html)
        tab.add_style_tag(content=CSS.read_text())
        results = Axe().run(tab, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        violations = results.response["violations"]
        assert violations == [], [
            (v["id"], [n["target"] for n in v["nodes"][:3]]) for v in violations
        ]
        # The summary's link goes to the file input; the "Remove" button is reached by Tab.
        target = tab.evaluate(
            """() => document.querySelector(
                document.querySelector(".govuk-error-summary__list a").getAttribute("href")
            ).type"""
        )
        assert target == "file"
        tab.focus("#attachments")
        tab.keyboard.press("Shift+Tab")
        focused = tab.evaluate(
            "() => [document.activeElement.name, document.activeElement.textContent]"
        )
        assert focused[0] == "remove-file" and "ჩემი დოკუმენტი.pdf" in focused[1]
    finally:
        tab.close()


def test_the_separate_file_controls_keep_the_answer_in_step(citizen: Account, draft: Draft) -> None:
    client = signed_in(citizen)
    client.post(url(draft, "attachments"), {"attachments": chosen(files.pdf(), "a.pdf")})
    upload = f"/en/apply/draft/{draft.pk}/files/upload/"
    added = client.post(upload, {"field": "attachments", "file": chosen(files.png(), "b.png")})
    assert added.status_code == 302
    first, second = Attachment.objects.order_by("name")
    draft.refresh_from_db()
    assert draft.answers["attachments"] == [str(first.pk), str(second.pk)]
    client.post(f"/en/apply/draft/{draft.pk}/files/{first.pk}/delete/")
    draft.refresh_from_db()
    assert draft.answers["attachments"] == [str(second.pk)]
