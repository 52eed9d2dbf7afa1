"""My documents' one search and its "Sealed documents": every document an agency issued to
the person (answers included, with their application), none of anybody else's, found by
title, verification code, agency or reference; the page says how many of each it found,
pages each list on its own, and costs the same queries for one document or many."""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from onewindow.applications.attachments import services
from onewindow.applications.models import Application, Attachment
from onewindow.catalog.models import Agency
from onewindow.identity.models import Account
from onewindow.signing import issued
from onewindow.signing.models import IssuedDocument

from . import files
from .conftest import World, upload

Kind = IssuedDocument.Kind
PAGE = "/en/documents/"


def sealed(
    owner: Account,
    agency: Agency,
    *,
    kind: str,
    title: str,
    title_ka: str,
    application: Application | None = None,
    age: timedelta = timedelta(0),
    code: str = "",
) -> IssuedDocument:
    """An issued document as `signing.services.issue_document` leaves it (a stored file,
    its SHA-256 and size, a fresh code); the sealing itself is tested in signing."""
    content = b"%PDF-1.7\n% " + title.encode() + b"\n%%EOF\n"
    document = IssuedDocument(
        code=code or issued.new_code(),
        sha256=hashlib.sha256(content).hexdigest(),
        title=title,
        title_ka=title_ka,
        kind=kind,
        agency=agency,
        application=application,
        issued_to=owner,
        issued_at=timezone.now() - age,
        size=len(content),
    )
    document.file.save("issued.pdf", ContentFile(content), save=False)
    document.save()
    return document


def registry() -> Agency:
    return Agency.objects.create(
        code="napr-test",
        name_ka="საჯარო რეესტრის ეროვნული სააგენტო",
        name_en="National Agency of Public Registry",
    )


def answer(world: World, *, age: timedelta = timedelta(0), code: str = "") -> IssuedDocument:
    reference = world.application.reference
    return sealed(
        world.citizen,
        world.agency,
        kind=Kind.ANSWER,
        title=f"Answer to application {reference}",
        title_ka=f"პასუხი განცხადებაზე {reference}",
        application=world.application,
        age=age,
        code=code,
    )


def extract(owner: Account, agency: Agency, *, age: timedelta = timedelta(0)) -> IssuedDocument:
    return sealed(
        owner,
        agency,
        kind=Kind.REAL_ESTATE_EXTRACT,
        title="Extract from the Real Estate Registry",
        title_ka="ამონაწერი უძრავი ქონების რეესტრიდან",
        age=age,
    )


def submitted(world: World, name: str) -> Attachment:
    stored = services.attachment_store(
        upload(files.pdf(), name), uploaded_by=world.citizen, draft=world.draft
    )
    Attachment.objects.filter(pk=stored.pk).update(application=world.application, draft=None)
    return stored


def page_of(client: Client, query: str = "", **params: str) -> str:
    response = client.get(PAGE, {"q": query, **params} if query else params)
    assert response.status_code == 200
    return bytes(response.content).decode()


def sealed_section(html: str) -> str:
    """The "Sealed documents" section (from its heading on)."""
    assert 'id="issued-title"' in html, "no Sealed documents section"
    return html.split('id="issued-title"', 1)[1]


def sealed_rows(html: str) -> list[str]:
    return re.findall(r'<tr class="govuk-table__row" data-issued=.*?</tr>', html, re.S)


def status_text(html: str) -> str:
    found = re.search(r'<p [^>]*id="documents-found" role="status">(.*?)</p>', html, re.S)
    assert found, "no status region"
    return found.group(1)


# --- Every sealed document, answers included, nobody else's ---------------------------------


