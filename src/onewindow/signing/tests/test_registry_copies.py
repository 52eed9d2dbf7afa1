"""Sealed copies of single registered documents from My data's real-estate page: the
document asked for now from the sandbox's Public Registry over the exchange, issued as
the registry's sealed document copy (code, QR code, B-LTA seal in a real SoftHSM2 token,
checked by pyHanko and poppler's pdfsig), listed in My documents and authentic on
/verify/; someone else's document and a registry that does not answer issue nothing."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
from tests.sandbox_process import RunningSandbox

from onewindow.backoffice.tests.conftest import signed_in
from onewindow.exchange.models import DataAccess
from onewindow.identity.models import Account
from onewindow.signing import issued
from onewindow.signing.models import IssuedDocument
from testpki import TestPki

from .conftest import assert_sealed_by
from .issuing import (  # noqa: F401 (fixtures)
    NINO,
    issuing_fixture,
    nino_fixture,
    pdf_text,
    portal_fixture,
    sealing_agency_fixture,
)
from .presses import crafted_key, form_key, press

pytestmark = pytest.mark.django_db

NINO_DEED = "882019900101"  # the Vake apartment she bought with Giorgi in 2019
NINO_MORTGAGE = "882019900102"
LEVAN_DEED = "882017900106"  # Levan's house in Kutaisi: not hers


def copy_url(number: str) -> str:
    return f"/en/my-data/real-estate/documents/{number}/copy/"


def _copy_accesses() -> Any:
    return DataAccess.objects.filter(personal_number=NINO, operation="registered-document")


def test_the_real_estate_page_offers_a_sealed_copy_of_each_registered_document(
    portal: Any, nino: Account
) -> None:
    page = signed_in(nino).get("/en/my-data/real-estate/").content.decode()
    rows = re.findall(r'data-document="(\d{12})"', page)
    assert NINO_DEED in rows and NINO_MORTGAGE in rows
    assert LEVAN_DEED not in rows
    assert page.count("Get a sealed copy (PDF)") == len(rows)
    assert f'action="{copy_url(NINO_MORTGAGE)}"' in page
    assert "Mortgage agreement" in page and "csrfmiddlewaretoken" in page


def test_a_person_gets_a_sealed_copy_of_a_document_of_their_property(
    portal: Any, nino: Account, idpki: TestPki, tmp_path: Path
) -> None:
    client = signed_in(nino)
    response = press(client, "/en/my-data/real-estate/", copy_url(NINO_MORTGAGE), follow=True)
    assert response.redirect_chain[-1][0].startswith("/en/documents/")
    document = IssuedDocument.objects.get(issued_to=nino)
    assert document.kind == "document-copy" and document.agency.code == "napr"
    assert document.title == f"Copy: Mortgage agreement No. {NINO_MORTGAGE}"
    assert document.title_ka == f"ასლი: იპოთეკის ხელშეკრულება № {NINO_MORTGAGE}"
    html = response.content.decode()
    assert "Your sealed copy is ready" in html
    assert document.title in html and issued.shown(document.code) in html  # My documents

    # Asked through the exchange, so in her data-access log.
    [access] = _copy_accesses()
    assert access.agency == "public-registry" and access.purpose == "self-view"

    download = client.get(f"/en/documents/issued/{document.pk}/")
    sealed = b"".join(download.streaming_content)
    assert hashlib.sha256(sealed).hexdigest() == document.sha256
    # The registry's seal, valid for pyHanko from the file alone and for pdfsig.
    assert_sealed_by(sealed, "GOVGE-napr", idpki, tmp_path)
    # The registry's document itself, with the code stamped on it.
    text = pdf_text(sealed, tmp_path)
    assert "Mortgage agreement" in text and NINO_MORTGAGE in text
    assert "01.14.12.005.012.01.012" in text
    assert issued.code_in_file(sealed) == document.code

    # Anyone can check it by its code.
    check = client.post("/en/verify/", {"code": document.code})
    assert 'data-verdict="authentic"' in check.content.decode()
    assert document.title in check.content.decode()


def test_someone_elses_document_is_refused_and_nothing_is_issued(
    portal: Any, nino: Account
) -> None:
    # Not on her page: only a hand-made request (with a valid key of hers) asks for it.
    response = signed_in(nino).post(
        copy_url(LEVAN_DEED), crafted_key(nino, f"copy:{LEVAN_DEED}"), follow=True
    )
    assert response.redirect_chain[-1][0] == "/en/my-data/real-estate/"
    assert (
        f"The Public Registry has no document number {LEVAN_DEED} on a property of yours, "
        "so no copy was made."
    ) in response.content.decode()
    assert not IssuedDocument.objects.exists()
    # The question was asked (and is in her log), the answer was no.
    assert _copy_accesses().count() == 1


def test_when_the_registry_does_not_answer_nothing_is_issued(
    portal: Any, nino: Account, sandbox: RunningSandbox
) -> None:
    client = signed_in(nino)
    page = client.get("/en/my-data/real-estate/").content.decode()
    sandbox.set_faults({"public-registry": {"fail": True}})
    response = client.post(
        copy_url(NINO_DEED), {"request_key": form_key(page, copy_url(NINO_DEED))}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/en/my-data/real-estate/"
    assert (
        "The Public Registry did not answer, so no copy was made. Try again later."
        in response.content.decode()
    )
    assert not IssuedDocument.objects.exists()


def test_a_copy_needs_a_signed_in_person_a_post_and_a_registration_number(
    db: None, client: Any, nino: Account
) -> None:
    response = client.post(copy_url(NINO_DEED))
    assert response.status_code == 302 and "/sign-in" in response["Location"]
    own = signed_in(nino)
    assert own.get(copy_url(NINO_DEED)).status_code == 405
    assert own.post("/en/my-data/real-estate/documents/88201990010/copy/").status_code == 404
    assert own.post("/en/my-data/real-estate/documents/882019900101x/copy/").status_code == 404
    assert not IssuedDocument.objects.exists() and not DataAccess.objects.exists()
