"""The Web eID conformance vectors (/work/shared/conformance/webeid): every one as expected."""

from __future__ import annotations

import json
import os
import socket
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from onewindow.identity.webeid import (
    DEFAULT_DISALLOWED,
    OcspChecker,
    Reason,
    TokenRejected,
    ValidatedCard,
    check_token_signature,
    load_trusted_cas,
    validate_token,
)

CONFORMANCE = Path(os.environ.get("WEBEID_CONFORMANCE_DIR", "/work/shared/conformance/webeid"))
VECTORS: list[dict[str, Any]] = json.loads((CONFORMANCE / "vectors.json").read_text())
BY_NAME = {vector["name"]: vector for vector in VECTORS}

# For each reject vector, the reasons that fit it. One reason when our check order is Java's
# and the vector fails only there; several where the README says the vector fails several
# checks (the tampered certificates, the v1.1 vectors whose v1 part the Java test mocked out).
R = Reason
EXPECTED_REASONS: dict[str, set[Reason]] = {
    "esteid2018_wrong_nonce": {R.BAD_SIGNATURE},
    "esteid2018_wrong_origin": {R.BAD_SIGNATURE},
    "esteid2018_signature_from_other_cert": {R.BAD_SIGNATURE},
    "algorithm_none": {R.UNSUPPORTED_ALGORITHM},
    "algorithm_empty": {R.UNSUPPORTED_ALGORITHM},
    "algorithm_control_chars": {R.UNSUPPORTED_ALGORITHM},
    "structure_literal_null": {R.MALFORMED},
    "structure_too_short": {R.MALFORMED},
    "structure_too_long": {R.TOO_LONG},
    "format_unknown": {R.UNSUPPORTED_FORMAT},
    "cert_field_missing": {R.CERTIFICATE_MISSING},
    "cert_field_empty": {R.CERTIFICATE_MISSING},
    "cert_field_array": {R.MALFORMED},
    "cert_field_number": {R.MALFORMED},  # strict types: Jackson's coercion is not followed
    "cert_field_not_base64": {R.CERTIFICATE_MALFORMED},
    "cert_field_not_certificate": {R.CERTIFICATE_MALFORMED},
    "cert_missing_key_usage": {R.WRONG_KEY_USAGE},
    "cert_wrong_purpose": {R.WRONG_KEY_USAGE},
    "cert_mobile_id_policy_tampered": {R.DISALLOWED_POLICY},
    "cert_policy_disallowed_by_config": {R.DISALLOWED_POLICY},
    "cert_old_mobile_id": {R.DISALLOWED_POLICY},
    "cert_new_mobile_id": {R.DISALLOWED_POLICY},
    "cert_expired_rsa": {R.CERTIFICATE_EXPIRED},
    "cert_expired_ecdsa": {R.CERTIFICATE_EXPIRED},
    "user_cert_not_yet_valid": {R.CERTIFICATE_NOT_YET_VALID},
    "user_and_ca_not_yet_valid": {R.CERTIFICATE_NOT_YET_VALID},
    "user_cert_expired": {R.CERTIFICATE_EXPIRED},
    "user_and_ca_expired": {R.CERTIFICATE_EXPIRED},
    "ca_not_in_trust_chain": {R.UNTRUSTED},
    # Offline (OCSP off) the token is refused because its signature was not made with this
    # certificate; with a live responder it would be `revoked`.
    "cert_revoked_ocsp": {R.BAD_SIGNATURE, R.REVOKED},
    "ocsp_client_error": {R.OCSP_UNAVAILABLE},
    "dotnet_esteid2018_wrong_nonce": {R.BAD_SIGNATURE},
    "dotnet_esteid2018_wrong_origin": {R.BAD_SIGNATURE},
    "dotnet_user_cert_not_yet_valid": {R.CERTIFICATE_NOT_YET_VALID},
    "v11_wrong_nonce": {R.BAD_SIGNATURE},
    "v11_wrong_origin": {R.BAD_SIGNATURE},
    "v11_signature_from_other_cert": {R.BAD_SIGNATURE},
    "v11_supported_algorithms_missing": {R.MALFORMED},
    "v11_crypto_algorithm_invalid": {R.UNSUPPORTED_ALGORITHM},
    "v11_hash_function_invalid": {R.UNSUPPORTED_ALGORITHM},
    "v11_padding_scheme_invalid": {R.UNSUPPORTED_ALGORITHM},
    "v11_supported_algorithms_empty": {R.MALFORMED},
    # The Java test mocked out the v1 part; end to end, the foreign signature fails first.
    "v11_signing_certificates_missing": {R.BAD_SIGNATURE, R.MALFORMED},
    "v11_signing_cert_not_base64": {R.BAD_SIGNATURE, R.CERTIFICATE_MALFORMED},
    "v11_signing_cert_not_certificate": {R.BAD_SIGNATURE, R.CERTIFICATE_MALFORMED},
    "v11_signing_cert_subject_mismatch": {R.BAD_SIGNATURE, R.SIGNING_CERTIFICATE_INVALID},
}