def test_every_sealed_document_is_listed_answers_included(client: Client, world: World) -> None:
    napr = registry()
    letter = answer(world, age=timedelta(days=2))
    mine = extract(world.citizen, napr, age=timedelta(days=1))
    theirs = extract(world.other_citizen, napr)
    client.force_login(world.citizen)

    section = sealed_section(page_of(client))
    rows = sealed_rows(section)
    assert len(rows) == 2
    newest, oldest = rows  # newest first
    assert issued.shown(mine.code) in newest and issued.shown(letter.code) in oldest
    assert "Real-estate registry extract" in newest
    assert "National Agency of Public Registry" in newest
    # The answer: its kind, its application's reference linking to the application, its
    # agency, its date and its download.
    assert f"Answer to application {world.application.reference} (PDF)" in oldest
    assert "Agency&#x27;s answer" in oldest or "Agency's answer" in oldest
    assert f'href="/en/applications/{world.application.reference}/"' in oldest
    assert "Agency civil-registry-test" in oldest
    assert f"{timezone.localtime(letter.issued_at):%-d.%m.%Y}" in oldest
    assert f'href="/en/documents/issued/{letter.pk}/"' in oldest
    assert issued.shown(theirs.code) not in section and str(theirs.pk) not in section

    # The other citizen sees only theirs, and cannot download Nino's.
    client.force_login(world.other_citizen)
    section = sealed_section(page_of(client))
    assert len(sealed_rows(section)) == 1 and issued.shown(theirs.code) in section
    assert issued.shown(letter.code) not in section and issued.shown(mine.code) not in section
    assert client.get(f"/en/documents/issued/{letter.pk}/").status_code == 404
    assert client.get(f"/en/documents/issued/{theirs.pk}/").status_code == 200


def test_nobody_finds_another_persons_document_by_its_code(client: Client, world: World) -> None:
    theirs = extract(world.other_citizen, registry())
    client.force_login(world.citizen)
    html = page_of(client, theirs.code)
    assert issued.shown(theirs.code) not in html
    assert "No files or sealed documents match" in status_text(html)


def test_georgian_page_lists_the_georgian_titles_and_agency(client: Client, world: World) -> None:
    answer(world)
    extract(world.citizen, registry())
    client.force_login(world.citizen)
    response = client.get("/ka/documents/")
    section = sealed_section(response.content.decode())
    assert f"პასუხი განცხადებაზე {world.application.reference}" in section
    assert "ამონაწერი უძრავი ქონების რეესტრიდან" in section
    assert "საჯარო რეესტრის ეროვნული სააგენტო" in section
    assert "National Agency of Public Registry" not in section


# --- One search for the whole page ----------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "extract",  # the English title
        "ამონაწერი",  # the Georgian title
        "public registry",  # the agency, in English (any case)
        "საჯარო რეესტრის",  # the agency, in Georgian
    ],
)
def test_the_search_finds_sealed_documents_by_title_and_agency(
    client: Client, world: World, typed: str
) -> None:
    answer(world)
    found = extract(world.citizen, registry())
    client.force_login(world.citizen)
    section = sealed_section(page_of(client, typed))
    rows = sealed_rows(section)
    assert len(rows) == 1 and issued.shown(found.code) in rows[0]


def test_the_search_finds_a_sealed_document_by_its_code_however_typed(
    client: Client, world: World
) -> None:
    letter = answer(world)
    other = extract(world.citizen, registry())
    client.force_login(world.citizen)
    shown = issued.shown(letter.code)
    for typed in (
        shown,  # as printed
        letter.code,  # without dashes
        shown.lower(),  # any case
        shown.replace("-", " "),  # spaces
        f" {shown.replace('-', ' - ')} ",  # spaces around dashes
        shown.replace("-", "\u2013"),  # a typographic dash
        shown[:9],  # the first two groups, read off the paper
    ):
        rows = sealed_rows(sealed_section(page_of(client, typed)))
        assert [shown in row for row in rows] == [True], typed
        assert issued.shown(other.code) not in "".join(rows), typed


def test_a_short_word_is_not_taken_for_a_piece_of_a_code(client: Client, world: World) -> None:
    letter = answer(world, code="XYZ2WXYZ2VXY")  # "XYZ" is in no title and no name
    client.force_login(world.citizen)
    assert sealed_rows(sealed_section(page_of(client, "xyz2")))  # one group: a piece of a code
    html = page_of(client, "xyz")  # shorter: only titles and names are searched
    assert issued.shown(letter.code) not in html


def test_the_reference_finds_the_answer_and_the_applications_files(
    client: Client, world: World
) -> None:
    letter = answer(world)
    extract(world.citizen, registry())
    submitted(world, "passport-scan.pdf")
    client.force_login(world.citizen)
    html = page_of(client, world.application.reference)
    rows = sealed_rows(sealed_section(html))
    assert len(rows) == 1 and issued.shown(letter.code) in rows[0]
    assert "passport-scan.pdf" in html
    assert status_text(html) == (
        f"1 file and 1 sealed document match “{world.application.reference}”."
    )


