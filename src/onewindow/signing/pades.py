"""PAdES baseline signatures and seals (ETSI EN 319 142) with pyHanko: the engine.

Two ways to sign (docs/signing.md, "The engine"):

- a person's ID card (or a company's seal device) holds the key, in the citizen's browser:
  `prepare` checks the certificate and returns the digest the card signs plus an opaque
  `state` (stored between the two HTTP requests); `finish` verifies the card's signature,
  embeds it with a fresh RFC 3161 timestamp (B-T), adds the revocation data (B-LT) and,
  when asked, a document timestamp (B-LTA);
- an agency's seal key sits in the server's PKCS#11 token: `seal_on_server`.

Fail closed: every check and network step happens before the signed bytes are returned; a
refusal is a `SigningRefused` and nothing half-signed leaves this module.
"""

from __future__ import annotations

import base64
import contextlib
import enum
import hmac
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from io import BytesIO
from typing import Any, Final

from django.conf import settings
from django.utils.crypto import salted_hmac

import aiohttp
from asn1crypto import algos, cms
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields
from pyhanko.sign.signers import ExternalSigner, PdfSignatureMetadata, PdfSigner, PdfTimeStamper
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.sign.validation.dss import async_add_validation_info
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko_certvalidator.errors import (
    InsufficientRevinfoError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
)
from pyhanko_certvalidator.registry import SimpleCertificateStore

from . import trust
from .errors import SigningRefused

__all__ = [
    "Level",
    "Prepared",
    "SigningRefused",
    "add_archive_timestamp",
    "finish",
    "prepare",
    "seal_on_server",
]

# Room in the PDF for the CMS: certificates, signature and the TSA's token (the DSS with
# the revocation data goes into a later revision, not here).
SIGNATURE_BYTES_RESERVED: Final = 24_000
# Room for a document timestamp token (fixed, so no trial request to the TSA is needed).
TIMESTAMP_BYTES_RESERVED: Final = 16_000
# How long a prepared signature may wait for the card (the agent's requests live 5 min).
STATE_LIFETIME_SECONDS: Final = 15 * 60
STATE_VERSION: Final = 1
_STATE_SALT: Final = "onewindow.signing.pades.state"


class Level(enum.Enum):
    """PAdES baseline levels the engine produces."""

    B_T = "B-T"
    LT = "B-LT"
    LTA = "B-LTA"


@dataclass(frozen=True)
class Prepared:
    """What the card must sign, and everything `finish` needs (authenticated, serialisable)."""

    digest: bytes
    hash_function: str
    state: bytes


@dataclass(frozen=True)
class _Algorithm:
    md: str  # pyHanko's digest name
    mechanism: str  # asn1crypto's SignedDigestAlgorithm name
    hash_function: str  # the card agent's name of the hash


def _algorithm(certificate: x509.Certificate) -> _Algorithm:
    """The card agent's algorithm for the key: RSA → SHA-256 PKCS#1 v1.5, P-256 → ES256,
    P-384 → ES384."""
    key = certificate.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return _Algorithm("sha256", "sha256_rsa", "SHA-256")
    if isinstance(key, ec.EllipticCurvePublicKey):
        if isinstance(key.curve, ec.SECP256R1):
            return _Algorithm("sha256", "sha256_ecdsa", "SHA-256")
        if isinstance(key.curve, ec.SECP384R1):
            return _Algorithm("sha384", "sha384_ecdsa", "SHA-384")
    raise SigningRefused("not-a-signing-certificate", "unsupported key type")


def _hash(md: str) -> hashes.HashAlgorithm:
    return hashes.SHA384() if md == "sha384" else hashes.SHA256()


def _registry(chain: list[x509.Certificate]) -> SimpleCertificateStore:
    store: SimpleCertificateStore = SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
        [trust.to_asn1(ca) for ca in chain[1:]]
    )
    return store


def _metadata(*, field_name: str, md: str, reason: str, location: str) -> PdfSignatureMetadata:
    return PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm=md,
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
    )


@contextlib.asynccontextmanager
async def _timestamper() -> AsyncIterator[HTTPTimeStamper]:
    """The TSA client for one signing, on a session with the process's TLS context (a new
    context per request would cost more than the timestamp itself)."""
    connector = aiohttp.TCPConnector(ssl=trust.tls_context())
    async with aiohttp.ClientSession(connector=connector) as session:
        yield HTTPTimeStamper(
            settings.SIGNING_TSA_URL, timeout=settings.SIGNING_NETWORK_TIMEOUT, session=session
        )


