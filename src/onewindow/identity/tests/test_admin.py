"""The identity admin: role changes are audited (in the admin, with the administrator as
actor; elsewhere, with no known actor), terms are published by an action, sessions are
ended from it, and the logs are read-only."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.test import Client

import pytest

from onewindow.identity.models import (
    Account,
    AuditEvent,
    PortalSession,
    SignInMethod,
    TermsVersion,
)
from onewindow.identity.tests.helpers import make_account, session_key, session_store, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client) -> Client:
    admin = make_account("root", is_staff=True, is_superuser=True, first_name="Ana",
                         last_name="Admin")  # fmt: skip
    sign_in(client, admin, SignInMethod.ID_CARD)
    return client


def _change_form(account: Account, groups: list[int]) -> dict[str, object]:
    return {
        "username": account.username, "first_name": account.first_name,
        "last_name": account.last_name, "email": account.email, "is_active": "on",
        "groups": groups, "personal_number": account.personal_number or "",
        "first_name_ka": account.first_name_ka, "last_name_ka": account.last_name_ka,
        "mobile": account.mobile, "service_hall": "Tbilisi",
    }  # fmt: skip


def test_a_role_change_in_the_admin_is_audited_with_the_admin(
    admin_client: Client, nino: Account
) -> None:
    operator = Group.objects.get(name="operator")
    url = f"/admin/identity/account/{nino.pk}/change/"
    response = admin_client.post(url, _change_form(nino, [operator.pk]))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert nino.groups.filter(name="operator").exists()
    (event,) = AuditEvent.objects.filter(kind=AuditEvent.Kind.ROLE_CHANGED)
    assert event.subject == nino and event.actor is not None
    assert event.actor.username == "root"
    assert event.data == {"before": [], "after": ["operator"]}

    admin_client.post(url, _change_form(nino, []))
    last = AuditEvent.objects.filter(kind=AuditEvent.Kind.ROLE_CHANGED).last()
    assert last is not None and last.data == {"before": ["operator"], "after": []}
    # Saving without a role change records nothing more.
    admin_client.post(url, _change_form(nino, []))
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.ROLE_CHANGED).count() == 2


def test_a_role_change_outside_the_admin_is_audited_without_an_actor(nino: Account) -> None:
    staff = Group.objects.get(name="agency-staff")
    nino.groups.add(staff)
    staff.user_set.remove(nino)
    nino.groups.add(Group.objects.create(name="not-a-role"))
    events = list(AuditEvent.objects.filter(kind=AuditEvent.Kind.ROLE_CHANGED))
    assert [(e.actor, e.subject, e.data) for e in events] == [
        (None, nino, {"before": [], "after": ["agency-staff"]}),
        (None, nino, {"before": ["agency-staff"], "after": []}),
    ]


def test_publishing_a_draft_makes_it_current_and_is_audited(admin_client: Client) -> None:
    draft = TermsVersion.objects.create(version=2, body_ka="ა", body_en="a")
    response = admin_client.post(
        "/admin/identity/termsversion/",
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.published_at is not None
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.TERMS_PUBLISHED)
    assert event.data == {"version": 2} and event.actor is not None
    # Published: read-only, not deletable.
    page = admin_client.get(f"/admin/identity/termsversion/{draft.pk}/change/").content.decode()
    assert 'name="body_en"' not in page
    assert admin_client.get(f"/admin/identity/termsversion/{draft.pk}/delete/").status_code == 403


def test_an_older_draft_cannot_be_published(admin_client: Client) -> None:
    TermsVersion.objects.create(
        version=3, body_ka="ა", body_en="a", published_at="2026-11-01T00:00Z"
    )
    draft = TermsVersion.objects.create(version=2, body_ka="ა", body_en="a")
    admin_client.post(
        "/admin/identity/termsversion/", {"action": "publish", "_selected_action": [draft.pk]}
    )
    draft.refresh_from_db()
    assert draft.published_at is None


def test_an_admin_ends_a_persons_session(admin_client: Client, nino: Account) -> None:
    theirs = Client()
    sign_in(theirs, nino)
    target = PortalSession.objects.get(account=nino)
    admin_client.post(
        "/admin/identity/portalsession/",
        {"action": "end_sessions", "_selected_action": [target.pk]},
    )
    assert not session_store().exists(session_key(theirs))
    target.refresh_from_db()
    assert target.end_reason == PortalSession.EndReason.ENDED_BY_ADMIN
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.SESSION_ENDED).get()
    assert event.actor is not None and event.actor.username == "root"


@pytest.mark.parametrize("model", ["auditevent", "signinattempt", "termsacceptance"])
def test_the_logs_are_read_only_in_the_admin(admin_client: Client, model: str) -> None:
    assert admin_client.get(f"/admin/identity/{model}/").status_code == 200
    assert admin_client.get(f"/admin/identity/{model}/add/").status_code == 403
