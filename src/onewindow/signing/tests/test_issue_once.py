"""Issued once per press, files never orphaned (docs/signing.md, "Issued documents").

A sealed extract or registry copy is issued once per press of its button, on the server:
the same form sent again — a double click past the button's script, a retry — answers
with the document issued the first time, also when the two requests race (the unique
constraint decides). A key that is missing, made up, another person's or another button's
issues nothing. And a sealed file written inside a transaction that is rolled back later
goes with it. Real parts throughout: the sandbox registry over the exchange, the seal in a
SoftHSM2 token, the test PKI's TSA and OCSP responder."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from django.contrib.messages import get_messages
from django.core.files.storage import default_storage
from django.db import connection, transaction

import pytest

from onewindow.backoffice.tests.conftest import signed_in
from onewindow.catalog.models import Agency
from onewindow.exchange.models import DataAccess
from onewindow.identity.models import Account
from onewindow.identity.password.tests.conftest import accept_current_terms
from onewindow.signing import issue_requests, issued, services
from onewindow.signing.models import IssuedDocument

from .issuing import (  # noqa: F401 (fixtures)
    NINO,
    issuing_fixture,
    nino_fixture,
    portal_fixture,
    sealing_agency_fixture,
)
from .presses import form_key
from .test_registry_copies import NINO_DEED, NINO_MORTGAGE, copy_url

pytestmark = pytest.mark.django_db

EXTRACT_URL = "/en/my-data/extracts/real-estate-extract/"
NEXT = " The page has been loaded again: press the button once more."


@pytest.fixture
def media(issuing: Any, tmp_path: Path) -> Path:
    """Issued files in a folder of the test's own (default storage follows MEDIA_ROOT)."""
    issuing.MEDIA_ROOT = tmp_path / "media"
    return Path(issuing.MEDIA_ROOT)


def issued_files(media: Path) -> list[Path]:
    return sorted((media / "issued").rglob("*.pdf")) if (media / "issued").exists() else []


# --- Once per press, through the pages ---------------------------------------------------------


@pytest.mark.usefixtures("portal", "media")
def test_an_extract_form_sent_twice_issues_one_extract(nino: Account) -> None:
    client = signed_in(nino)
    page = client.get("/en/my-data/real-estate/").content.decode()
    key = form_key(page, EXTRACT_URL)
    asked = DataAccess.objects.filter(personal_number=NINO).count()

    first = client.post(EXTRACT_URL, {"request_key": key}, follow=True)
    asked_once = DataAccess.objects.filter(personal_number=NINO).count()
    second = client.post(EXTRACT_URL, {"request_key": key}, follow=True)

    document = IssuedDocument.objects.get(issued_to=nino)
    # The same answer both times: My documents, "ready", the same document and code.
    for response in (first, second):
        assert response.redirect_chain == [("/en/documents/#issued-title", 302)]
        html = response.content.decode()
        assert "Your sealed extract is ready: Extract from the Real Estate Registry." in html
        assert issued.shown(document.code) in html
    # The registry was asked for the first press only (her data-access log).
    assert asked_once > asked
    assert DataAccess.objects.filter(personal_number=NINO).count() == asked_once

    # A new press (the page rendered again) is a new extract.
    again = form_key(client.get("/en/my-data/real-estate/").content.decode(), EXTRACT_URL)
    assert again != key
    client.post(EXTRACT_URL, {"request_key": again})
    assert IssuedDocument.objects.filter(issued_to=nino).count() == 2


@pytest.mark.usefixtures("portal")
def test_each_copy_button_has_its_own_key_and_a_copy_sent_twice_is_issued_once(
    nino: Account, media: Path
) -> None:
    client = signed_in(nino)
    page = client.get("/en/my-data/real-estate/").content.decode()
    keys = {form_key(page, copy_url(number)) for number in (NINO_DEED, NINO_MORTGAGE)}
    keys.add(form_key(page, EXTRACT_URL))
    assert len(keys) == 3  # one key per form, none shared
    key = form_key(page, copy_url(NINO_MORTGAGE))

    answers = [client.post(copy_url(NINO_MORTGAGE), {"request_key": key}) for _ in range(3)]

    [document] = IssuedDocument.objects.filter(issued_to=nino)
    assert document.title == f"Copy: Mortgage agreement No. {NINO_MORTGAGE}"
    assert {(a.status_code, a["Location"]) for a in answers} == {
        (302, "/en/documents/#issued-title")
    }
    assert len(issued_files(media)) == 1
    mine = client.get("/en/documents/").content.decode()
    assert mine.count(issued.shown(document.code)) == 1


# --- Keys that are not this press's -----------------------------------------------------------


