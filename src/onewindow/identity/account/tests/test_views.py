"""The account pages as their owner, as another citizen and as an anonymous visitor."""

from __future__ import annotations

from django.test import Client
from django.utils import translation

import pytest

from onewindow.identity import audit, services
from onewindow.identity.account.useragent import browser_label
from onewindow.identity.models import (
    Account,
    AuditEvent,
    PortalSession,
    SignInAttempt,
    SignInMethod,
)
from onewindow.identity.tests.helpers import (
    FIREFOX_WINDOWS,
    make_account,
    session_key,
    session_store,
    sign_in,
)

pytestmark = pytest.mark.django_db

PAGES = ["/{lang}/account/", "/{lang}/account/sessions/", "/{lang}/account/history/",
         "/{lang}/account/contact/", "/{lang}/account/reauth/"]  # fmt: skip


def text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined,no-any-return]


@pytest.mark.parametrize("lang", ["ka", "en"])
@pytest.mark.parametrize("template", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client: Client, template: str, lang: str) -> None:
    url = template.format(lang=lang)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/{lang}/sign-in/?next={url}"


def test_the_profile_shows_the_person_and_how_they_signed_in(client: Client, nino: Account) -> None:
    sign_in(client, nino)
    page = text(client.get("/en/account/"))
    for expected in ("ნინო ბერიძე", "Nino Beridze", "01001012345", "nino@example.ge",
                     "Not confirmed", "ID card", "Your ID card and its PIN"):  # fmt: skip
        assert expected in page
    assert 'href="/en/account/sessions/"' in page and 'href="/en/account/history/"' in page
    assert 'href="/en/account/"' in page  # the header's link to the profile


def test_the_profile_shows_the_second_factor_of_a_password_account(client: Client) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    person = make_account("tamar", "01001077777", password="a long password 1")
    device = TOTPDevice.objects.create(user=person, name="app", confirmed=True)
    sign_in(client, person, SignInMethod.PASSWORD, otp_device=device)
    page = text(client.get("/en/account/"))
    assert "codes from an authenticator app" in page
    assert "username, password and one-time code" in page


def test_sign_out_is_post_only_and_the_old_cookie_stops_working(
    client: Client, nino: Account
) -> None:
    sign_in(client, nino)
    key = session_key(client)
    assert client.get("/en/account/sign-out/").status_code == 405
    response = client.post("/en/account/sign-out/")
    assert response["Location"] == "/en/account/signed-out/"
    assert "You have signed out" in text(client.get("/en/account/signed-out/"))
    assert not session_store().exists(key)
    replay = Client()
    replay.cookies["sessionid"] = key
    assert replay.get("/en/account/").status_code == 302
    assert PortalSession.objects.get().end_reason == PortalSession.EndReason.SIGNED_OUT


def test_sessions_lists_this_and_other_sessions(client: Client, nino: Account) -> None:
    other = Client()
    sign_in(other, nino, user_agent=FIREFOX_WINDOWS, ip="198.51.100.9")
    sign_in(client, nino)
    page = text(client.get("/en/account/sessions/"))
    assert page.count("data-current") == 1
    assert "Chrome on Linux" in page and "Firefox on Windows" in page
    assert "198.51.100.9" in page
    other_session = PortalSession.objects.get(session_key=session_key(other))
    assert f'action="/en/account/sessions/{other_session.pk}/end/"' in page
    own = PortalSession.objects.get(session_key=session_key(client))
    assert f"/en/account/sessions/{own.pk}/end/" not in page


def test_ending_another_session_signs_it_out(client: Client, nino: Account) -> None:
    other = Client()
    sign_in(other, nino, user_agent=FIREFOX_WINDOWS)
    sign_in(client, nino)
    target = PortalSession.objects.get(session_key=session_key(other))
    response = client.post(f"/en/account/sessions/{target.pk}/end/", follow=True)
    assert "You ended the session of Firefox on Windows." in text(response)
    assert other.get("/en/account/").status_code == 302
    target.refresh_from_db()
    assert target.end_reason == PortalSession.EndReason.ENDED_BY_PERSON
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.SESSION_ENDED).get()
    assert (event.actor, event.subject) == (nino, nino)
    assert client.get("/en/account/").status_code == 200  # this session goes on