def _load_certificate(der: bytes) -> x509.Certificate:
    try:
        return x509.load_der_x509_certificate(der)
    except ValueError as error:
        raise SigningRefused("not-a-signing-certificate", "not a certificate") from error


# --- The state between prepare and finish ----------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _seal_state(fields_: dict[str, Any]) -> bytes:
    payload = json.dumps({"v": STATE_VERSION, **fields_}, separators=(",", ":")).encode()
    mac = salted_hmac(_STATE_SALT, payload, algorithm="sha256").digest()
    return mac + payload


def _open_state(state: bytes) -> dict[str, Any]:
    """The state's fields if it is ours, unaltered and recent, else `session-expired`."""
    mac, payload = state[:32], state[32:]
    expected = salted_hmac(_STATE_SALT, payload, algorithm="sha256").digest()
    if len(state) <= 32 or not hmac.compare_digest(mac, expected):
        raise SigningRefused("session-expired", "state not authentic")
    fields_: dict[str, Any] = json.loads(payload)
    if fields_.get("v") != STATE_VERSION:
        raise SigningRefused("session-expired", "state of another version")
    if trust.clock() - float(fields_["created"]) > STATE_LIFETIME_SECONDS:
        raise SigningRefused("session-expired", "state too old")
    return fields_


# --- Two-step signing with the card -----------------------------------------------------------


def prepare(
    pdf: bytes,
    *,
    certificate: bytes,
    reason: str,
    location: str,
    field_name: str = "Signature1",
) -> Prepared:
    """Check the signer's certificate and compute the digest of the CMS signed attributes."""
    signer = _load_certificate(certificate)
    algorithm = _algorithm(signer)
    chain, _revinfo = trust.check_certificate(signer)
    prepared_pdf, prepared_digest, signed_attrs = trust.run_sync(
        _digest_for_signing(pdf, chain, algorithm, field_name, reason, location)
    )
    digest = _digest(algorithm.md, signed_attrs)
    state = _seal_state(
        {
            "created": trust.clock(),
            "pdf": _b64(prepared_pdf),
            "document_digest": _b64(prepared_digest.document_digest),
            "start": prepared_digest.reserved_region_start,
            "end": prepared_digest.reserved_region_end,
            "signed_attrs": _b64(signed_attrs),
            "certificate": _b64(certificate),
            "field_name": field_name,
        }
    )
    return Prepared(digest=digest, hash_function=algorithm.hash_function, state=state)


def _digest(md: str, data: bytes) -> bytes:
    hasher = hashes.Hash(_hash(md))
    hasher.update(data)
    return hasher.finalize()


async def _digest_for_signing(
    pdf: bytes,
    chain: list[x509.Certificate],
    algorithm: _Algorithm,
    field_name: str,
    reason: str,
    location: str,
) -> tuple[bytes, PreparedByteRangeDigest, bytes]:
    external = ExternalSigner(
        signing_cert=trust.to_asn1(chain[0]),
        cert_registry=_registry(chain),
        signature_value=512,
        signature_mechanism=algos.SignedDigestAlgorithm({"algorithm": algorithm.mechanism}),
    )
    meta = _metadata(field_name=field_name, md=algorithm.md, reason=reason, location=location)
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    prepared_digest, _tbs, output = await PdfSigner(
        meta, signer=external
    ).async_digest_doc_for_signing(writer, bytes_reserved=SIGNATURE_BYTES_RESERVED)
    signed_attrs = await external.signed_attrs(
        prepared_digest.document_digest, algorithm.md, use_pades=True
    )
    output.seek(0)
    return output.read(), prepared_digest, signed_attrs.dump()


def _der_signature(signer: x509.Certificate, signature: bytes) -> bytes:
    """The card's signature as CMS wants it: PKCS#1 v1.5 as is, ECDSA r‖s → DER."""
    key = signer.public_key()
    if isinstance(key, ec.EllipticCurvePublicKey):
        size = (key.curve.key_size + 7) // 8
        if len(signature) != 2 * size:
            raise SigningRefused("bad-signature", "ECDSA signature of the wrong length")
        r = int.from_bytes(signature[:size], "big")
        s = int.from_bytes(signature[size:], "big")
        return encode_dss_signature(r, s)
    return signature


