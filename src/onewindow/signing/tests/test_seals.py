"""Server seals through a real SoftHSM2 token, and B-LT → B-LTA archive timestamps."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from onewindow.signing import hsm, pades
from onewindow.signing.errors import SigningRefused
from onewindow.signing.pades import Level
from testpki import TestPki

from .conftest import (
    SealToken,
    assert_sealed_by,
    card_sign,
    certificate_der,
    dead_url,
    ensure_test_agencies,
    validate_document_timestamps,
    validate_offline,
)

pytestmark = pytest.mark.usefixtures("pki_settings")


@pytest.fixture
def hsm_settings(pki_settings: Any, seal_token: SealToken, idpki: TestPki) -> Any:
    ensure_test_agencies(idpki)
    pki_settings.SIGNING_HSM_CONF = str(seal_token.conf)
    pki_settings.SIGNING_HSM_TOKEN = "agency-seals"
    pki_settings.SIGNING_HSM_PIN = ""  # the PIN file beside the configuration
    return pki_settings


def _timestamps(pdf: bytes) -> int:
    return len(PdfFileReader(BytesIO(pdf), strict=False).embedded_timestamp_signatures)


@pytest.mark.usefixtures("hsm_settings")
def test_an_agency_seals_on_the_server_at_lta(
    seal_token: SealToken, idpki: TestPki, small_pdf: bytes, tmp_path: Path
) -> None:
    sealed = pades.seal_on_server(small_pdf, agency_code=seal_token.agency_code, reason="Answer")

    seal = assert_sealed_by(sealed, "GOVGE-TEST-AGENCY", idpki, tmp_path)
    assert seal.signer == "Test Agency"


@pytest.mark.usefixtures("hsm_settings")
def test_a_revoked_agency_seal_is_refused(seal_token: SealToken, small_pdf: bytes) -> None:
    with pytest.raises(SigningRefused) as error:
        pades.seal_on_server(small_pdf, agency_code=seal_token.revoked_agency_code, reason="Answer")
    assert error.value.code == "certificate-revoked"


@pytest.mark.usefixtures("hsm_settings")
def test_an_unknown_agency_has_no_seal(small_pdf: bytes) -> None:
    with pytest.raises(hsm.SealUnavailable):
        pades.seal_on_server(small_pdf, agency_code="NO-SUCH-AGENCY", reason="Answer")


@pytest.mark.usefixtures("hsm_settings")
def test_a_seal_without_a_timestamp_is_not_made(
    seal_token: SealToken, small_pdf: bytes, settings: Any
) -> None:
    settings.SIGNING_TSA_URL = dead_url() + "/tsa"
    with pytest.raises(SigningRefused) as error:
        pades.seal_on_server(small_pdf, agency_code=seal_token.agency_code, reason="Answer")
    assert error.value.code == "tsa-unreachable"


def test_archive_timestamp_turns_lt_into_lta(idpki: TestPki, small_pdf: bytes) -> None:
    card = idpki.card_of("01001012345")  # Nino, EC P-384
    prepared = pades.prepare(
        small_pdf, certificate=certificate_der(card.sign_cert), reason="r", location="l"
    )
    long_term = pades.finish(
        prepared.state, card_sign(card, prepared.digest, prepared.hash_function), level=Level.LT
    )
    assert _timestamps(long_term) == 0

    archived = pades.add_archive_timestamp(long_term)

    assert archived.startswith(long_term)  # an incremental update: the signature untouched
    assert _timestamps(archived) == 1
    [status] = validate_offline(archived, idpki)
    assert status.bottom_line, status.pretty_print_details()
    [document_timestamp] = validate_document_timestamps(archived, idpki)
    assert document_timestamp.valid and document_timestamp.trusted
    # A second archive timestamp extends the chain (B-LTA renewal).
    assert _timestamps(pades.add_archive_timestamp(archived)) == 2
