"""The inbox pages: the owner's own notices only; anonymous people go to sign in."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import timezone, translation

import pytest

from onewindow.applications.models import Application
from onewindow.identity.models import Account
from onewindow.identity.tests.helpers import sign_in
from onewindow.notifications import services
from onewindow.notifications.models import ChannelPreference, Notification

from .conftest import change_to

pytestmark = pytest.mark.django_db


def _notices(application: Application) -> list[Notification]:
    made = []
    for status in ("submitted", "received", "closed"):
        made.append(services.notify_status_change(application, change_to(application, status)))
    return [n for n in made if n is not None]


@pytest.mark.parametrize("path", ["/en/inbox/", "/en/inbox/preferences/", "/en/inbox/1/"])
def test_anonymous_people_sign_in_first(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302 and "/sign-in/" in response["Location"]
    assert client.post("/en/inbox/read/", {"all": "1"}).status_code == 302
    assert client.post("/en/inbox/read/", {"all": "1"})["Location"].startswith("/en/sign-in/")


def test_owner_sees_unread_first_and_opening_marks_read(
    client: Client, application: Application
) -> None:
    submitted, received, closed = _notices(application)
    Notification.objects.filter(pk=closed.pk).update(read_at=closed.created_at)
    sign_in(client, application.applicant)
    page = client.get("/en/inbox/").content.decode()
    assert "You have 2 unread notices." in page
    order = [page.index(n.subject) for n in (received, submitted, closed)]
    assert order == sorted(order)  # unread first, newest first

    opened = client.get(f"/en/inbox/{submitted.pk}/").content.decode()
    assert "We have sent your application to Civil Registry." in opened
    submitted.refresh_from_db()
    assert submitted.read_at is not None
    assert "You have 1 unread notice." in client.get("/en/inbox/").content.decode()


def test_mark_one_and_all_read(client: Client, application: Application) -> None:
    submitted, received, _closed = _notices(application)
    sign_in(client, application.applicant)
    response = client.post("/en/inbox/read/", {"notification": submitted.pk, "page": "1"})
    assert response["Location"] == "/en/inbox/?page=1"
    assert list(Notification.objects.filter(read_at=None).order_by("id")) == [received, _closed]
    client.post("/en/inbox/read/", {"all": "1"})
    assert not Notification.objects.filter(read_at=None).exists()
    assert client.get("/en/inbox/read/").status_code == 405


def test_another_citizen_sees_none_of_it(
    client: Client, application: Application, giorgi: Account
) -> None:
    submitted, _received, _closed = _notices(application)
    sign_in(client, giorgi)
    page = client.get("/en/inbox/").content.decode()
    assert "No notices yet." in page and "OW-2026-0000123" not in page
    assert client.get(f"/en/inbox/{submitted.pk}/").status_code == 404
    assert client.post("/en/inbox/read/", {"notification": submitted.pk}).status_code == 404
    client.post("/en/inbox/read/", {"all": "1"})
    assert Notification.objects.filter(read_at=None).count() == 3


def test_inbox_is_paginated_with_bounded_queries(
    client: Client, application: Application, django_assert_max_num_queries: Any
) -> None:
    for number in range(45):
        services.notify(
            application.applicant, event="application-closed", application=application,
            context={"key": str(number)},
        )  # fmt: skip
    sign_in(client, application.applicant)
    client.get("/en/inbox/")  # warm the session and caches
    with django_assert_max_num_queries(12):
        page = client.get("/en/inbox/?page=2").content.decode()
    assert page.count('<h2 class="govuk-summary-card__title">') == 20
    assert 'rel="prev"' in page and 'rel="next"' in page
    last = client.get("/en/inbox/?page=3").content.decode()
    assert last.count('<h2 class="govuk-summary-card__title">') == 5 and 'rel="next"' not in last


def test_preferences_explain_a_missing_mobile(client: Client, nino: Account) -> None:
    sign_in(client, nino)  # e-mail given but not confirmed, no mobile
    page = client.get("/en/inbox/preferences/").content.decode()
    assert "You have no confirmed mobile number." in page
    assert "You have no confirmed e-mail address." in page
    response = client.post("/en/inbox/preferences/", {"sms": "on"})
    assert response.status_code == 200
    error_page = response.content.decode()
    assert "You need a confirmed mobile number to get notices by SMS" in error_page
    assert '<a href="#channels-missing">' in error_page and 'id="channels-missing"' in error_page
    assert 'name="sms"' not in error_page and 'name="email"' not in error_page
    assert not ChannelPreference.objects.exists()


def test_preferences_are_saved(client: Client, confirmed_nino: Account) -> None:
    sign_in(client, confirmed_nino)
    page = client.get("/en/inbox/preferences/").content.decode()
    email_box = page[page.index('id="channel-email"') : page.index('for="channel-email"')]
    assert "checked" in email_box and "disabled" not in email_box
    response = client.post("/en/inbox/preferences/", {"sms": "on"})
    assert response["Location"] == "/en/inbox/preferences/"
    preference = ChannelPreference.objects.get(account=confirmed_nino)
    assert (preference.email, preference.sms) == (False, True)
    assert services.channels_for(confirmed_nino) == {services.Channel.SMS}


def test_header_link_counts_unread(application: Application) -> None:
    _notices(application)
    request = RequestFactory().get("/en/")
    request.user = application.applicant
    with translation.override("en"):
        html = render_to_string(
            "notifications/includes/header_link.html", {"user": application.applicant}, request
        )
    assert "Inbox (3 unread)" in html and 'href="/en/inbox/"' in html
    Notification.objects.update(read_at=timezone.now())
    with translation.override("en"):
        html = render_to_string(
            "notifications/includes/header_link.html", {"user": application.applicant}, request
        )
    assert ">Inbox</a>" in html
