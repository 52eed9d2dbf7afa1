"""axe-core (WCAG 2.2 AA) on the inbox pages as the portal renders them, loaded into
Chromium with `set_content` (no running server needed)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

import pytest

from onewindow.applications.models import Application
from onewindow.identity.models import Account
from onewindow.identity.tests.helpers import sign_in
from onewindow.notifications import services

from .conftest import change_to

pytestmark = pytest.mark.django_db

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
ORIGIN = "http://portal.test"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def _violations_of(pages: dict[str, str]) -> dict[str, list[str]]:
    """Started after the database work: Playwright's loop makes Django refuse queries."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    found = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        current = {"html": ""}

        def serve(route: Any) -> None:
            """The page and the portal's own static files (CSS, JS); nothing else."""
            path = urlsplit(route.request.url).path
            if path == "/page":
                route.fulfill(body=current["html"], content_type="text/html; charset=utf-8")
            elif path.startswith(settings.STATIC_URL) and (
                found := finders.find(path.removeprefix(settings.STATIC_URL))
            ):
                route.fulfill(path=str(found))
            else:
                route.abort()

        page.route("**/*", serve)
        for name, html in pages.items():
            current["html"] = html
            page.goto(f"{ORIGIN}/page")
            options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}}
            results = Axe().run(page, options=options)
            found[name] = [
                f"{v['id']}: {[n['target'] for n in v['nodes']]}"
                for v in results.response["violations"]
            ]
        browser.close()
    return found


def test_inbox_pages_are_axe_clean(client: Client, application: Application, nino: Account) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed")
    for status in ("submitted", "information-requested"):
        services.notify_status_change(application, change_to(application, status, "Passport"))
    for number in range(25):
        services.notify(
            application.applicant, event="application-closed", application=application,
            context={"key": str(number)},
        )  # fmt: skip
    sign_in(client, application.applicant)
    notice = application.notifications.order_by("id").first()
    assert notice is not None
    Account.objects.filter(pk=nino.pk).update(mobile_confirmed_at=None)  # for the error
    pages = {
        "inbox": client.get("/en/inbox/?page=2"),
        "inbox-ka": client.get("/ka/inbox/"),
        "message": client.get(f"/en/inbox/{notice.pk}/"),
        "preferences": client.get("/en/inbox/preferences/"),
        "preferences-error": client.post("/en/inbox/preferences/", {"email": "on", "sms": "on"}),
    }
    assert {name: response.status_code for name, response in pages.items()} == dict.fromkeys(
        pages, 200
    )
    violations = _violations_of({name: r.content.decode() for name, r in pages.items()})
    assert violations == {name: [] for name in pages}
