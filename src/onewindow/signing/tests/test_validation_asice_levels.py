"""ASiC-E signatures reported at their real baseline level (docs/signing.md, "Validation"):
XAdES B-T/B-LT with the timestamp's time, not the claimed one, judged offline from the
container's own revocation data; CAdES B-LT with revocationValues. The containers are made
by signxml and pyHanko with the session test PKI's real TSA and OCSP responder."""

from __future__ import annotations

import base64
import datetime as dt
import io
import zipfile
from typing import Any

import pytest
from asn1crypto import cms
from lxml import etree  # type: ignore[import-untyped]

from onewindow.signing import validation
from testpki import TestPki

from .asice_levels import (
    C14N_10,
    C14N_11,
    DS,
    EXC_C14N,
    XADES,
    add_unsigned_properties,
    cades_container,
    canonical_signature_value,
    long_term_data,
    timestamp_token,
    token_time,
    xades_container,
    xades_signature,
)
from .conftest import dead_url

pytestmark = pytest.mark.usefixtures("pki_settings")

NINO = "01001012345"  # EC P-384
GIORGI = "01008057492"  # RSA-2048; his previous card is revoked
MARIAM = "01017033481"  # EC P-256
FILES = {"application.txt": "განაცხადი — application\n".encode(), "photo.png": b"\x89PNG fake"}
CLAIMED = "2020-01-01T09:00:00+00:00"  # what a signer may claim; the timestamp says otherwise


def network_off(settings: Any) -> None:
    """The OCSP responder, CRLs and TSA unreachable: only the container's own data counts."""
    settings.SIGNING_PKI_URL_REWRITES = {"http://127.0.0.1:8300": dead_url()}


def xades(
    idpki_server: Any,
    personal_number: str = MARIAM,
    *,
    status: str = "valid",
    long_term: bool = True,
    method: str = C14N_11,
    token: bytes | None = None,
) -> tuple[bytes, bytes]:
    """A XAdES container (B-LT, or B-T without `long_term`) and its timestamp token."""
    pki: TestPki = idpki_server.pki
    card = pki.card_of(personal_number, status)  # type: ignore[arg-type]
    signature = xades_signature(card, FILES, signing_time=CLAIMED)
    if token is None:
        token = timestamp_token(canonical_signature_value(signature, method), idpki_server.tsa_url)
    data = long_term_data(card, pki, idpki_server.url) if long_term else None
    add_unsigned_properties(signature, token=token, method=method, long_term=data)
    return xades_container(FILES, signature), token


def only(report: validation.Report) -> validation.SignatureReport:
    [signature] = report.signatures
    return signature


# --- XAdES ----------------------------------------------------------------------------------


def test_xades_b_t_has_the_timestamps_time_not_the_claimed_one(idpki_server: Any) -> None:
    container, token = xades(idpki_server, long_term=False)
    signature = only(validation.validate(container, filename="documents.asice"))
    assert signature.status == "valid", signature.problems
    assert signature.level == "B-T"
    assert signature.time_source == "timestamp"
    assert signature.signed_at == token_time(token)
    assert signature.signed_at != dt.datetime.fromisoformat(CLAIMED)
    assert signature.identifier == f"PNOGE-{MARIAM}"


def test_xades_b_lt_validates_with_the_network_off(idpki_server: Any, settings: Any) -> None:
    container, token = xades(idpki_server, GIORGI)
    network_off(settings)
    report = validation.validate(container, filename="documents.asice")
    signature = only(report)
    assert signature.status == "valid", signature.problems
    assert signature.level == "B-LT"
    assert signature.signed_at == token_time(token)
    assert signature.time_source == "timestamp"
    assert report.valid


def test_xades_b_t_cannot_be_confirmed_with_the_network_off(
    idpki_server: Any, settings: Any
) -> None:
    """The counterpart of B-LT: without embedded revocation data nothing proves the
    certificate was good, so the same signature offline is indeterminate."""
    container, _ = xades(idpki_server, GIORGI, long_term=False)
    network_off(settings)
    signature = only(validation.validate(container))
    assert signature.problems == ["revocation-unknown"]
    assert signature.status == "indeterminate"