def test_the_page_says_how_many_of_each_it_found(client: Client, world: World) -> None:
    napr = registry()
    extract(world.citizen, napr)
    extract(world.citizen, napr, age=timedelta(days=1))
    answer(world)
    submitted(world, "extract-request.pdf")
    submitted(world, "old extract.pdf")
    submitted(world, "photo.pdf")
    client.force_login(world.citizen)

    html = page_of(client, "extract")
    assert status_text(html) == "2 files and 2 sealed documents match “extract”."
    assert "photo.pdf" not in html and "Answer to application" not in html
    assert "2 sealed documents, newest first." in html
    assert status_text(page_of(client, "photo")) == ("1 file and 0 sealed documents match “photo”.")
    assert status_text(page_of(client, "answer")) == (
        "0 files and 1 sealed document match “answer”."
    )
    # No search, no status region: nothing was asked.
    assert 'role="status"' not in page_of(client)


def test_nothing_found_keeps_the_search_and_offers_to_clear_it(
    client: Client, world: World
) -> None:
    answer(world)
    submitted(world, "passport-scan.pdf")
    client.force_login(world.citizen)
    html = page_of(client, "<tax> return")
    assert status_text(html) == "No files or sealed documents match “&lt;tax&gt; return”."
    assert 'id="documents-nothing-found"' in html
    assert 'name="q" type="search" value="&lt;tax&gt; return"' in html
    assert html.count(f'href="{PAGE}"') >= 2  # beside the button and in the "no results" text
    assert "govuk-table" not in html and 'id="issued-title"' not in html


def test_a_search_with_files_but_no_sealed_documents_says_so(client: Client, world: World) -> None:
    answer(world)
    submitted(world, "passport-scan.pdf")
    client.force_login(world.citizen)
    section = sealed_section(page_of(client, "passport"))
    assert "No sealed documents match your search." in section
    assert not sealed_rows(section)


def test_someone_with_nothing_is_told_where_sealed_documents_come_from(
    client: Client, world: World
) -> None:
    client.force_login(world.other_citizen)
    section = sealed_section(page_of(client))
    assert "You have no sealed documents yet." in section
    assert 'role="status"' not in page_of(client)


# --- Bounded queries and pages --------------------------------------------------------------


def test_the_page_costs_the_same_queries_for_one_document_or_many(
    client: Client, world: World
) -> None:
    napr = registry()
    client.force_login(world.citizen)

    def queries(query: str = "") -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            html = page_of(client, query)
        return len(captured), html

    answer(world)
    submitted(world, "one.pdf")
    page_of(client)  # warm the per-process caches (catalogue, translations)
    one, html = queries()
    one_found, _html = queries("a")
    assert len(sealed_rows(html)) == 1
    for number in range(5):
        extract(world.citizen, napr, age=timedelta(hours=number + 1))
        submitted(world, f"more-{number}.pdf")
    other = Application.objects.create(
        reference="OW-2026-0000002",
        kind=Application.Kind.APPLICATION,
        applicant=world.citizen,
        service=world.service,
        agency=napr,
        language="en",
        subject="Another",
        submission_key=uuid.uuid4(),
        submitted_at=timezone.now(),
    )
    sealed(world.citizen, napr, kind=Kind.ANSWER, title="Answer to application OW-2026-0000002",
           title_ka="პასუხი", application=other)  # fmt: skip
    many, html = queries()
    many_found, _html = queries("a")
    assert len(sealed_rows(html)) == 7
    assert (many, many_found) == (one, one_found)


def test_sealed_documents_are_paged_on_their_own(client: Client, world: World) -> None:
    napr = registry()
    documents = [extract(world.citizen, napr, age=timedelta(minutes=n)) for n in range(27)]
    for number in range(26):
        submitted(world, f"scan-{number:02}.pdf")
    client.force_login(world.citizen)

    first = page_of(client)
    rows = sealed_rows(sealed_section(first))
    assert len(rows) == 25 and issued.shown(documents[0].code) in rows[0]
    assert 'aria-label="Pages of the sealed documents"' in first
    assert 'href="?sealed-page=2#issued-title"' in first
    # The files' next page keeps the sealed documents' place, and the other way round.
    second = page_of(client, **{"sealed-page": "2"})
    rows = sealed_rows(sealed_section(second))
    assert [issued.shown(d.code) in "".join(rows) for d in documents[25:]] == [True, True]
    assert len(rows) == 2
    assert 'href="?sealed-page=2&amp;page=2"' in second
    both = page_of(client, page="2", **{"sealed-page": "2"})
    assert 'href="?page=2&amp;sealed-page=1#issued-title"' in both
    # A search is kept by both lists' links.
    searched = page_of(client, "extract")
    assert 'href="?q=extract&amp;sealed-page=2#issued-title"' in searched