def _verify(signer: x509.Certificate, der_signature: bytes, signed_attrs: bytes, md: str) -> None:
    key = signer.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(der_signature, signed_attrs, padding.PKCS1v15(), _hash(md))
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(der_signature, signed_attrs, ec.ECDSA(_hash(md)))
        else:  # pragma: no cover - `_algorithm` refused it in prepare
            raise SigningRefused("not-a-signing-certificate", "unsupported key type")
    except InvalidSignature as error:
        raise SigningRefused("bad-signature", "does not verify") from error


def finish(state: bytes, signature: bytes, *, level: Level = Level.LT) -> bytes:
    """Embed the card's `signature` into the prepared PDF at `level`, or refuse."""
    fields_ = _open_state(state)
    certificate = base64.b64decode(fields_["certificate"])
    signer = _load_certificate(certificate)
    algorithm = _algorithm(signer)
    signed_attrs = base64.b64decode(fields_["signed_attrs"])
    der_signature = _der_signature(signer, signature)
    _verify(signer, der_signature, signed_attrs, algorithm.md)
    # Checked again: the card may have been revoked while its holder typed the PIN.
    chain, revinfo = trust.check_certificate(signer)
    prepared_digest = PreparedByteRangeDigest(
        document_digest=base64.b64decode(fields_["document_digest"]),
        reserved_region_start=int(fields_["start"]),
        reserved_region_end=int(fields_["end"]),
    )
    return trust.run_sync(
        _finish(
            pdf=base64.b64decode(fields_["pdf"]),
            prepared_digest=prepared_digest,
            signed_attrs=cms.CMSAttributes.load(signed_attrs),
            der_signature=der_signature,
            chain=chain,
            algorithm=algorithm,
            field_name=fields_["field_name"],
            revinfo=revinfo,
            level=level,
        )
    )


async def _finish(
    *,
    pdf: bytes,
    prepared_digest: PreparedByteRangeDigest,
    signed_attrs: cms.CMSAttributes,
    der_signature: bytes,
    chain: list[x509.Certificate],
    algorithm: _Algorithm,
    field_name: str,
    revinfo: trust.Revinfo,
    level: Level,
) -> bytes:
    external = ExternalSigner(
        signing_cert=trust.to_asn1(chain[0]),
        cert_registry=_registry(chain),
        signature_value=der_signature,
        signature_mechanism=algos.SignedDigestAlgorithm({"algorithm": algorithm.mechanism}),
    )
    try:
        async with _timestamper() as timestamper:
            signature_cms = await external.async_sign_prescribed_attributes(
                algorithm.md, signed_attrs=signed_attrs, timestamper=timestamper
            )
    except (TimestampRequestError, OSError) as error:
        raise SigningRefused("tsa-unreachable", str(error)) from error
    output = BytesIO(pdf)
    await PdfTBSDocument.async_finish_signing(
        output, prepared_digest=prepared_digest, signature_cms=signature_cms
    )
    return await _extend(output.getvalue(), field_name, revinfo, level)


# --- B-T → B-LT → B-LTA -----------------------------------------------------------------------


def _tsa_certificates(signer_info: cms.SignerInfo) -> list[x509.Certificate]:
    """The certificates in the signature timestamp token (the TSA's)."""
    found: list[x509.Certificate] = []
    for attribute in signer_info["unsigned_attrs"] or []:
        if attribute["type"].native != "signature_time_stamp_token":
            continue
        for token in attribute["values"]:
            for choice in token["content"]["certificates"] or []:
                found.append(x509.load_der_x509_certificate(choice.chosen.dump()))
    return found


def _signature_named(pdf: bytes, field_name: str) -> EmbeddedPdfSignature:
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    for embedded in reader.embedded_regular_signatures:
        if embedded.field_name == field_name:
            found: EmbeddedPdfSignature = embedded
            return found
    raise LookupError(field_name)  # pragma: no cover - we just signed it