@pytest.mark.parametrize("method", [C14N_10, EXC_C14N])
def test_the_timestamps_canonicalisation_method_is_honoured(idpki_server: Any, method: str) -> None:
    container, _ = xades(idpki_server, NINO, method=method)
    signature = only(validation.validate(container))
    assert signature.status == "valid", signature.problems
    assert signature.level == "B-LT"


def test_a_timestamp_naming_another_canonicalisation_is_invalid(idpki_server: Any) -> None:
    """The inclusive form carries the ASiC root's namespaces, the exclusive one does not:
    a token over one, labelled as the other, does not match."""
    pki: TestPki = idpki_server.pki
    card = pki.card_of(MARIAM)
    signature = xades_signature(card, FILES, signing_time=CLAIMED)
    token = timestamp_token(canonical_signature_value(signature, C14N_11), idpki_server.tsa_url)
    add_unsigned_properties(signature, token=token, method=EXC_C14N)
    assert only(validation.validate(xades_container(FILES, signature))).problems == [
        "timestamp-invalid"
    ]


def _changed(token: bytes, position: int) -> bytes:
    data = bytearray(token)
    data[position] ^= 0x01
    return bytes(data)


def _positions(token: bytes) -> dict[str, int]:
    """Where to change one byte: inside the TSTInfo's time, its message imprint, the TSA's
    signature value, and the TSA certificate the token carries."""
    signed_data = cms.ContentInfo.load(token)["content"]
    info = signed_data["encap_content_info"]["content"].parsed
    gen_time = info["gen_time"].dump()
    imprint = info["message_imprint"]["hashed_message"].native
    signature = signed_data["signer_infos"][0]["signature"].native
    certificate = signed_data["certificates"][0].chosen["tbs_certificate"]["subject"].dump()
    return {
        "time": token.index(gen_time) + len(gen_time) - 3,
        "imprint": token.index(imprint) + 5,
        "signature": token.index(signature) + len(signature) // 2,
        "certificate": token.index(certificate) + len(certificate) - 2,
    }


@pytest.mark.parametrize("where", ["time", "imprint", "signature", "certificate"])
def test_a_changed_byte_in_the_timestamp_token_is_timestamp_invalid(
    idpki_server: Any, where: str
) -> None:
    pki: TestPki = idpki_server.pki
    signature = xades_signature(pki.card_of(MARIAM), FILES, signing_time=CLAIMED)
    token = timestamp_token(canonical_signature_value(signature), idpki_server.tsa_url)
    broken = _changed(token, _positions(token)[where])
    add_unsigned_properties(
        signature,
        token=broken,
        long_term=long_term_data(pki.card_of(MARIAM), pki, idpki_server.url),
    )
    report = validation.validate(xades_container(FILES, signature))
    result = only(report)
    assert "timestamp-invalid" in result.problems
    assert result.status == "invalid"
    assert result.time_source != "timestamp"
    assert not report.valid


def test_a_timestamp_over_another_value_is_timestamp_invalid(idpki_server: Any) -> None:
    pki: TestPki = idpki_server.pki
    signature = xades_signature(pki.card_of(GIORGI), FILES, signing_time=CLAIMED)
    signed_info = etree.tostring(signature.find(f"{{{DS}}}SignedInfo"), method="c14n")
    token = timestamp_token(signed_info, idpki_server.tsa_url)  # real, but over SignedInfo
    add_unsigned_properties(signature, token=token)
    result = only(validation.validate(xades_container(FILES, signature)))
    assert result.problems == ["timestamp-invalid"]
    assert result.status == "invalid"
    assert result.level == "B-B"
    assert result.time_source == "claimed"


def test_a_garbled_token_is_timestamp_invalid(idpki_server: Any) -> None:
    container, _ = xades(idpki_server, token=b"\x30\x03\x02\x01\x01")
    result = only(validation.validate(container))
    assert result.problems == ["timestamp-invalid"]


def test_a_signer_revoked_before_the_timestamp_is_revoked(idpki_server: Any, settings: Any) -> None:
    """Giorgi's previous card was revoked ten days before the PKI was made; the embedded
    OCSP answer says so, and the timestamp proves the signature came later."""
    container, _ = xades(idpki_server, GIORGI, status="revoked")
    network_off(settings)
    report = validation.validate(container)
    result = only(report)
    assert "certificate-revoked" in result.problems
    assert result.status == "invalid"
    assert not report.valid