def test_someone_elses_session_is_not_found(client: Client, nino: Account, giorgi: Account) -> None:
    theirs = Client()
    sign_in(theirs, giorgi)
    target = PortalSession.objects.get(account=giorgi)
    sign_in(client, nino)
    assert client.post(f"/en/account/sessions/{target.pk}/end/").status_code == 404
    assert client.post("/en/account/sessions/999999/end/").status_code == 404
    assert theirs.get("/en/account/").status_code == 200
    assert PortalSession.objects.get(pk=target.pk).ended_at is None
    anonymous = Client()
    response = anonymous.post(f"/en/account/sessions/{target.pk}/end/")
    assert response.status_code == 302 and "/sign-in/" in response["Location"]
    assert client.get(f"/en/account/sessions/{target.pk}/end/").status_code == 405


def test_history_shows_only_the_persons_own_records_in_words(
    client: Client, nino: Account, giorgi: Account
) -> None:
    from django.test import RequestFactory

    request = RequestFactory().post("/", HTTP_USER_AGENT=FIREFOX_WINDOWS)
    services.record_failure(request, method=SignInMethod.PASSWORD, reason="wrong-code",
                            account=nino)  # fmt: skip
    services.record_failure(request, method=SignInMethod.PASSWORD, reason="revoked",
                            account=giorgi)  # fmt: skip
    operator = make_account("eka", first_name="Eka", last_name="Lomidze", service_hall="Rustavi")
    audit.record(AuditEvent.Kind.OPERATOR_LOOKUP, actor=operator, subject=nino)
    audit.record(AuditEvent.Kind.OPERATOR_LOOKUP, actor=operator, subject=giorgi,
                 data={"secret": "GIORGI-ONLY"})  # fmt: skip
    sign_in(client, nino)
    page = text(client.get("/en/account/history/"))
    assert "wrong one-time code" in page and "Firefox on Windows" in page
    assert "the ID card&#x27;s certificate is revoked" not in page
    assert "Eka Lomidze [eka, Rustavi]" in page
    assert "looked up by an operator" in page and "signed in" in page
    assert page.count("looked up by an operator") == 1
    assert SignInAttempt.objects.filter(account=giorgi).exists()


def test_history_is_paginated_newest_first(client: Client, nino: Account) -> None:
    for n in range(25):
        audit.record(AuditEvent.Kind.PASSWORD_CHANGED, actor=nino, subject=nino, data={"n": n})
    sign_in(client, nino)
    first = text(client.get("/en/account/history/"))
    assert first.count("password changed") == 19  # 20 a page; the newest is the sign-in
    assert "?events=2&amp;logins=1#events" in first
    second = text(client.get("/en/account/history/?events=2"))
    assert second.count("password changed") == 6


@pytest.mark.parametrize(
    ("header", "label"),
    [
        ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36",
         "Chrome on Linux"),
        ("Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/131.0 Safari/537.36 "
         "Edg/131.0", "Edge on Windows"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
         "Version/17.0 Mobile/15E148 Safari/604.1", "Safari on iOS"),
        ("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36",
         "Chrome on Android"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.1; rv:133.0) Gecko/20100101 Firefox/133.0",
         "Firefox on macOS"),
        ("curl/8.5.0", "Unknown browser"),
    ],
)  # fmt: skip
def test_browser_labels(header: str, label: str) -> None:
    with translation.override("en"):
        assert browser_label(header) == label


def test_browser_labels_in_georgian() -> None:
    header = "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/131.0 Edg/131.0"
    with translation.override("ka"):
        assert browser_label(header) == "Edge, Windows"