@pytest.mark.usefixtures("portal", "media")
def test_a_missing_made_up_or_other_buttons_key_issues_nothing(nino: Account) -> None:
    client = signed_in(nino)
    page = client.get("/en/my-data/real-estate/").content.decode()
    extract_key = form_key(page, EXTRACT_URL)
    tampered = extract_key[:-2] + ("AA" if not extract_key.endswith("AA") else "BB")
    asked = DataAccess.objects.count()
    refused = "This page was out of date, so nothing was issued."
    for sent, (url, data) in enumerate(
        (
            (EXTRACT_URL, {}),
            (EXTRACT_URL, {"request_key": "my-own-key"}),
            (EXTRACT_URL, {"request_key": tampered}),
            # The entrepreneurs' extract or a copy with the real-estate extract's key.
            ("/en/my-data/extracts/entrepreneurs-extract/", {"request_key": extract_key}),
            (copy_url(NINO_DEED), {"request_key": extract_key}),
        ),
        start=1,
    ):
        response = client.post(url, data)
        assert response.status_code == 302 and response["Location"].startswith("/en/my-data/")
        # (Not shown yet, the messages pile up: one refusal per request.)
        said = [str(message) for message in get_messages(response.wsgi_request)]
        assert said == [refused + NEXT] * sent, url
    assert not IssuedDocument.objects.exists()
    assert DataAccess.objects.count() == asked  # no registry was even asked


@pytest.mark.usefixtures("portal")
def test_another_persons_key_is_refused_and_shows_nothing_of_theirs(
    nino: Account, media: Path
) -> None:
    client = signed_in(nino)
    key = form_key(client.get("/en/my-data/real-estate/").content.decode(), EXTRACT_URL)
    client.post(EXTRACT_URL, {"request_key": key})
    ninos = IssuedDocument.objects.get(issued_to=nino)

    levan = Account.objects.create_user(
        username="levan", password=None, personal_number="01008057492",
        first_name="Levan", last_name="Kapanadze",
    )  # fmt: skip
    accept_current_terms(levan)
    response = signed_in(levan).post(EXTRACT_URL, {"request_key": key}, follow=True)
    html = response.content.decode()
    assert "This page was out of date, so nothing was issued." in html
    assert issued.shown(ninos.code) not in html and "Your sealed extract is ready" not in html
    assert not IssuedDocument.objects.filter(issued_to=levan).exists()
    assert IssuedDocument.objects.count() == 1 and len(issued_files(media)) == 1
    # Even her key's bare value, given as his own, is not his.
    token = issue_requests.request_token(account=levan, purpose="extract:real-estate-extract")
    assert issue_requests.request_key(token, account=levan, purpose="extract:real-estate-extract")
    with pytest.raises(services.IssuingRefused):
        issue_requests.request_key(key, account=levan, purpose="extract:real-estate-extract")
    # Nor is his key hers: his own page's key, sent by her, issues nothing.
    his = form_key(signed_in(levan).get("/en/my-data/real-estate/").content.decode(), EXTRACT_URL)
    answer = client.post(EXTRACT_URL, {"request_key": his}, follow=True)
    assert "This page was out of date" in answer.content.decode()
    assert IssuedDocument.objects.count() == 1


# --- Two requests at once ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_issues_with_one_key_at_once_keep_one_document(
    issuing: Any, media: Path, small_pdf: bytes
) -> None:
    """B looks for an earlier document, finds none, and is held while it renders; A issues
    and commits; B goes on, seals, and its insert meets the unique constraint: it returns
    A's document and keeps no file of its own. (The interleaving every race reduces to.)"""
    agency = Agency.objects.create(code="TEST-AGENCY", name_ka="უწყება", name_en="Test Agency")
    person = Account.objects.create_user(username="nino", password=None, personal_number=NINO)
    b_checked, a_done = threading.Event(), threading.Event()
    results: dict[str, Any] = {}

    def held_renderer(stamp: issued.Stamp) -> bytes:
        b_checked.set()
        assert a_done.wait(120)
        return issued.stamp_existing(small_pdf, stamp)

    def issue_b() -> None:
        try:
            results["b"] = services.issue_document(
                held_renderer, agency=agency, kind="document-copy", title="Copy",
                title_ka="ასლი", issued_to=person, request_key="one-press",
            )  # fmt: skip
        except BaseException as error:  # reported below
            results["b"] = error
        finally:
            connection.close()

    b = threading.Thread(target=issue_b)
    b.start()
    assert b_checked.wait(120)
    a = services.issue_document(
        small_pdf, agency=agency, kind="document-copy", title="Copy", title_ka="ასლი",
        issued_to=person, request_key="one-press",
    )  # fmt: skip
    a_done.set()
    b.join(180)
    assert not b.is_alive()
    assert isinstance(results["b"], IssuedDocument), results["b"]
    assert results["b"].pk == a.pk and results["b"].code == a.code
    assert IssuedDocument.objects.count() == 1
    assert [path.name for path in issued_files(media)] == [Path(a.file.name).name]
    # The same key for another person is another document.
    other = Account.objects.create_user(username="levan", password=None)
    theirs = services.issue_document(
        small_pdf, agency=agency, kind="document-copy", title="Copy", title_ka="ასლი",
        issued_to=other, request_key="one-press",
    )  # fmt: skip
    assert theirs.pk != a.pk and IssuedDocument.objects.count() == 2


