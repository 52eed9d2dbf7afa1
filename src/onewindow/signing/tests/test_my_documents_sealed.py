"""My documents with a real sealed answer: a clerk's answer, sealed through the SoftHSM2 token,
is under "Sealed documents" with its application, and the code printed on the sealed PDF
(read back by poppler) finds it there; the other citizen finds nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from onewindow.applications.models import Application
from onewindow.backoffice.tests.conftest import make_case, make_service, make_staff, signed_in
from onewindow.catalog.models import Agency
from onewindow.identity.models import Account
from onewindow.identity.password.tests.conftest import accept_current_terms
from onewindow.signing import issued
from onewindow.signing.models import IssuedDocument

from .issuing import (  # noqa: F401 (fixtures)
    issuing_fixture,
    pdf_text,
    sealing_agency_fixture,
)

pytestmark = pytest.mark.django_db


def _citizen(username: str, personal_number: str) -> Account:
    person = Account.objects.create_user(
        username=username, password=None, personal_number=personal_number
    )
    accept_current_terms(person)
    return person


@pytest.mark.usefixtures("issuing")
def test_a_sealed_answer_is_in_my_documents_and_its_printed_code_finds_it(
    sealing_agency: Agency, tmp_path: Path
) -> None:
    service = make_service("certificate-test", sealing_agency, "A certificate")
    clerk = make_staff("eka.clerk", sealing_agency, "clerk", "Eka", "Beridze")
    citizen = _citizen("nino", "01001012345")
    case = make_case(citizen, service, status=Application.Status.IN_PROGRESS, assignee=clerk)
    answered = signed_in(clerk).post(
        f"/en/office/cases/{case.reference}/answer",
        {"outcome": "approved", "body": "The certificate is issued."},
    )
    assert answered.status_code == 302
    document = IssuedDocument.objects.get(application=case, kind="answer")

    client = signed_in(citizen)
    section = client.get("/en/documents/").content.decode().split('id="issued-title"', 1)[1]
    assert f"Answer to application {case.reference} (PDF)" in section
    assert f'href="/en/applications/{case.reference}/"' in section
    assert issued.shown(document.code) in section

    # The code as the citizen reads it off the sealed PDF finds the answer.
    download = client.get(f"/en/documents/issued/{document.pk}/")
    printed = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", pdf_text(
        b"".join(download.streaming_content), tmp_path
    ))  # fmt: skip
    assert printed is not None and printed.group(0) == issued.shown(document.code)
    found = client.get("/en/documents/", {"q": printed.group(0).lower()}).content.decode()
    assert "0 files and 1 sealed document match" in found
    assert f"Answer to application {case.reference} (PDF)" in found

    # Another citizen finds nothing with it.
    other = signed_in(_citizen("gio", "01008057492"))
    elsewhere = other.get("/en/documents/", {"q": printed.group(0)}).content.decode()
    assert "No files or sealed documents match" in elsewhere
    assert issued.shown(document.code) in elsewhere  # only as the search typed back …
    assert f"Answer to application {case.reference}" not in elsewhere  # … never the document
