"""axe-core on the attachment pages as the server renders them (with the portal's own
stylesheet), in both languages: the upload page with an error, and "My documents"."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

import pytest

from onewindow.applications.attachments import services
from onewindow.applications.models import Attachment

from . import files
from .conftest import World, upload

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
STYLESHEET = Path(settings.BASE_DIR) / "src/onewindow/static/dist/css/onewindow.css"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

sync_api = pytest.importorskip("playwright.sync_api")
axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")


def axe_violations(pages: list[str]) -> list[Any]:
    """axe-core's WCAG A/AA violations on each page. The browser runs only here, after the
    database work: Playwright's sync API keeps an event loop in the thread while it runs."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed")
    found: list[Any] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"],
        )  # fmt: skip
        page = browser.new_page()
        for html in pages:
            page.set_content(html, wait_until="domcontentloaded")
            if STYLESHEET.exists():
                page.add_style_tag(path=str(STYLESHEET))
            options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}}
            results = axe_module.Axe().run(page, options=options)
            found += [
                (v["id"], [n["html"] for n in v["nodes"]]) for v in results.response["violations"]
            ]
        browser.close()
    return found


@pytest.mark.parametrize("lang", ["ka", "en"])
def test_pages_have_no_axe_violations(client: Client, world: World, lang: str) -> None:
    attachment = services.attachment_store(
        upload(files.pdf(), "განცხადება.pdf"), uploaded_by=world.citizen, draft=world.draft
    )
    services.attachment_store(
        upload(files.png(), "scan.png"), uploaded_by=world.citizen, draft=world.draft
    )
    Attachment.objects.filter(pk=attachment.pk).update(application=world.application, draft=None)
    client.force_login(world.citizen)
    with translation.override(lang):
        upload_url = reverse("applications:attachment-upload", args=[world.draft.pk])
        documents_url = reverse("applications:documents")
    refused = client.post(
        upload_url, {"file": upload(files.HTML, "a.pdf"), "field": "passport", "next": "/ka/"}
    )
    assert refused.status_code == 400
    listing = client.get(documents_url)
    assert "განცხადება.pdf" in listing.content.decode()
    files_page = client.get(upload_url)
    assert "scan.png" in files_page.content.decode()
    pages = [refused.content.decode(), listing.content.decode(), files_page.content.decode()]
    assert axe_violations(pages) == []
