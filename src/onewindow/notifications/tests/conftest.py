"""The notifications tests' people, an application, and the real outside systems: an
SMTP server (aiosmtpd) and an HTTP SMS provider implementing identity/sms.py's API
(shared with identity's tests: onewindow/testing/mailservers.py)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

import pytest

from onewindow.applications.models import Application, StatusChange
from onewindow.catalog.models import Agency, Service
from onewindow.identity.models import Account
from onewindow.identity.tests.conftest import giorgi, nino
from onewindow.testing.mailservers import Mailbox, SmsGateway, mailbox, sms_gateway

__all__ = ["Mailbox", "SmsGateway", "giorgi", "mailbox", "nino", "sms_gateway"]


@pytest.fixture
def confirmed_nino(nino: Account) -> Account:
    nino.email_confirmed_at = timezone.now()
    nino.mobile, nino.mobile_confirmed_at = "+995555123456", timezone.now()
    nino.save()
    return nino


@pytest.fixture
def agency(db: None) -> Agency:
    return Agency.objects.create(
        code="civil-registry", name_ka="სამოქალაქო რეესტრის სააგენტო",
        name_en="Public Service Development Agency", short_name_ka="რეესტრი",
        short_name_en="Civil Registry",
    )  # fmt: skip


@pytest.fixture
def service(agency: Agency) -> Service:
    return Service.objects.create(
        code="birth-certificate", title_ka="დაბადების მოწმობის ასლი",
        title_en="Copy of a birth certificate", summary_ka="ს", summary_en="s",
        description_ka="ს", description_en="s", kind=Service.Kind.FUNCTIONAL,
        audience=Service.Audience.PERSON, provider=agency,
    )  # fmt: skip


def make_application(
    applicant: Account, service: Service, *, language: str = "en", number: int = 123
) -> Application:
    return Application.objects.create(
        reference=f"OW-2026-{number:07d}", kind=Application.Kind.APPLICATION,
        applicant=applicant, service=service, agency=service.provider, language=language,
        subject=service.title_ka if language == "ka" else service.title_en,
        submission_key=f"00000000-0000-4000-8000-{number:012d}",
        submitted_at=timezone.now(), due_on=date(2026, 12, 7),
    )  # fmt: skip


@pytest.fixture
def application(confirmed_nino: Account, service: Service) -> Application:
    return make_application(confirmed_nino, service)


def change_to(application: Application, to_status: str, note: str = "") -> StatusChange:
    """What applications.services.status_change() writes (that room's code is elsewhere)."""
    change = StatusChange.objects.create(
        application=application, from_status=application.status, to_status=to_status, note=note
    )
    application.status = to_status
    application.save(update_fields=["status"])
    return change


def later(minutes: int) -> Any:
    return timezone.now() + timedelta(minutes=minutes)
