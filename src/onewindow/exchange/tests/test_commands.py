"""`manage.py exchange_keys` makes the test PKI the portal and the sandbox use."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command

from owexchange import TrustStore, load_private_key


def test_exchange_keys_makes_the_portal_and_the_nine_agencies(
    tmp_path: Path, settings: Any
) -> None:
    settings.EXCHANGE_PKI_DIR = tmp_path / "pki"
    out = StringIO()
    call_command("exchange_keys", stdout=out)
    assert "Test PKI ready" in out.getvalue()
    trust = TrustStore.load(tmp_path / "pki")
    assert len(trust.parties) == 10 and "portal" in trust.parties
    key = load_private_key(tmp_path / "pki", "portal")
    before = (tmp_path / "pki" / "portal.key").read_bytes()
    call_command("exchange_keys", stdout=StringIO())  # idempotent
    assert (tmp_path / "pki" / "portal.key").read_bytes() == before
    assert key.public_key() == trust.public_key("portal")
