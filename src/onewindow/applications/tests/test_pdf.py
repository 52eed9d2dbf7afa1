"""The PDF rendition of an application: PDF/A, in the citizen's language, with Georgian
text that `pdftotext` reads back exactly."""

# The fixtures come from journey_helpers: pytest passes them in under the same names.
# ruff: noqa: F811

from __future__ import annotations

import shutil
import subprocess

import pytest

from onewindow.applications.models import Application, Attachment
from onewindow.applications.pdf import application_pdf
from onewindow.applications.services import application_submit
from onewindow.catalog.models import Service
from onewindow.identity.models import Account
from onewindow.notifications.tests.jobs import run_jobs

from .journey_helpers import agency, citizen, make_draft, service  # noqa: F401 - fixtures

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils"),
]


def pdf_text(content: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=content, capture_output=True, check=True,
    )  # fmt: skip
    return done.stdout.decode()


def submitted(citizen: Account, service: Service, language: str) -> Application:
    application = application_submit(
        make_draft(citizen, service, language=language), submitted_by=citizen
    )
    Attachment.objects.create(
        uploaded_by=citizen, application=application, field="", file="attachments/a.pdf",
        name="იჯარის-ხელშეკრულება.pdf", content_type="application/pdf", size=2048,
        sha256="0" * 64, scan="clean",
    )  # fmt: skip
    return application


def test_an_english_application(citizen: Account, service: Service) -> None:
    application = submitted(citizen, service, "en")
    content = application_pdf(application)
    assert content.startswith(b"%PDF-")
    # PDF/A-3b, as the XMP metadata declares it.
    meta = subprocess.run(
        ["pdfinfo", "-meta", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    assert 'pdfaid:part="3"' in meta and 'pdfaid:conformance="B"' in meta
    text = pdf_text(content)
    for expected in (
        application.reference,
        "Change of address",
        "Public Service Development Agency",
        "Nino Beridze",
        "01001012345",
        "Reason for the application",
        "ბინის შეცვლა",  # the answer, as the citizen wrote it
        "Rustaveli Ave., 12",
        "nino@example.ge",
        "Answer due by",
        "იჯარის-ხელშეკრულება.pdf",
    ):
        assert expected in text, expected


def test_a_georgian_application(citizen: Account, service: Service) -> None:
    application = submitted(citizen, service, "ka")
    text = pdf_text(application_pdf(application))
    for expected in (
        application.reference,
        "მისამართის შეცვლა",
        "საჯარო სერვისების განვითარების სააგენტო",
        "ნინო ბერიძე",
        "განცხადების მიზეზი",
        "ბინის შეცვლა",
    ):
        assert expected in text, expected
    assert "Reason for the application" not in text


def test_the_job_stores_it_once(citizen: Account, service: Service) -> None:
    application = submitted(citizen, service, "en")
    run_jobs()
    application.refresh_from_db()
    assert str(application.pdf.name).startswith("applications/")
    with application.pdf.open("rb") as stored:
        assert application.reference in pdf_text(stored.read())
    first = application.pdf.name
    from onewindow.applications.tasks import render_application_pdf

    assert render_application_pdf.call(application_id=application.pk) == first
    application.pdf.delete(save=False)
