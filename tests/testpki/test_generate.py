"""The generated test PKI: chains, card certificates, seals, the CRL, idempotency, modes."""

from __future__ import annotations

import datetime
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from asn1crypto import core
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID, NameOID

from testpki import Card, TestPki, ensure, load
from testpki.model import load_certificate, load_private_key

REPOSITORY = Path(__file__).resolve().parents[2]
PERSONS = {
    "01001012345": ("NINO", "BERIDZE", "ec-p384"),
    "01008057492": ("GIORGI", "BERIDZE", "rsa2048"),
    "01017033481": ("MARIAM", "BERIDZE", "ec-p256"),
    "01024011122": ("TAMAZ", "BERIDZE", "rsa2048"),
    "60001045678": ("LEVAN", "KAPANADZE", "ec-p384"),
}
QC_COMPLIANCE, QC_SSCD, QC_TYPE = "0.4.0.1862.1.1", "0.4.0.1862.1.4", "0.4.0.1862.1.6"


class QcStatement(core.Sequence):
    _fields = [
        ("statement_id", core.ObjectIdentifier),
        ("statement_info", core.Any, {"optional": True}),
    ]


class QcStatements(core.SequenceOf):
    _child_spec = QcStatement


class QcTypes(core.SequenceOf):
    _child_spec = core.ObjectIdentifier


def cert(path: Path) -> x509.Certificate:
    return load_certificate(path)


def ext(
    certificate: x509.Certificate, oid: x509.ObjectIdentifier
) -> x509.Extension[x509.ExtensionType]:
    return certificate.extensions.get_extension_for_oid(oid)


def test_the_cards_are_the_demo_persons_plus_a_revoked_and_an_expired_card(idpki: TestPki) -> None:
    valid = {card.personal_number: card for card in idpki.cards if card.status == "valid"}
    assert set(valid) == set(PERSONS)
    for personal_number, (given_name, surname, key_type) in PERSONS.items():
        card = valid[personal_number]
        assert (card.label, card.given_name, card.surname, card.key_type) == (
            f"card-{personal_number}", given_name, surname, key_type,
        )  # fmt: skip
    revoked = idpki.card("revoked-01008057492")
    expired = idpki.card("expired-01024011122")
    assert (revoked.status, expired.status) == ("revoked", "expired")
    assert revoked.revocation_reason == x509.ReasonFlags.key_compromise
    assert revoked.revoked_at == idpki.generated_at - datetime.timedelta(days=10)
    assert expired.revoked_at is None
    assert len(idpki.cards) == 7
    assert idpki.card_of("60001045678").surname_ka == "კაპანაძე"


def test_pins_are_four_digits_and_different_puks_eight_digits(idpki: TestPki) -> None:
    pins = [card.pin for card in idpki.cards]
    assert all(len(pin) == 4 and pin.isdigit() for pin in pins)
    assert len(set(pins)) == len(pins)
    assert all(len(card.puk) == 8 and card.puk.isdigit() for card in idpki.cards)


def test_cards_json_has_the_documented_fields_with_relative_paths(idpki: TestPki) -> None:
    entries = json.loads((idpki.directory / "cards.json").read_text(encoding="utf-8"))
    documented = {
        "personal_number", "label", "pin", "puk", "key_type", "status", "given_name",
        "surname", "given_name_ka", "surname_ka", "auth_cert", "auth_key", "sign_cert",
        "sign_key",
    }  # fmt: skip
    for entry in entries:
        assert documented <= set(entry)
        assert entry["auth_cert"] == f"cards/{entry['label']}-auth.pem"
        assert entry["sign_cert"] == f"cards/{entry['label']}-sign.pem"
        assert entry["auth_key"].startswith("private/") and entry["auth_key"].endswith(".key.pem")
        assert (idpki.directory / entry["sign_key"]).is_file()
    assert entries[0]["given_name_ka"] == "ნინო"


