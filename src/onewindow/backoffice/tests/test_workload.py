"""The supervisor's workload page, and `create_staff`."""

from __future__ import annotations

import re

from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from onewindow.applications.models import Application
from onewindow.backoffice.models import StaffMembership
from onewindow.backoffice.selectors import workload
from onewindow.catalog.models import Agency
from onewindow.identity.models import Account
from onewindow.identity.roles import Role, has_role

from .conftest import Office, make_case, signed_in, text_of

Status = Application.Status


def test_workload_per_clerk_and_service_and_the_overdue_list(office: Office) -> None:
    make_case(office.citizen, office.service, assignee=office.clerk, due_in_days=-1)
    make_case(office.citizen, office.service, assignee=office.clerk, due_in_days=2)
    make_case(office.citizen, office.other_service, assignee=office.clerk, due_in_days=20)
    late = make_case(office.citizen, office.other_service, due_in_days=-5)
    make_case(office.citizen, office.service, assignee=office.clerk, status=Status.CLOSED)
    make_case(office.citizen, office.foreign_service, due_in_days=-9)  # another agency
    load = workload(agency=office.agency)
    clerks = {row.name: (row.open, row.overdue, row.due_this_week) for row in load.by_clerk}
    assert clerks["Eka Beridze"] == (3, 1, 1)
    assert clerks["Levan Kapanadze"] == (0, 0, 0)
    assert clerks[""] == (2, 1, 0)  # unassigned: office.case (due in 10 days) and `late`
    services = {row.name: (row.open, row.overdue) for row in load.by_service}
    assert services == {"Passport": (3, 1), "ID card": (2, 1)}
    assert load.overdue[0].reference == late.reference
    assert len(load.overdue) == 2

    page = text_of(signed_in(office.supervisor).get("/en/office/workload/"))
    assert "Eka Beridze" in page and late.reference in page and "Unassigned" in page


def test_the_workload_page_costs_the_same_with_more_cases(office: Office) -> None:
    supervisor = signed_in(office.supervisor)
    supervisor.get("/en/office/workload/")
    with CaptureQueriesContext(connection) as few:
        supervisor.get("/en/office/workload/")
    for index in range(60):
        make_case(office.citizen, office.service, assignee=office.clerk, due_in_days=index - 30)
    with CaptureQueriesContext(connection) as many:
        supervisor.get("/en/office/workload/")
    assert len(many) == len(few)


def test_create_staff_makes_an_account_that_works_in_the_back_office(
    office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command(
        "create_staff",
        "tamar.clerk",
        "--agency",
        office.agency.code,
        "--role",
        "supervisor",
        "--password",
        "a-long-enough-password-9",
        "--first-name",
        "Tamar",
    )
    out = capsys.readouterr().out
    assert "Created staff tamar.clerk (psda-test, supervisor)" in out
    assert re.search(r"totp-secret-base32: [A-Z2-7]+", out)
    account = Account.objects.get(username="tamar.clerk")
    assert has_role(account, Role.AGENCY_STAFF)
    assert account.check_password("a-long-enough-password-9")
    membership = StaffMembership.objects.get(account=account)
    assert (membership.agency, membership.role) == (office.agency, "supervisor")
    client = Client()
    client.force_login(account)
    assert client.get("/en/office/workload/").status_code == 200


def test_create_staff_refuses_bad_input(db: None) -> None:
    with pytest.raises(CommandError, match="no agency"):
        call_command(
            "create_staff",
            "tamar.clerk",
            "--agency",
            "nope",
            "--password",
            "a-long-enough-password-9",
        )
    with pytest.raises(CommandError, match="username"):
        call_command(
            "create_staff", "Bad Name", "--agency", "nope", "--password", "a-long-enough-password-9"
        )
    assert not Account.objects.filter(username="tamar.clerk").exists()


def test_create_staff_in_every_agency_keeps_one_authenticator(
    office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command(
        "create_staff", "demo.head", "--agency", "all", "--role", "head",
        "--password", "a-long-enough-password-9",
    )  # fmt: skip
    account = Account.objects.get(username="demo.head")
    active = set(Agency.objects.filter(is_active=True).values_list("code", flat=True))
    memberships = StaffMembership.objects.filter(account=account)
    assert {m.agency.code for m in memberships} == active and len(active) >= 2
    assert {m.role for m in memberships} == {"head"}
    printed = re.findall(r"totp-secret-hex: ([0-9a-f]+)", capsys.readouterr().out)
    devices = TOTPDevice.objects.filter(user=account)
    # One authenticator app set-up, whatever the number of agencies: the key printed.
    assert [device.key for device in devices] == printed