# --- No orphaned files --------------------------------------------------------------------------


def _issue(agency: Agency, pdf: bytes) -> IssuedDocument:
    return services.issue_document(
        pdf, agency=agency, kind="document-copy", title="Copy", title_ka="ასლი"
    )


class Refused(Exception):
    """What makes the test's larger transaction fail after the document was issued."""


def test_a_rolled_back_savepoint_takes_the_issued_file_with_it(
    media: Path, sealing_agency: Agency, small_pdf: bytes
) -> None:
    with pytest.raises(Refused), transaction.atomic():
        document = _issue(sealing_agency, small_pdf)
        name = document.file.name
        assert default_storage.exists(name)  # readable inside the transaction
        with document.file.open("rb") as stored:
            assert stored.read().startswith(b"%PDF-")
        raise Refused
    assert not IssuedDocument.objects.exists()
    assert not default_storage.exists(name) and issued_files(media) == []


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_takes_the_issued_file_with_it_and_a_commit_keeps_it(
    media: Path, small_pdf: bytes
) -> None:
    import gc

    agency = Agency.objects.create(code="TEST-AGENCY", name_ka="უწყება", name_en="Test Agency")
    # Issued in the outermost transaction, which fails later: the file goes.
    with pytest.raises(Refused), transaction.atomic():
        with transaction.atomic():  # issued in a savepoint that is released...
            rolled_back = _issue(agency, small_pdf)
        assert default_storage.exists(rolled_back.file.name)
        raise Refused  # ...and then the whole transaction is rolled back
    assert not default_storage.exists(rolled_back.file.name)

    # Committed, with a failed savepoint beside it: the file stays (also after collection).
    with transaction.atomic():
        kept = _issue(agency, small_pdf)
        with pytest.raises(Refused), transaction.atomic():
            raise Refused
    gc.collect()
    assert IssuedDocument.objects.get().pk == kept.pk
    assert default_storage.exists(kept.file.name)
    # And outside any transaction (a view): kept.
    alone = _issue(agency, small_pdf)
    gc.collect()
    assert default_storage.exists(alone.file.name)
    assert len(issued_files(media)) == 2


@pytest.mark.skipif(  # decided before the database is set up: SQLite's flush afterwards
    connection.vendor != "postgresql",  # would meet the append-only terms acceptance
    reason="needs PostgreSQL (DATABASE_URL=postgres://…)",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("portal")
def test_two_presses_sent_at_once_through_the_pages_issue_one_copy(
    nino: Account, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two POSTs of one form at the same moment, each in its own thread with its own
    database connection (PostgreSQL: SQLite's in-memory test database cannot take two
    writers at once; the interleaving test above covers it on SQLite).

    Both seal in this one process: the token takes one login per process, so
    `hsm.seal_session` makes them take turns (without its lock the second login fails
    with UserAlreadyLoggedIn and the press gets "seal not available")."""
    client = signed_in(nino)
    page = client.get("/en/my-data/real-estate/").content.decode()
    data = {"request_key": form_key(page, copy_url(NINO_DEED))}
    start = threading.Barrier(2)
    answers: list[Any] = []

    def press() -> None:
        try:
            start.wait(30)
            answers.append(client.post(copy_url(NINO_DEED), data))
        except BaseException as error:  # reported below
            answers.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=press) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    assert [getattr(a, "status_code", a) for a in answers] == [302, 302]
    assert {a["Location"] for a in answers} == {"/en/documents/#issued-title"}
    [document] = IssuedDocument.objects.filter(issued_to=nino)
    assert [path.name for path in issued_files(media)] == [Path(document.file.name).name]


def test_every_commit_callback_of_the_portal_is_robust() -> None:
    """Django drops the commit callbacks after one that raises; an issued document's
    "keep the file" callback among them would let its file be deleted after the row
    committed. So no callback in the portal may raise: each is registered robust."""
    sources = Path(services.__file__).resolve().parents[1]
    calls = [
        (str(path.relative_to(sources)), line.strip())
        for path in sources.rglob("*.py")
        if "tests" not in path.parts
        for line in path.read_text(encoding="utf-8").splitlines()
        if "on_commit(" in line
        and not line.lstrip().startswith(("#", "def ", '"'))
        and "`" not in line
    ]
    assert calls, "the walk found no commit callbacks at all"
    assert [call for call in calls if "robust=True" not in call[1]] == []