def test_every_certificate_chains_to_the_root(idpki: TestPki) -> None:
    root, idcard_ca, seal_ca = cert(idpki.root_ca), cert(idpki.idcard_ca), cert(idpki.seal_ca)
    root.verify_directly_issued_by(root)
    for issued_by_root in (idcard_ca, seal_ca, cert(idpki.tsa)):
        issued_by_root.verify_directly_issued_by(root)
    cert(idpki.ocsp_responder).verify_directly_issued_by(idcard_ca)
    for card in idpki.cards:
        card.auth_certificate().verify_directly_issued_by(idcard_ca)
        card.sign_certificate().verify_directly_issued_by(idcard_ca)
    for seal in idpki.seals:
        cert(seal.cert).verify_directly_issued_by(seal_ca)
    with pytest.raises(ValueError):
        cert(idpki.ocsp_responder).verify_directly_issued_by(seal_ca)
    assert ext(idcard_ca, ExtensionOID.BASIC_CONSTRAINTS).value == x509.BasicConstraints(True, 0)
    assert ext(idcard_ca, ExtensionOID.KEY_USAGE).value.key_cert_sign


def subject_of(card: Card) -> dict[x509.ObjectIdentifier, str]:
    return {a.oid: str(a.value) for a in card.auth_certificate().subject}