async def _extend(pdf: bytes, field_name: str, revinfo: trust.Revinfo, level: Level) -> bytes:
    """Add the DSS (B-LT) and a document timestamp (B-LTA) to a freshly signed PDF."""
    if level == Level.B_T:
        return pdf
    embedded = _signature_named(pdf, field_name)
    tsa_certificates = _tsa_certificates(embedded.signer_info)
    for certificate in tsa_certificates:
        if certificate.issuer != certificate.subject:
            trust.collect_revinfo(trust.build_chain(certificate), revinfo)
    context = trust.validation_context(revinfo, extra_certs=tsa_certificates)
    try:
        output = await async_add_validation_info(embedded, context, output=BytesIO())
    except RevokedError as error:
        raise SigningRefused("certificate-revoked", str(error)) from error
    except InsufficientRevinfoError as error:
        raise SigningRefused("revocation-unavailable", str(error)) from error
    except (PathBuildingError, PathValidationError) as error:
        raise SigningRefused("certificate-untrusted", str(error)) from error
    long_term: bytes = output.getvalue()
    if level == Level.LT:
        return long_term
    return await _document_timestamp(long_term, revinfo)


async def _document_timestamp(pdf: bytes, revinfo: trust.Revinfo) -> bytes:
    context = trust.validation_context(revinfo)
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    try:
        async with _timestamper() as timestamper:
            output = await PdfTimeStamper(timestamper).async_timestamp_pdf(
                writer,
                "sha256",
                validation_context=context,
                bytes_reserved=TIMESTAMP_BYTES_RESERVED,
                output=BytesIO(),
            )
    except (TimestampRequestError, OSError) as error:
        raise SigningRefused("tsa-unreachable", str(error)) from error
    value: bytes = output.getvalue()
    return value


def add_archive_timestamp(pdf: bytes) -> bytes:
    """B-LT → B-LTA: a document timestamp over everything, its TSA's revocation data in the
    DSS. On a B-LTA file, the last timestamp's validation data is added first and a new
    timestamp covers it (the archive chain is renewed). Refuses (`tsa-unreachable`,
    `revocation-unavailable`) rather than half-do it."""
    revinfo = trust.Revinfo()
    for ca in trust.intermediates():
        trust.collect_revinfo(trust.build_chain(ca), revinfo)
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    if not reader.embedded_timestamp_signatures:
        return trust.run_sync(_document_timestamp(pdf, revinfo))
    return trust.run_sync(_renew_archive_chain(reader, revinfo))


async def _renew_archive_chain(reader: PdfFileReader, revinfo: trust.Revinfo) -> bytes:
    try:
        async with _timestamper() as timestamper:
            output = await PdfTimeStamper(timestamper).async_update_archival_timestamp_chain(
                reader, trust.validation_context(revinfo), in_place=False, output=BytesIO()
            )
    except (TimestampRequestError, OSError) as error:
        raise SigningRefused("tsa-unreachable", str(error)) from error
    except (InsufficientRevinfoError, PathBuildingError, PathValidationError) as error:
        raise SigningRefused("revocation-unavailable", str(error)) from error
    value: bytes = output.getvalue()
    return value


# --- Server seals -----------------------------------------------------------------------------


def seal_on_server(
    pdf: bytes,
    *,
    agency_code: str,
    reason: str,
    location: str = "",
    level: Level = Level.LTA,
    field_name: str = "Seal1",
) -> bytes:
    """Seal `pdf` with the agency's key in the server's PKCS#11 token (`signing.hsm`)."""
    from . import hsm

    with hsm.seal_session() as session:
        certificate = hsm.agency_certificate(session, agency_code)
        algorithm = _algorithm(certificate)
        chain, revinfo = trust.check_certificate(certificate)
        signer = hsm.agency_signer(session, agency_code, chain)
        meta = _metadata(field_name=field_name, md=algorithm.md, reason=reason, location=location)
        return trust.run_sync(_seal(pdf, signer, meta, field_name, revinfo, level))


async def _seal(
    pdf: bytes,
    signer: Any,
    meta: PdfSignatureMetadata,
    field_name: str,
    revinfo: trust.Revinfo,
    level: Level,
) -> bytes:
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    try:
        async with _timestamper() as timestamper:
            pdf_signer = PdfSigner(meta, signer=signer, timestamper=timestamper)
            output = await pdf_signer.async_sign_pdf(
                writer, bytes_reserved=SIGNATURE_BYTES_RESERVED, output=BytesIO()
            )
    except (TimestampRequestError, OSError) as error:
        raise SigningRefused("tsa-unreachable", str(error)) from error
    return await _extend(output.getvalue(), field_name, revinfo, level)
