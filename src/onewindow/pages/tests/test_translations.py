"""Georgian and English are both complete."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from django.test import Client

import pytest

ROOT = Path(__file__).resolve().parents[4]
CONTENT_PAGES = ["help", "accessibility", "terms", "contact"]


def test_every_georgian_message_is_translated() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_translations.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", CONTENT_PAGES)
def test_every_content_page_exists_in_both_languages(name: str) -> None:
    folder = ROOT / "src" / "onewindow" / "pages" / "templates" / "pages"
    assert (folder / f"{name}_ka.html").exists()
    assert (folder / f"{name}_en.html").exists()


@pytest.mark.django_db
def test_the_interface_speaks_georgian_under_ka(client: Client) -> None:
    georgian = client.get("/ka/help/").content.decode()
    english = client.get("/en/help/").content.decode()
    assert "მთავარ შინაარსზე გადასვლა" in georgian and "Skip to main content" not in georgian
    assert "Skip to main content" in english
