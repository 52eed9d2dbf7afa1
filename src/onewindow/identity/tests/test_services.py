"""The shared core: signing in and out, ending sessions, the steps after sign-in, roles."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from onewindow.identity import services
from onewindow.identity.models import (
    Account,
    AuditEvent,
    PortalSession,
    SignInAttempt,
    SignInMethod,
    TermsVersion,
)
from onewindow.identity.roles import Role, has_role, role_required, roles_of
from onewindow.identity.steps import Step, outstanding_steps

from .helpers import accept_current_terms, session_key, session_store, sign_in

pytestmark = pytest.mark.django_db


def test_sign_in_starts_a_recorded_session(client: Client, nino: Account) -> None:
    assert sign_in(client, nino) == "/ka/my-data/"
    key = session_key(client)
    store = session_store(key)
    assert store[services.METHOD_SESSION_KEY] == "id-card"
    assert store["ow_steps"] == []
    assert store[services.SIGNED_IN_AT_SESSION_KEY] == store[services.REAUTH_AT_SESSION_KEY]
    portal_session = PortalSession.objects.get(session_key=key)
    assert (portal_session.account, portal_session.ip_address) == (nino, "203.0.113.5")
    attempt = SignInAttempt.objects.get(account=nino)
    assert attempt.outcome == SignInAttempt.Outcome.SUCCESS
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.SIGN_IN)
    assert (event.actor, event.subject, event.data) == (nino, nino, {"method": "id-card"})


def test_sign_out_ends_the_session_on_the_server(client: Client, nino: Account) -> None:
    sign_in(client, nino)
    key = session_key(client)
    request = RequestFactory().post("/")
    request.session = session_store(key)
    request.user = nino
    services.sign_out(request, PortalSession.EndReason.SIGNED_OUT)
    assert not session_store().exists(key)
    portal_session = PortalSession.objects.get(session_key=key)
    assert portal_session.end_reason == PortalSession.EndReason.SIGNED_OUT
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGNED_OUT).get()
    assert event.actor == nino and event.data["reason"] == "signed-out"


def test_end_session_from_elsewhere_records_who(client: Client, nino: Account) -> None:
    sign_in(client, nino)
    portal_session = PortalSession.objects.get(account=nino)
    services.end_session(portal_session, PortalSession.EndReason.ENDED_BY_PERSON, actor=nino)
    assert not session_store().exists(portal_session.session_key)
    assert client.get("/en/account/").status_code == 302
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.SESSION_ENDED).get()
    assert event.data == {"reason": "ended-by-person", "session": portal_session.pk}


def test_record_failure_goes_to_the_login_history(nino: Account) -> None:
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.7")
    services.record_failure(
        request, method=SignInMethod.PASSWORD, reason="wrong-password", account=nino
    )
    attempt = SignInAttempt.objects.get()
    assert (attempt.outcome, attempt.reason, attempt.ip_address) == (
        "failure", "wrong-password", "198.51.100.7",
    )  # fmt: skip
    assert AuditEvent.objects.get().kind == AuditEvent.Kind.SIGN_IN_FAILED


def test_steps_in_order_for_a_new_password_account(nino: Account) -> None:
    nino.must_change_password = True
    assert outstanding_steps(nino, SignInMethod.INITIAL_PASSWORD) == [
        Step.CHANGE_PASSWORD, Step.ENROL_TOTP, Step.ACCEPT_TERMS,
    ]  # fmt: skip
    # An ID card is two factors already; the terms are the only step.
    assert outstanding_steps(nino, SignInMethod.ID_CARD) == [Step.ACCEPT_TERMS]
    accept_current_terms(nino)
    assert outstanding_steps(nino, SignInMethod.ID_CARD) == []
    TOTPDevice.objects.create(user=nino, name="app", confirmed=True)
    nino.must_change_password = False
    assert outstanding_steps(nino, SignInMethod.PASSWORD) == []


def test_a_new_published_version_of_the_terms_is_a_step_again(nino: Account) -> None:
    accept_current_terms(nino)
    TermsVersion.objects.create(version=2, body_ka="ა", body_en="b")  # a draft: no step
    assert outstanding_steps(nino, SignInMethod.ID_CARD) == []
    TermsVersion.objects.filter(version=2).update(published_at=timezone.now())
    assert outstanding_steps(nino, SignInMethod.ID_CARD) == [Step.ACCEPT_TERMS]


def test_version_1_of_the_terms_is_published_in_both_languages() -> None:
    terms = TermsVersion.objects.get(version=1)
    assert terms.published_at is not None
    assert "## Your account and signing in" in terms.body_en
    assert "## ანგარიში და შესვლა" in terms.body_ka
    assert "<" not in terms.body_en + terms.body_ka


def test_roles_come_from_groups_a_personal_number_and_superuser(nino: Account) -> None:
    assert roles_of(nino) == {Role.CITIZEN}
    nino.groups.add(Group.objects.get(name="operator"))
    assert roles_of(nino) == {Role.CITIZEN, Role.OPERATOR}
    assert has_role(nino, Role.OPERATOR) and not has_role(nino, Role.AGENCY_STAFF)
    nino.is_superuser = True
    assert has_role(nino, Role.ADMINISTRATOR)
    nino.is_active = False
    assert not has_role(nino, Role.OPERATOR)
    assert {group.name for group in Group.objects.all()} >= {
        "operator", "agency-staff", "administrator",
    }  # fmt: skip


def test_role_required_refuses_others(nino: Account, giorgi: Account) -> None:
    @role_required(Role.OPERATOR)
    def desk(request: HttpRequest) -> HttpResponse:
        return HttpResponse("desk")

    nino.groups.add(Group.objects.get(name="operator"))
    request = RequestFactory().get("/")
    request.user = nino
    assert desk(request).content == b"desk"
    request.user = giorgi
    with pytest.raises(PermissionDenied):
        desk(request)