def test_the_claimed_time_alone_is_b_b(idpki_server: Any) -> None:
    pki: TestPki = idpki_server.pki
    signature = xades_signature(pki.card_of(MARIAM), FILES, signing_time=CLAIMED)
    result = only(validation.validate(xades_container(FILES, signature)))
    assert result.status == "valid", result.problems
    assert result.level == "B-B"
    assert result.time_source == "claimed"
    assert result.signed_at == dt.datetime.fromisoformat(CLAIMED)


def test_revocation_data_of_another_signature_does_not_count(
    idpki_server: Any, settings: Any
) -> None:
    """Only this signature's UnsignedSignatureProperties are read: a second signature's
    RevocationValues do not make the first B-LT."""
    from .asice_levels import container as make_container

    pki: TestPki = idpki_server.pki
    first = xades_signature(pki.card_of(MARIAM), FILES, signing_time=CLAIMED)
    token = timestamp_token(canonical_signature_value(first), idpki_server.tsa_url)
    add_unsigned_properties(first, token=token)
    second = xades_signature(pki.card_of(NINO), FILES, signing_time=CLAIMED)
    token = timestamp_token(canonical_signature_value(second), idpki_server.tsa_url)
    add_unsigned_properties(
        second, token=token, long_term=long_term_data(pki.card_of(MARIAM), pki, idpki_server.url)
    )
    # Both in one signatures file: the first's search must stop at its own properties.
    first.getparent().append(second)
    meta = {"META-INF/signatures0.xml": etree.tostring(first.getparent())}
    network_off(settings)
    report = validation.validate(make_container(FILES, meta))
    by_identifier = {s.identifier: s for s in report.signatures}
    assert by_identifier[f"PNOGE-{MARIAM}"].problems == ["revocation-unknown"]
    assert by_identifier[f"PNOGE-{NINO}"].problems == ["revocation-unknown"]


def test_the_builder_puts_the_token_in_the_unsigned_properties(idpki_server: Any) -> None:
    """Sanity of the builder: the token is in the file where DigiDoc4 puts it."""
    container, token = xades(idpki_server)
    with zipfile.ZipFile(io.BytesIO(container)) as archive:
        xml = archive.read("META-INF/signatures0.xml")
    encapsulated = etree.fromstring(xml).findtext(f".//{{{XADES}}}EncapsulatedTimeStamp")
    assert base64.b64decode(encapsulated) == token


# --- CAdES ----------------------------------------------------------------------------------


def test_cades_with_revocation_values_is_b_lt_offline(idpki_server: Any, settings: Any) -> None:
    pki: TestPki = idpki_server.pki
    card = pki.card_of(NINO)
    data = long_term_data(card, pki, idpki_server.url)
    container = cades_container(card, pki, FILES, idpki_server.tsa_url, long_term=data)
    network_off(settings)
    result = only(validation.validate(container))
    assert result.status == "valid", result.problems
    assert result.level == "B-LT"
    assert result.time_source == "timestamp"


def test_cades_without_revocation_values_stays_b_t(idpki_server: Any, settings: Any) -> None:
    pki: TestPki = idpki_server.pki
    container = cades_container(pki.card_of(NINO), pki, FILES, idpki_server.tsa_url, long_term=None)
    result = only(validation.validate(container))
    assert result.status == "valid", result.problems
    assert result.level == "B-T"
    network_off(settings)
    assert only(validation.validate(container)).problems == ["revocation-unknown"]


def test_a_revoked_cades_signer_is_revoked_from_its_own_data(
    idpki_server: Any, settings: Any
) -> None:
    pki: TestPki = idpki_server.pki
    card = pki.card_of(GIORGI, "revoked")
    data = long_term_data(card, pki, idpki_server.url)
    container = cades_container(card, pki, FILES, idpki_server.tsa_url, long_term=data)
    network_off(settings)
    result = only(validation.validate(container))
    assert "certificate-revoked" in result.problems
    assert result.status == "invalid"