@pytest.mark.parametrize("label", ["card-01001012345", "card-01008057492", "card-01017033481"])
def test_card_subject_is_latin_uppercase_with_the_personal_number(
    idpki: TestPki, label: str
) -> None:
    card = idpki.card(label)
    pn = card.personal_number
    for certificate in (card.auth_certificate(), card.sign_certificate()):
        subject = certificate.subject
        assert subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value == "GE"
        assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == (
            f"{card.surname},{card.given_name},{pn}"
        )
        assert subject.get_attributes_for_oid(NameOID.SURNAME)[0].value == card.surname
        assert subject.get_attributes_for_oid(NameOID.GIVEN_NAME)[0].value == card.given_name
        assert subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value == f"PNOGE-{pn}"
        san = ext(certificate, ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value
        georgian = san.get_values_for_type(x509.DirectoryName)[0]
        assert georgian.get_attributes_for_oid(NameOID.SURNAME)[0].value == card.surname_ka
        assert georgian.get_attributes_for_oid(NameOID.GIVEN_NAME)[0].value == card.given_name_ka
        assert georgian.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == (
            f"{card.given_name_ka} {card.surname_ka}"
        )


def test_each_card_key_matches_its_certificate_and_key_type(idpki: TestPki) -> None:
    for card in idpki.cards:
        for certificate_path, key_path in (
            (card.auth_cert, card.auth_key),
            (card.sign_cert, card.sign_key),
        ):
            public = cert(certificate_path).public_key()
            private = load_private_key(key_path)
            spki = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
            assert private.public_key().public_bytes(*spki) == public.public_bytes(*spki)
            if card.key_type == "rsa2048":
                assert isinstance(public, rsa.RSAPublicKey) and public.key_size == 2048
            else:
                assert isinstance(public, ec.EllipticCurvePublicKey)
                assert (
                    public.curve.name
                    == {"ec-p256": "secp256r1", "ec-p384": "secp384r1"}[card.key_type]
                )
        assert card.auth_certificate().public_key() != card.sign_certificate().public_key()


def test_authentication_certificates_are_for_client_authentication(idpki: TestPki) -> None:
    for card in idpki.cards:
        certificate = card.auth_certificate()
        usage = ext(certificate, ExtensionOID.KEY_USAGE)
        assert usage.critical and usage.value.digital_signature
        assert not usage.value.content_commitment and not usage.value.key_cert_sign
        assert usage.value.key_agreement is card.key_type.startswith("ec-")
        ekus = list(ext(certificate, ExtensionOID.EXTENDED_KEY_USAGE).value)
        assert ExtendedKeyUsageOID.CLIENT_AUTH in ekus
        policies = ext(certificate, ExtensionOID.CERTIFICATE_POLICIES).value
        assert [p.policy_identifier.dotted_string for p in policies] == ["2.999.2026.1.1"]
        with pytest.raises(x509.ExtensionNotFound):
            certificate.extensions.get_extension_for_oid(x509.ObjectIdentifier("1.3.6.1.5.5.7.1.3"))


def test_signing_certificates_are_non_repudiation_with_qc_statements(idpki: TestPki) -> None:
    for card in idpki.cards:
        certificate = card.sign_certificate()
        usage = ext(certificate, ExtensionOID.KEY_USAGE)
        assert usage.critical and usage.value.content_commitment
        assert not usage.value.digital_signature and not usage.value.key_agreement
        with pytest.raises(x509.ExtensionNotFound):
            certificate.extensions.get_extension_for_oid(ExtensionOID.EXTENDED_KEY_USAGE)
        policies = ext(certificate, ExtensionOID.CERTIFICATE_POLICIES).value
        assert [p.policy_identifier.dotted_string for p in policies] == ["2.999.2026.1.2"]
        raw = ext(certificate, x509.ObjectIdentifier("1.3.6.1.5.5.7.1.3")).value.value
        statements = QcStatements.load(raw, strict=True)
        ids = [s["statement_id"].dotted for s in statements]
        assert ids == [QC_COMPLIANCE, QC_SSCD, QC_TYPE]
        qc_type = QcTypes.load(statements[2]["statement_info"].dump(), strict=True)
        assert [t.dotted for t in qc_type] == ["0.4.0.1862.1.6.1"]  # esign
        assert statements.dump(force=True) == raw  # DER round-trip


def test_validity_follows_the_card_status(idpki: TestPki) -> None:
    made = idpki.generated_at
    year = datetime.timedelta(days=365)
    for card in idpki.cards:
        certificate = card.auth_certificate()
        start, end = certificate.not_valid_before_utc, certificate.not_valid_after_utc
        assert card.sign_certificate().not_valid_after_utc == end
        if card.status == "valid":
            assert (start, end) == (made - year, made + 4 * year)
        elif card.status == "expired":
            assert end == made - datetime.timedelta(days=30) and start < end
        else:
            assert start < card.revoked_at < made < end  # type: ignore[operator]


def test_urls_point_at_the_default_server(idpki: TestPki) -> None:
    certificate = idpki.card("card-01001012345").auth_certificate()
    access = ext(certificate, ExtensionOID.AUTHORITY_INFORMATION_ACCESS).value
    urls = {d.access_method.dotted_string: d.access_location.value for d in access}
    assert urls["1.3.6.1.5.5.7.48.1"] == "http://127.0.0.1:8300/ocsp/idcard-ca"
    assert urls["1.3.6.1.5.5.7.48.2"] == "http://127.0.0.1:8300/certs/idcard-ca.cer"
    points = ext(certificate, ExtensionOID.CRL_DISTRIBUTION_POINTS).value
    assert points[0].full_name[0].value == "http://127.0.0.1:8300/crl/idcard-ca.crl"


def test_ocsp_responder_and_tsa_certificates(idpki: TestPki) -> None:
    responder = cert(idpki.ocsp_responder)
    assert list(ext(responder, ExtensionOID.EXTENDED_KEY_USAGE).value) == [
        ExtendedKeyUsageOID.OCSP_SIGNING
    ]
    assert isinstance(ext(responder, ExtensionOID.OCSP_NO_CHECK).value, x509.OCSPNoCheck)
    tsa = cert(idpki.tsa)
    eku = ext(tsa, ExtensionOID.EXTENDED_KEY_USAGE)
    assert eku.critical and list(eku.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
    assert tsa.issuer == cert(idpki.root_ca).subject


def test_seals_carry_the_organisation_identifier(idpki: TestPki) -> None:
    assert [seal.code for seal in idpki.seals] == ["404123456", "404987654"]
    for seal in idpki.seals:
        certificate = cert(seal.cert)
        subject = certificate.subject
        assert subject.get_attributes_for_oid(NameOID.ORGANIZATION_IDENTIFIER)[0].value == (
            f"NTRGE-{seal.code}"
        )
        assert subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == seal.name
        assert ext(certificate, ExtensionOID.KEY_USAGE).value.content_commitment
        raw = ext(certificate, x509.ObjectIdentifier("1.3.6.1.5.5.7.1.3")).value.value
        statements = QcStatements.load(raw, strict=True)
        qc_type = QcTypes.load(statements[-1]["statement_info"].dump())
        assert [t.dotted for t in qc_type] == ["0.4.0.1862.1.6.2"]  # eseal
    assert idpki.seal("404123456").name_ka == "შპს „ბერიძე კონსტრაქშენი“"


def test_the_crl_lists_the_revoked_card_and_verifies(idpki: TestPki) -> None:
    crl = x509.load_der_x509_crl(idpki.idcard_crl.read_bytes())
    idcard_ca = cert(idpki.idcard_ca)
    assert crl.is_signature_valid(idcard_ca.public_key())  # type: ignore[arg-type]
    assert crl.issuer == idcard_ca.subject
    revoked_card = idpki.card("revoked-01008057492")
    listed = {entry.serial_number: entry for entry in crl}
    assert set(listed) == {
        revoked_card.auth_certificate().serial_number,
        revoked_card.sign_certificate().serial_number,
    }
    entry = listed[revoked_card.auth_certificate().serial_number]
    assert entry.revocation_date_utc == revoked_card.revoked_at
    assert entry.extensions.get_extension_for_class(x509.CRLReason).value.reason == (
        x509.ReasonFlags.key_compromise
    )


def test_private_keys_are_readable_by_their_owner_only(idpki: TestPki) -> None:
    private = idpki.directory / "private"
    assert stat.S_IMODE(private.stat().st_mode) == 0o700
    keys = list(private.glob("*.key.pem"))
    # 5 authorities and services, 7 cards x 2 keys, 2 seals (and agency seals, which other
    # tests of this session PKI may have issued already: `testpki agency-seals`)
    made_by_init = [key for key in keys if not key.name.startswith("agency-seal-")]
    assert len(made_by_init) == 5 + 14 + 2
    for key in keys:
        assert stat.S_IMODE(key.stat().st_mode) == 0o600, key
    assert not list(idpki.directory.glob("*.key*"))


def snapshot(directory: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(path.relative_to(directory)): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def test_ensure_leaves_a_complete_pki_alone(tmp_path: Path) -> None:
    first = ensure(tmp_path / "pki")
    before = snapshot(first.directory)
    second = ensure(tmp_path / "pki")
    assert snapshot(second.directory) == before
    assert second == first


def test_an_incomplete_pki_is_made_again(tmp_path: Path) -> None:
    first = ensure(tmp_path / "pki")
    old_root = first.root_ca.read_bytes()
    first.card("card-01001012345").sign_cert.unlink()
    second = ensure(tmp_path / "pki")
    assert second.card("card-01001012345").sign_cert.is_file()
    assert second.root_ca.read_bytes() != old_root  # a whole new PKI, not a patched one


def run_cli(*arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(REPOSITORY / "src")}
    return subprocess.run(
        [sys.executable, "-m", "testpki", *arguments],
        capture_output=True, text=True, env=environment, cwd=REPOSITORY, timeout=60, check=True,
    )  # fmt: skip


def test_cli_init_is_idempotent_and_force_regenerates(tmp_path: Path) -> None:
    directory = tmp_path / "pki"
    created = run_cli("init", str(directory))
    assert "7 cards" in created.stdout
    before = snapshot(directory)
    run_cli("init", str(directory))
    assert snapshot(directory) == before
    run_cli("init", str(directory), "--force")
    after = load(directory)
    assert after.root_ca.read_bytes() != before["root-ca.pem"][0]
    assert (
        after.card("card-01001012345").auth_cert.read_bytes()
        != (before["cards/card-01001012345-auth.pem"][0])
    )
    assert set(snapshot(directory)) == set(before)
    after.card("card-01001012345").auth_certificate().verify_directly_issued_by(
        cert(after.idcard_ca)
    )
