"""Two-step signing with the card: B-T, B-LT and B-LTA for RSA, P-256 and P-384 cards,
checked by pyHanko's validator and by poppler's pdfsig."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation.status import SignatureCoverageLevel

from onewindow.signing import pades
from onewindow.signing.pades import Level
from testpki import TestPki

from .conftest import (
    TRUSTED,
    certificate_der,
    pdfsig,
    sign_with_engine,
    validate_document_timestamps,
    validate_offline,
    validate_with_fetched_revinfo,
)

pytestmark = pytest.mark.usefixtures("pki_settings")
# pdfsig cannot be told to trust the test root without NSS's certutil (see conftest.pdfsig).
# Nino: EC P-384; Giorgi: RSA-2048; Mariam: EC P-256 (var/idpki/cards.json).
CARDS = {
    "ec-p384": "01001012345",
    "rsa2048": "01008057492",
    "ec-p256": "01017033481",
}


@pytest.mark.parametrize("key_type", list(CARDS))
def test_prepare_asks_the_card_for_its_own_hash(
    key_type: str, idpki: TestPki, small_pdf: bytes
) -> None:
    card = idpki.card_of(CARDS[key_type])
    prepared = pades.prepare(
        small_pdf, certificate=certificate_der(card.sign_cert), reason="r", location="l"
    )
    expected = "SHA-384" if key_type == "ec-p384" else "SHA-256"
    assert prepared.hash_function == expected
    assert len(prepared.digest) == (48 if expected == "SHA-384" else 32)
    assert isinstance(prepared.state, bytes)


@pytest.mark.parametrize("key_type", list(CARDS))
def test_long_term_signature_validates_offline_and_in_pdfsig(
    key_type: str, idpki: TestPki, small_pdf: bytes, tmp_path: Path
) -> None:
    signed = sign_with_engine(small_pdf, idpki, CARDS[key_type], Level.LT)

    [status] = validate_offline(signed, idpki)
    assert status.bottom_line, status.pretty_print_details()
    # The signed revision is whole; what follows it is only the DSS (validation data).
    assert status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
    assert status.modification_level == ModificationLevel.LTA_UPDATES
    assert status.timestamp_validity is not None and status.timestamp_validity.valid
    card = idpki.card_of(CARDS[key_type])
    [checked] = pdfsig(signed, tmp_path)
    assert checked.validation == "Signature is Valid."
    assert checked.certificate == TRUSTED  # NSS, with the session root trusted
    assert card.given_name in checked.signer.upper()
    assert not checked.whole_document  # the DSS revision follows the signature


def test_timestamped_signature_is_valid_with_live_revocation_data(
    idpki: TestPki, idpki_server: Any, small_pdf: bytes, tmp_path: Path
) -> None:
    signed = sign_with_engine(small_pdf, idpki, CARDS["rsa2048"], Level.B_T)

    [status] = validate_with_fetched_revinfo(signed, idpki, idpki_server.url)
    assert status.bottom_line, status.pretty_print_details()
    assert status.timestamp_validity is not None and status.timestamp_validity.valid
    # B-T carries no revocation data of its own: offline it cannot be proven.
    [offline] = validate_offline(signed, idpki)
    assert not offline.bottom_line
    [checked] = pdfsig(signed, tmp_path)
    assert checked.validation == "Signature is Valid."
    assert checked.certificate == TRUSTED
    assert checked.whole_document


def test_archive_level_adds_a_document_timestamp(
    idpki: TestPki, small_pdf: bytes, tmp_path: Path
) -> None:
    signed = sign_with_engine(small_pdf, idpki, CARDS["ec-p256"], Level.LTA)

    [status] = validate_offline(signed, idpki)
    assert status.bottom_line, status.pretty_print_details()
    [document_timestamp] = validate_document_timestamps(signed, idpki)
    assert document_timestamp.valid and document_timestamp.intact
    assert document_timestamp.trusted
    signature, timestamp = pdfsig(signed, tmp_path)
    assert signature.validation == "Signature is Valid."
    assert signature.certificate == TRUSTED
    # poppler 22 lists document timestamps but cannot verify them (pyHanko did, above).
    assert timestamp.signer == "OneWindow Test Time-Stamping Authority"
