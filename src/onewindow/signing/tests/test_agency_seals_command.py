"""`manage.py agency_seals` issues a seal per catalogue agency and fills the token."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from django.core.management import call_command

import pytest

from onewindow.catalog.selectors import catalog
from testpki import TestPki


@pytest.mark.django_db
def test_every_catalogue_agency_gets_a_seal_in_the_token(idpki: TestPki, tmp_path: Path) -> None:
    pki = tmp_path / "pki"
    shutil.copytree(idpki.directory, pki)  # not the session's: its server answers for that
    into = tmp_path / "hsm"

    call_command("load_catalog", verbosity=0)
    call_command("agency_seals", pki=pki, into=into)

    codes = {agency.code for agency in catalog().agencies}
    assert codes
    issued = json.loads((pki / "agency-seals.json").read_text(encoding="utf-8"))
    assert {entry["code"] for entry in issued} == codes
    for code in codes:
        assert (pki / "agency-seals" / f"{code}.pem").is_file()
    assert (into / "softhsm2.conf").is_file()
    assert (into / "pin").stat().st_mode & 0o077 == 0

    # Idempotent: a second run issues nothing new.
    before = (pki / "agency-seals.json").read_bytes()
    call_command("agency_seals", pki=pki, into=into)
    assert (pki / "agency-seals.json").read_bytes() == before