def closed_port_url() -> str:
    """A loopback URL where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/ocsp"


def run_vector(vector: dict[str, Any], *, ocsp: OcspChecker | None = None) -> ValidatedCard:
    overrides = vector.get("config_overrides", {})
    disallowed = overrides.get("disallowed_certificate_policies", DEFAULT_DISALLOWED)
    return validate_token(
        vector["token"],
        nonce=vector["nonce"],
        origin=vector["origin"],
        trusted_cas=load_trusted_cas(CONFORMANCE / name for name in vector["trusted_ca_files"]),
        now=datetime.fromisoformat(vector["now"]),
        ocsp=ocsp,
        disallowed_policies=disallowed,
    )


def test_the_reason_table_covers_every_reject_vector() -> None:
    rejects = {v["name"] for v in VECTORS if v["expect"] == "reject"}
    assert rejects == set(EXPECTED_REASONS)
    assert len(VECTORS) == 56


FULL_OFFLINE = [v for v in VECTORS if v["scope"] == "full" and v["name"] != "ocsp_client_error"]


@pytest.mark.parametrize("vector", FULL_OFFLINE, ids=lambda v: v["name"])
def test_vector(vector: dict[str, Any]) -> None:
    # needs_ocsp vectors run here with OCSP off, as the suites' validators were built:
    # cert_revoked_ocsp is still refused (its signature is from another key) and
    # dotnet_live_ocsp_good is accepted (it is then the valid Estonian token at another date).
    if vector["expect"] == "accept":
        card = run_vector(vector)
        assert card.certificate
        assert card.not_after >= datetime.fromisoformat(vector["now"])
    else:
        with pytest.raises(TokenRejected) as caught:
            run_vector(vector)
        assert caught.value.reason in EXPECTED_REASONS[vector["name"]], caught.value.detail


def test_ocsp_client_error_is_fatal() -> None:
    # The Java test's OCSP client throws; ours cannot connect. Either way: refused.
    checker = OcspChecker(closed_port_url(), timeout=2, cache_seconds=60)
    try:
        with pytest.raises(TokenRejected) as caught:
            run_vector(BY_NAME["ocsp_client_error"], ocsp=checker)
    finally:
        checker.close()
    assert caught.value.reason is Reason.OCSP_UNAVAILABLE
    # ...and without OCSP the same token is fine: the refusal came from OCSP alone.
    assert run_vector(BY_NAME["ocsp_client_error"]).subject_serial == "PNOEE-38001085718"


def test_latvian_rs256_signature_only() -> None:
    vector = BY_NAME["latvia_rs256_signature_only"]
    check_token_signature(vector["token"], origin=vector["origin"], nonce=vector["nonce"])
    with pytest.raises(TokenRejected) as caught:
        check_token_signature(vector["token"], origin="https://ria.ee.evil", nonce=vector["nonce"])
    assert caught.value.reason is Reason.BAD_SIGNATURE


def test_estonian_card_fields() -> None:
    card = run_vector(BY_NAME["esteid2018_es384_valid"])
    assert card.personal_number is None  # not Georgian: the portal's view refuses it
    assert card.subject_serial == "PNOEE-38001085718"
    assert (card.given_name, card.surname, card.country) == ("JAAK-KRISTJAN", "JÕEORG", "EE")
    assert card.common_name == "JÕEORG,JAAK-KRISTJAN,38001085718"
    assert card.key_algorithm == "EC secp384r1"
    assert card.token_algorithm == "ES384"
    assert "TEST of ESTEID2018" in card.issuer


def test_v11_token_returns_its_signing_certificate() -> None:
    card = run_vector(BY_NAME["v11_valid"])
    assert card.format == "web-eid:1.1"
    assert len(card.signing_certificates) == 1


# The v11_signing_* vectors test the signing-certificate checks with the v1 part mocked out.
# Their signing-certificate lists moved into v11_valid (whose v1 part is valid; the token
# signature covers only origin and nonce) reach those checks for real.
@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("v11_signing_cert_not_base64", Reason.CERTIFICATE_MALFORMED),
        ("v11_signing_cert_not_certificate", Reason.CERTIFICATE_MALFORMED),
        ("v11_signing_cert_subject_mismatch", Reason.SIGNING_CERTIFICATE_INVALID),
        ("v11_signing_certificates_missing", Reason.MALFORMED),
    ],
)
def test_v11_signing_certificate_checks(source: str, reason: Reason) -> None:
    token = json.loads(BY_NAME["v11_valid"]["token"])
    donor = json.loads(BY_NAME[source]["token"])
    token.pop("unverifiedSigningCertificates")
    if "unverifiedSigningCertificates" in donor:
        token["unverifiedSigningCertificates"] = donor["unverifiedSigningCertificates"]
    vector = {**BY_NAME["v11_valid"], "token": json.dumps(token)}
    with pytest.raises(TokenRejected) as caught:
        run_vector(vector)
    assert caught.value.reason is reason, caught.value.detail


FORMATS = json.loads((CONFORMANCE / "format_support.json").read_text())["web_eid_mobile_branch"]


@pytest.mark.parametrize("token_format", FORMATS["v1_validator"]["supports_true"])
def test_supported_formats(token_format: str) -> None:
    token = json.loads(BY_NAME["esteid2018_es384_valid"]["token"])
    token["format"] = token_format
    vector = {**BY_NAME["esteid2018_es384_valid"], "token": json.dumps(token)}
    if token_format == "web-eid:1.1":
        # 1.1 requires the signing certificates this 1.0 token does not carry.
        with pytest.raises(TokenRejected) as caught:
            run_vector(vector)
        assert caught.value.reason is Reason.MALFORMED
    else:
        assert run_vector(vector).format == token_format


@pytest.mark.parametrize(
    "token_format",
    [f for f in FORMATS["v1_validator"]["supports_false"] if f is not None] + ["web-eid:10"],
)
def test_unsupported_formats(token_format: str) -> None:
    token = json.loads(BY_NAME["esteid2018_es384_valid"]["token"])
    token["format"] = token_format
    vector = {**BY_NAME["esteid2018_es384_valid"], "token": json.dumps(token)}
    with pytest.raises(TokenRejected) as caught:
        run_vector(vector)
    assert caught.value.reason is Reason.UNSUPPORTED_FORMAT


def test_v10_token_may_not_carry_signing_certificates() -> None:
    token = json.loads(BY_NAME["v11_valid"]["token"])
    token["format"] = "web-eid:1.0"
    vector = {**BY_NAME["v11_valid"], "token": json.dumps(token)}
    with pytest.raises(TokenRejected) as caught:
        run_vector(vector)
    assert caught.value.reason is Reason.MALFORMED
