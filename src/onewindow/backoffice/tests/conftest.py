"""The back-office's world: two agencies with their staff (made as `create_staff` makes
them), a citizen, an operator, and cases created as rows (as submission leaves them)."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from dataclasses import dataclass
from typing import Any

from django.test import Client
from django.utils import timezone

import pytest

from onewindow.applications.models import Application
from onewindow.backoffice.staff import staff_create
from onewindow.catalog.models import Agency, Service
from onewindow.identity.hall.operators import operator_create
from onewindow.identity.models import Account
from onewindow.identity.password.tests.conftest import (  # noqa: F401 (fixtures)
    accept_current_terms,
    quick_argon2,
)

PASSWORD = "back-office-password-7"


@pytest.fixture(autouse=True)
def _answers_unsealed(settings: Any) -> None:
    """These tests are about case work; sealing answers with an agency key in a SoftHSM2
    token is tested in signing/tests/test_issued.py (the answer flow)."""
    settings.SIGNING_SEAL_ANSWERS = False


_numbers = itertools.count(1)


def make_agency(code: str) -> Agency:
    return Agency.objects.create(code=code, name_ka=f"უწყება {code}", name_en=f"Agency {code}")


def make_service(code: str, agency: Agency, title: str) -> Service:
    return Service.objects.create(
        code=code,
        title_ka=title,
        title_en=title,
        summary_ka=title,
        summary_en=title,
        description_ka=title,
        description_en=title,
        kind=Service.Kind.FUNCTIONAL,
        audience=Service.Audience.PERSON,
        provider=agency,
    )


def make_staff(username: str, agency: Agency, role: str, first: str, last: str) -> Account:
    account = staff_create(
        username=username,
        agency_code=agency.code,
        role=role,
        password=PASSWORD,
        first_name=first,
        last_name=last,
    ).account
    accept_current_terms(account)
    return account


def make_case(
    applicant: Account,
    service: Service,
    *,
    due_in_days: int | None = 10,
    status: str = Application.Status.SUBMITTED,
    assignee: Account | None = None,
    submitted_days_ago: int = 0,
    subject: str = "",
    **fields: Any,
) -> Application:
    number = next(_numbers)
    now = timezone.now()
    today = timezone.localdate()
    name = f"{applicant.first_name} {applicant.last_name}"
    subject = subject or service.title_en
    return Application.objects.create(
        reference=f"OW-2026-{number:07d}",
        kind=Application.Kind.APPLICATION,
        applicant=applicant,
        service=service,
        agency=service.provider,
        language="en",
        subject=subject,
        answers=fields.pop("answers", {"reason": "lost"}),
        prefilled=fields.pop("prefilled", {"address": "Tbilisi, Rustaveli 1"}),
        submission_key=uuid.uuid4(),
        status=status,
        submitted_at=now - dt.timedelta(days=submitted_days_ago, seconds=number),
        due_on=None if due_in_days is None else today + dt.timedelta(days=due_in_days),
        assignee=assignee,
        search_text=f"OW-2026-{number:07d} {subject} {name} {applicant.personal_number}",
        **fields,
    )


def signed_in(account: Account) -> Client:
    client = Client()
    client.force_login(account)
    return client


@dataclass
class Office:
    agency: Agency
    other_agency: Agency
    service: Service
    other_service: Service
    foreign_service: Service
    clerk: Account
    second_clerk: Account
    supervisor: Account
    foreign_clerk: Account
    no_membership: Account
    citizen: Account
    operator: Account
    case: Application
    foreign_case: Application


@pytest.fixture
def office(db: None) -> Office:
    agency, other = make_agency("psda-test"), make_agency("napr-test")
    service = make_service("passport-test", agency, "Passport")
    other_service = make_service("id-card-test", agency, "ID card")
    foreign_service = make_service("extract-test", other, "Registry extract")
    clerk = make_staff("eka.clerk", agency, "clerk", "Eka", "Beridze")
    second = make_staff("levan.clerk", agency, "clerk", "Levan", "Kapanadze")
    supervisor = make_staff("nana.supervisor", agency, "supervisor", "Nana", "Gelashvili")
    foreign = make_staff("giga.other", other, "clerk", "Giga", "Lomidze")
    no_membership = make_staff("former.staff", agency, "clerk", "Former", "Staff")
    no_membership.staff_memberships.update(is_active=False)
    citizen = Account.objects.create_user(
        username="nino",
        password=None,
        personal_number="01001012345",
        first_name="Nino",
        last_name="Chavchavadze",
    )
    accept_current_terms(citizen)
    operator = operator_create(username="desk.operator", hall="Tbilisi", password=PASSWORD).account
    accept_current_terms(operator)
    return Office(
        agency=agency,
        other_agency=other,
        service=service,
        other_service=other_service,
        foreign_service=foreign_service,
        clerk=clerk,
        second_clerk=second,
        supervisor=supervisor,
        foreign_clerk=foreign,
        no_membership=no_membership,
        citizen=citizen,
        operator=operator,
        case=make_case(citizen, service),
        foreign_case=make_case(citizen, foreign_service),
    )


def text_of(response: Any) -> str:
    content: bytes = response.content
    return content.decode()
