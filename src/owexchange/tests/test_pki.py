"""The generated test PKI: complete, private keys private, idempotent, never overwriting."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography import x509

from owexchange import TrustStore
from owexchange.parties import DEFAULT_PARTIES
from owexchange.pki import ensure_test_pki, main


def test_the_default_pki_has_the_portal_and_the_nine_agencies(tmp_path: Path) -> None:
    assert main(["--out", str(tmp_path / "pki")]) == 0
    trust = TrustStore.load(tmp_path / "pki")
    assert trust.parties == sorted(DEFAULT_PARTIES)
    assert len(DEFAULT_PARTIES) == 10
    for party in DEFAULT_PARTIES:
        key = tmp_path / "pki" / f"{party}.key"
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
        certificate = x509.load_pem_x509_certificate(
            (tmp_path / "pki" / f"{party}.crt").read_bytes()
        )
        lifetime = certificate.not_valid_after_utc - certificate.not_valid_before_utc
        assert 700 < lifetime.days < 740
    assert stat.S_IMODE((tmp_path / "pki" / "ca.key").stat().st_mode) == 0o600


def test_running_again_changes_nothing_and_adds_only_new_parties(tmp_path: Path) -> None:
    ensure_test_pki(tmp_path, ["portal"])
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    ensure_test_pki(tmp_path, ["portal", "tbilisi"])
    after = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    assert {name: after[name] for name in before} == before
    assert {"tbilisi.crt", "tbilisi.key"} <= set(after)


def test_a_party_id_must_be_a_plain_name(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="party id"):
        ensure_test_pki(tmp_path, ["../evil"])
    assert main(["--out", str(tmp_path), "--party", "Bad Name"]) == 1
