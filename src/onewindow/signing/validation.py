"""Validation of signed documents: PAdES PDFs and ASiC-E containers (docs/signing.md,
"Validation").

Every signature (and every PDF document timestamp) is checked for integrity, for what it
covers, for a chain to `SIGNING_TRUST_ROOTS`, for revocation *at the time of signing* (the
signature timestamp's time when there is one) and for its timestamp; the PAdES level it
reaches is reported. A file that carries its own revocation data (B-LT, B-LTA) is validated
offline; otherwise the revocation data is fetched with `SIGNING_NETWORK_TIMEOUT`.

The result is a `Report` of plain data (stored as JSON beside an attachment,
`signing.models.SignatureCheck`); `signing.reports` turns its problem codes into sentences.
A file is never trusted to be small or well-formed: sizes and zip entries are bounded by
the attachment limits before anything is parsed, and every parser error is a report.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import io
import logging
import posixpath
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Final

from django.conf import settings
from django.utils import timezone

import httpx
from asn1crypto import cms, core
from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, NameOID
from pyhanko.pdf_utils.decode_limits import DecodePurpose
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import (
    async_validate_detached_cms,
    async_validate_pdf_signature,
    async_validate_pdf_timestamp,
)
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.errors import NoDSSFoundError, SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    ExpiredError,
    InsufficientRevinfoError,
    NotYetValidError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
)

from . import trust

__all__ = ["PROBLEMS", "Report", "SignatureReport", "TimestampReport", "validate"]

logger = logging.getLogger(__name__)

PROBLEMS: Final = (
    "modified-after-signing",
    "not-whole-document",
    "certificate-revoked",
    "certificate-expired",
    "certificate-untrusted",
    "revocation-unknown",
    "timestamp-invalid",
    "bad-signature",
    "unsupported",
)
# Problems of the file as a whole (no signature to hang them on).
FILE_PROBLEMS: Final = ("too-large", "damaged", "zip-bomb", "no-signature")
ASICE_MIMETYPE: Final = b"application/vnd.etsi.asic-e+zip"
ORGANIZATION_IDENTIFIER: Final = x509.ObjectIdentifier("2.5.4.97")
XADES_SIGNATURE: Final = re.compile(r"^META-INF/[^/]*signatures[^/]*\.xml$")
CADES_SIGNATURE: Final = re.compile(r"^META-INF/[^/]*signature[^/]*\.p7s$")
ASIC_MANIFEST: Final = re.compile(r"^META-INF/ASiCManifest[^/]*\.xml$")
MB: Final = 1024 * 1024

_REVOKED = {
    AdESFailure.REVOKED,
    AdESIndeterminate.REVOKED_NO_POE,
    AdESIndeterminate.REVOKED_CA_NO_POE,
}
_EXPIRED = {
    AdESFailure.NOT_YET_VALID,
    AdESIndeterminate.EXPIRED,
    AdESIndeterminate.NOT_YET_VALID,
    AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,
    AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED,
}
_NO_REVINFO = {AdESIndeterminate.TRY_LATER, AdESIndeterminate.REVOCATION_OUT_OF_BOUNDS_NO_POE}
# pyHanko maps "no revocation data" to a general chain failure: then fetch and look again.
_MAYBE_NO_REVINFO = {*_NO_REVINFO, AdESIndeterminate.CERTIFICATE_CHAIN_GENERAL_FAILURE}


# --- The report ------------------------------------------------------------------------------


@dataclass
class SignatureReport:
    """One signature or seal as a person should understand it."""

    signer_name: str = ""
    signer_name_ka: str = ""
    identifier: str = ""  # PNOGE-…, NTRGE-…, GOVGE-…
    capacity: str = "person"  # person | seal
    signed_at: dt.datetime | None = None
    time_source: str = "none"  # timestamp | claimed | none
    level: str = "B-B"  # B-B | B-T | B-LT | B-LTA
    status: str = "invalid"  # valid | invalid | indeterminate
    problems: list[str] = field(default_factory=list)
    covers_whole_document: bool = False
    # What it signs: "document" (a PDF), or the file names inside an ASiC-E container.
    files: list[str] = field(default_factory=list)

    def problem(self, code: str) -> None:
        if code not in self.problems:
            self.problems.append(code)

    def conclude(self) -> None:
        """The status from the problems: none → valid; only missing revocation data →
        indeterminate (cannot tell yet); anything else → invalid."""
        if not self.problems:
            self.status = "valid"
        elif set(self.problems) <= {"revocation-unknown"}:
            self.status = "indeterminate"
        else:
            self.status = "invalid"


@dataclass
class TimestampReport:
    """A PDF document timestamp (PAdES B-LTA): when and whether it holds."""

    timestamped_at: dt.datetime | None = None
    authority: str = ""
    status: str = "invalid"
    problems: list[str] = field(default_factory=list)


@dataclass
class Report:
    format: str  # pdf | asice | unsigned | not-a-pdf
    signatures: list[SignatureReport] = field(default_factory=list)
    timestamps: list[TimestampReport] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # FILE_PROBLEMS

    @property
    def valid(self) -> bool:
        """Signed, and every signature and document timestamp holds."""
        return (
            bool(self.signatures)
            and not self.problems
            and all(s.status == "valid" for s in self.signatures)
            and all(t.status == "valid" for t in self.timestamps)
        )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for item in [*data["signatures"], *data["timestamps"]]:
            for key in ("signed_at", "timestamped_at"):
                if isinstance(item.get(key), dt.datetime):
                    item[key] = item[key].isoformat()
        data["valid"] = self.valid
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        def when(value: str | None) -> dt.datetime | None:
            return dt.datetime.fromisoformat(value) if value else None

        signatures = []
        for item in data.get("signatures", []):
            item = {k: v for k, v in item.items() if k in SignatureReport.__dataclass_fields__}
            item["signed_at"] = when(item.get("signed_at"))
            signatures.append(SignatureReport(**item))
        timestamps = []
        for item in data.get("timestamps", []):
            item = {k: v for k, v in item.items() if k in TimestampReport.__dataclass_fields__}
            item["timestamped_at"] = when(item.get("timestamped_at"))
            timestamps.append(TimestampReport(**item))
        return cls(
            format=str(data.get("format", "unsigned")),
            signatures=signatures,
            timestamps=timestamps,
            problems=list(data.get("problems", [])),
        )


# --- Entry point -----------------------------------------------------------------------------


def _max_bytes() -> int:
    return int(getattr(settings, "ATTACHMENT_MAX_FILE_BYTES", 10 * MB))


def validate(data: bytes, *, filename: str = "") -> Report:
    """The validation report of `data` (a PDF or an ASiC-E container), judged by content."""
    head = data[:1024]
    if head.startswith(b"PK\x03\x04"):
        if len(data) > _max_bytes():
            return Report(format="asice", problems=["too-large"])
        return _validate_asice(data)
    if not head.startswith(b"%PDF-"):
        return Report(format="not-a-pdf")
    if len(data) > _max_bytes():
        return Report(format="pdf", problems=["too-large"])
    return _validate_pdf(data)


# --- Certificates: who signed ----------------------------------------------------------------


def _attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def _georgian_name(certificate: x509.Certificate, oids: Sequence[x509.ObjectIdentifier]) -> str:
    """The Georgian name the test PKI (and the ID-card CA) puts in a subjectAltName
    directoryName: CN for persons, O for seals."""
    try:
        alternative = certificate.extensions.get_extension_for_class(
            x509.SubjectAlternativeName
        ).value
    except (x509.ExtensionNotFound, ValueError):
        return ""
    for directory in alternative.get_values_for_type(x509.DirectoryName):
        for oid in oids:
            if value := _attribute(directory, oid):
                return value
    return ""


def _describe_signer(report: SignatureReport, certificate: x509.Certificate) -> None:
    subject = certificate.subject
    organization_id = _attribute(subject, ORGANIZATION_IDENTIFIER)
    serial = _attribute(subject, NameOID.SERIAL_NUMBER)
    if organization_id:
        report.capacity = "seal"
        report.identifier = organization_id
        report.signer_name = _attribute(subject, NameOID.ORGANIZATION_NAME) or _attribute(
            subject, NameOID.COMMON_NAME
        )
        report.signer_name_ka = _georgian_name(certificate, [NameOID.ORGANIZATION_NAME])
    else:
        report.capacity = "person"
        report.identifier = serial
        given = _attribute(subject, NameOID.GIVEN_NAME)
        surname = _attribute(subject, NameOID.SURNAME)
        report.signer_name = (
            f"{given} {surname}".strip()
            if given or surname
            else _attribute(subject, NameOID.COMMON_NAME)
        )
        report.signer_name_ka = _georgian_name(certificate, [NameOID.COMMON_NAME])
    report.signer_name = report.signer_name[:200]
    report.signer_name_ka = report.signer_name_ka[:200]


def _to_crypto(certificate: asn1_x509.Certificate) -> x509.Certificate:
    return x509.load_der_x509_certificate(certificate.dump())


# --- Revocation data from the network (when the file carries none) ---------------------------


@dataclass
class _Fetched:
    ocsps: list[bytes] = field(default_factory=list)
    crls: list[bytes] = field(default_factory=list)
    certificates: list[asn1_x509.Certificate] = field(default_factory=list)


def _urls(certificate: x509.Certificate) -> tuple[list[str], list[str]]:
    ocsp_urls: list[str] = []
    crl_urls: list[str] = []
    try:
        access = certificate.extensions.get_extension_for_class(
            x509.AuthorityInformationAccess
        ).value
        ocsp_urls = [
            d.access_location.value
            for d in access
            if d.access_method == AuthorityInformationAccessOID.OCSP
            and isinstance(d.access_location, x509.UniformResourceIdentifier)
        ]
    except (x509.ExtensionNotFound, ValueError):
        pass
    try:
        points = certificate.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
        crl_urls = [
            name.value
            for point in points
            for name in point.full_name or []
            if isinstance(name, x509.UniformResourceIdentifier)
        ]
    except (x509.ExtensionNotFound, ValueError):
        pass
    return ocsp_urls, crl_urls


def _get(client: httpx.Client, url: str, **kwargs: Any) -> bytes | None:
    try:
        response = client.request(kwargs.pop("method", "GET"), trust.rewrite_url(url), **kwargs)
        response.raise_for_status()
    except httpx.HTTPError as error:
        logger.info("signing.validation.fetch_failed url=%s error=%s", url, error)
        return None
    return response.content


def _fetch_revinfo(certificates: Iterable[x509.Certificate], fetched: _Fetched) -> None:
    """OCSP (whatever it says: revoked answers are evidence too) for each end certificate
    that names a responder, CRLs for the CAs above it. Failures leave the data missing, and
    the validator then says the revocation status is unknown."""
    seen: set[str] = set()
    timeout = float(settings.SIGNING_NETWORK_TIMEOUT)
    with httpx.Client(timeout=timeout) as client:
        for certificate in certificates:
            try:
                chain = trust.build_chain(certificate)
            except Exception as error:  # untrusted: the validator will say so
                logger.info("signing.validation.no_chain %s", error)
                continue
            fetched.certificates.extend(trust.to_asn1(ca) for ca in chain[1:])
            for position, member in enumerate(chain[:-1]):
                issuer = chain[position + 1]
                ocsp_urls, crl_urls = _urls(member)
                if position == 0 and ocsp_urls:
                    request = (
                        ocsp.OCSPRequestBuilder()
                        .add_certificate(member, issuer, hashes.SHA1())  # noqa: S303 - CertID
                        .build()
                        .public_bytes(serialization.Encoding.DER)
                    )
                    answer = _get(
                        client,
                        ocsp_urls[0],
                        method="POST",
                        content=request,
                        headers={"Content-Type": "application/ocsp-request"},
                    )
                    if answer:
                        fetched.ocsps.append(answer)
                        continue
                for url in crl_urls[:1]:
                    if url not in seen:
                        seen.add(url)
                        if answer := _get(client, url):
                            fetched.crls.append(answer)


# --- Validation contexts ---------------------------------------------------------------------


def _roots() -> list[asn1_x509.Certificate]:
    return [trust.to_asn1(root) for root in trust.trust_roots()]


def _intermediates() -> list[asn1_x509.Certificate]:
    return [trust.to_asn1(ca) for ca in trust.intermediates()]


def _context(
    *,
    dss: _Dss | None,
    moment: dt.datetime | None,
    fetched: _Fetched | None = None,
    extra_certs: Sequence[asn1_x509.Certificate] = (),
    extra_ocsps: Sequence[Any] = (),
    extra_crls: Sequence[Any] = (),
) -> ValidationContext:
    """Offline, hard-fail: only the data given (the file's own, plus what was fetched).
    Revocation data issued after `moment` still speaks for it (a later "good" answer proves
    it was not revoked then; a "revoked" one carries the revocation time)."""
    kwargs: dict[str, Any] = {
        "trust_roots": _roots(),
        "other_certs": [
            *_intermediates(),
            *extra_certs,
            *(fetched.certificates if fetched else []),
        ],
        "ocsps": [*extra_ocsps, *(fetched.ocsps if fetched else [])],
        "crls": [*extra_crls, *(fetched.crls if fetched else [])],
        "allow_fetching": False,
        "revocation_mode": "hard-fail",
        "retroactive_revinfo": True,
    }
    if moment is not None:
        kwargs["moment"] = moment
    if dss is not None:
        kwargs["other_certs"] += dss.certificates
        kwargs["ocsps"] += dss.ocsps
        kwargs["crls"] += dss.crls
    return ValidationContext(**kwargs)


@dataclass
class _Dss:
    """The PDF's Document Security Store, parsed once per file (not once per signature)."""

    certificates: list[Any] = field(default_factory=list)
    ocsps: list[Any] = field(default_factory=list)
    crls: list[Any] = field(default_factory=list)


def _read_dss(reader: PdfFileReader) -> _Dss | None:
    try:
        dss = DocumentSecurityStore.read_dss(reader)
        parsed = _Dss(certificates=list(dss.load_certs()))
        for reference in dss.ocsps:
            data = reference.get_object().read_data(DecodePurpose.OCSP_RESPONSE)
            parsed.ocsps.append(asn1_ocsp.OCSPResponse.load(data))
        for reference in dss.crls:
            parsed.crls.append(
                asn1_crl.CertificateList.load(reference.get_object().read_data(DecodePurpose.CRL))
            )
    except (NoDSSFoundError, PdfError, ValueError, KeyError, TypeError):
        return None
    return parsed


def _tst_time(signer_info: cms.SignerInfo) -> dt.datetime | None:
    """The time in the signature's timestamp token (verified later by the validator)."""
    for attribute in signer_info["unsigned_attrs"] or []:
        if attribute["type"].native != "signature_time_stamp_token":
            continue
        for token in attribute["values"]:
            try:
                info = token["content"]["encap_content_info"]["content"].parsed
                when: dt.datetime = info["gen_time"].native
                return when
            except (ValueError, KeyError, TypeError):
                return None
    return None


def _tst_certificates(signer_info: cms.SignerInfo) -> list[asn1_x509.Certificate]:
    found = []
    for attribute in signer_info["unsigned_attrs"] or []:
        if attribute["type"].native != "signature_time_stamp_token":
            continue
        for token in attribute["values"]:
            for choice in token["content"]["certificates"] or []:
                if choice.name == "certificate":
                    found.append(choice.chosen)
    return found


def _cms_revinfo(signer_info: cms.SignerInfo) -> tuple[list[Any], list[Any]]:
    """Adobe's revocation-info archival attribute (what other signing tools embed)."""
    ocsps: list[Any] = []
    crls: list[Any] = []
    for attribute in signer_info["signed_attrs"] or []:
        if attribute["type"].native != "adobe_revocation_info_archival":
            continue
        for value in attribute["values"]:
            ocsps.extend(value["ocsp"] or [])
            crls.extend(value["crl"] or [])
    return ocsps, crls


def _judge_trust(report: SignatureReport, status: Any) -> bool:
    """Problems from the certificate checks; True when revocation data was missing."""
    indication = getattr(status, "trust_problem_indic", None)
    if indication is None:
        return False
    if indication in _REVOKED:
        report.problem("certificate-revoked")
    elif indication in _EXPIRED:
        report.problem("certificate-expired")
    elif indication in _NO_REVINFO:
        return True
    else:
        report.problem("certificate-untrusted")
    return False


def _judge_timestamp(report: SignatureReport, status: Any) -> None:
    timestamp = getattr(status, "timestamp_validity", None)
    if timestamp is None:
        return
    if not (timestamp.intact and timestamp.valid):
        report.problem("timestamp-invalid")
        return
    if not timestamp.trusted:
        indication = timestamp.trust_problem_indic
        if indication in _NO_REVINFO:
            report.problem("revocation-unknown")
        else:
            report.problem("timestamp-invalid")
        return
    report.signed_at = timestamp.timestamp
    report.time_source = "timestamp"


# --- PDF ------------------------------------------------------------------------------------


def _validate_pdf(data: bytes) -> Report:
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_regular_signatures)
        timestamps = list(reader.embedded_timestamp_signatures)
    except (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError, OSError):
        return Report(format="not-a-pdf", problems=["damaged"])
    except Exception:
        logger.exception("signing.validation.pdf_unreadable")
        return Report(format="not-a-pdf", problems=["damaged"])
    if not signatures and not timestamps:
        return Report(format="unsigned")
    dss = _read_dss(reader)
    report = Report(format="pdf")
    try:
        report.timestamps = trust.run_sync(_pdf_timestamps(timestamps, dss))
        for embedded in signatures:
            report.signatures.append(_one_pdf_signature(embedded, dss, timestamps, report))
    except Exception:
        logger.exception("signing.validation.pdf_failed")
        report.problems.append("damaged")
    if not signatures:
        report.problems.append("no-signature")
    return report


def _one_pdf_signature(
    embedded: EmbeddedPdfSignature,
    dss: _Dss | None,
    timestamps: Sequence[EmbeddedPdfSignature],
    report: Report,
) -> SignatureReport:
    """One signature's report; a signature whose CMS cannot even be read (a changed byte in
    its signed attributes or its certificates) is a damaged signature, reported as such
    beside the others rather than hiding them all behind "damaged file"."""
    try:
        return trust.run_sync(_pdf_signature(embedded, dss, timestamps, report.timestamps))
    except (SignatureValidationError, ValueError, KeyError, TypeError, IndexError) as error:
        logger.info("signing.validation.signature_unreadable %s", error)
    signature = SignatureReport(files=["document"])
    signature.problem("bad-signature")
    signature.conclude()
    return signature


async def _pdf_timestamps(
    embedded: Sequence[EmbeddedPdfSignature], dss: _Dss | None
) -> list[TimestampReport]:
    found = []
    for timestamp in embedded:
        result = TimestampReport()
        try:
            status = await async_validate_pdf_timestamp(
                timestamp, validation_context=_context(dss=dss, moment=None)
            )
        except Exception as error:  # a token that cannot even be read does not hold
            logger.info("signing.validation.timestamp_unreadable %s", error)
            result.problems.append("timestamp-invalid")
            found.append(result)
            continue
        result.timestamped_at = status.timestamp
        result.authority = _attribute(_to_crypto(status.signing_cert).subject, NameOID.COMMON_NAME)
        if not (status.intact and status.valid):
            result.problems.append("timestamp-invalid")
        elif not status.trusted:
            result.problems.append(
                "revocation-unknown"
                if status.trust_problem_indic in _NO_REVINFO
                else "certificate-untrusted"
            )
        if (
            status.modification_level is not None
            and status.modification_level > ModificationLevel.LTA_UPDATES
        ):
            result.problems.append("modified-after-signing")
        result.status = "valid" if not result.problems else "invalid"
        found.append(result)
    return found


async def _check_pdf(
    embedded: EmbeddedPdfSignature,
    dss: _Dss | None,
    moment: dt.datetime | None,
    fetched: _Fetched | None,
) -> Any:
    signer_info = embedded.signer_info
    ocsps, crls = _cms_revinfo(signer_info)
    tst_certs = _tst_certificates(signer_info)
    signer_context = _context(
        dss=dss, moment=moment, fetched=fetched, extra_ocsps=ocsps, extra_crls=crls
    )
    ts_context = _context(dss=dss, moment=None, fetched=fetched, extra_certs=tst_certs)
    return await async_validate_pdf_signature(
        embedded, signer_validation_context=signer_context, ts_validation_context=ts_context
    )


async def _pdf_signature(
    embedded: EmbeddedPdfSignature,
    dss: _Dss | None,
    timestamps: Sequence[EmbeddedPdfSignature],
    timestamp_reports: Sequence[TimestampReport],
) -> SignatureReport:
    report = SignatureReport(files=["document"])
    _describe_signer(report, _to_crypto(embedded.signer_cert))
    signer_info = embedded.signer_info
    moment = _tst_time(signer_info)
    status = await _check_pdf(embedded, dss, moment, None)
    offline = True
    if _needs_revinfo(status):
        offline = False
        fetched = _Fetched()
        certificates = [_to_crypto(embedded.signer_cert)]
        certificates += [_to_crypto(c) for c in _tst_certificates(signer_info)]
        await asyncio.to_thread(_fetch_revinfo, certificates, fetched)
        status = await _check_pdf(embedded, dss, moment, fetched)
    if not status.intact:
        report.problem("modified-after-signing")
    elif not status.valid:
        report.problem("bad-signature")
    missing = _judge_trust(report, status)
    if missing:
        report.problem("revocation-unknown")
    _judge_timestamp(report, status)
    if not _signature_timestamp_holds(signer_info, status):
        report.problem("timestamp-invalid")
    if _archive_broken(embedded, timestamps, timestamp_reports):
        report.problem("timestamp-invalid")
    if report.time_source == "none" and status.signer_reported_dt is not None:
        report.signed_at = status.signer_reported_dt
        report.time_source = "claimed"
    _judge_coverage(report, status)
    report.level = _pdf_level(
        status, offline=offline and dss is not None, embedded=embedded, timestamps=timestamps,
        timestamp_reports=timestamp_reports,
    )  # fmt: skip
    report.conclude()
    return report


def _signature_timestamp_holds(signer_info: cms.SignerInfo, status: Any) -> bool:
    """The signature timestamp, checked here as well as by the validator: every token in
    the unsigned attributes must be readable, and its message imprint must be the digest of
    this signature's value (RFC 3161 §2.4.2, ETSI EN 319 122-1 §5.3). A token the validator
    did not see at all (it skipped a damaged attribute) does not hold either."""
    tokens = [
        token
        for attribute in signer_info["unsigned_attrs"] or []
        if attribute["type"].native == "signature_time_stamp_token"
        for token in attribute["values"]
    ]
    if not tokens:
        return True
    if getattr(status, "timestamp_validity", None) is None:
        return False
    signature_value = signer_info["signature"].native
    for token in tokens:
        try:
            imprint = token["content"]["encap_content_info"]["content"].parsed["message_imprint"]
            algorithm = imprint["hash_algorithm"]["algorithm"].native
            expected = hashlib.new(algorithm, signature_value).digest()
        except (ValueError, KeyError, TypeError, AttributeError):
            return False
        if imprint["hashed_message"].native != expected:
            return False
    return True


_BROKEN_ARCHIVE: Final = {"timestamp-invalid", "unsupported", "modified-after-signing"}


def _archive_broken(
    embedded: EmbeddedPdfSignature,
    timestamps: Sequence[EmbeddedPdfSignature],
    timestamp_reports: Sequence[TimestampReport],
) -> bool:
    """Whether a document timestamp over this signature (B-LTA) is broken: it covers the
    signature's own /Contents (its certificates and unsigned attributes, which the signature
    itself does not protect), so a change there shows only in the archive timestamp."""
    return any(
        timestamp.signed_revision > embedded.signed_revision
        and _BROKEN_ARCHIVE & set(result.problems)
        for timestamp, result in zip(timestamps, timestamp_reports, strict=True)
    )


def _needs_revinfo(status: Any) -> bool:
    """Whether the chain checks failed in a way more revocation data may cure (pyHanko
    reports missing revocation data as a general chain failure)."""
    if getattr(status, "trust_problem_indic", None) in _MAYBE_NO_REVINFO:
        return True
    timestamp = getattr(status, "timestamp_validity", None)
    return timestamp is not None and timestamp.trust_problem_indic in _MAYBE_NO_REVINFO


def _judge_coverage(report: SignatureReport, status: Any) -> None:
    """Whole document: everything after the signature is at most LTA data (DSS, document
    timestamps) — or further signatures and form filling the document allows."""
    level = status.modification_level
    coverage = status.coverage
    if level is None or level == ModificationLevel.OTHER or status.docmdp_ok is False:
        report.problem("modified-after-signing")
        report.problem("not-whole-document")
    elif coverage is None or coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        report.problem("not-whole-document")
    report.covers_whole_document = coverage == SignatureCoverageLevel.ENTIRE_FILE or (
        coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and level is not None
        and level <= ModificationLevel.LTA_UPDATES
    )


def _pdf_level(
    status: Any,
    *,
    offline: bool,
    embedded: EmbeddedPdfSignature,
    timestamps: Sequence[EmbeddedPdfSignature],
    timestamp_reports: Sequence[TimestampReport],
) -> str:
    """B-B; B-T with a signature timestamp; B-LT when the file's own data sufficed to check
    revocation; B-LTA when a valid document timestamp follows the signature."""
    if getattr(status, "timestamp_validity", None) is None:
        return "B-B"
    if not offline:
        return "B-T"
    later = [
        result
        for timestamp, result in zip(timestamps, timestamp_reports, strict=True)
        if timestamp.signed_revision > embedded.signed_revision and result.status == "valid"
    ]
    return "B-LTA" if later else "B-LT"


# --- ASiC-E ---------------------------------------------------------------------------------


class _Refused(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _read_container(data: bytes) -> dict[str, bytes]:
    """Every member of the zip, within the attachment limits (entries, unpacked size,
    packing ratio), reading no more than the budget whatever the headers claim."""
    entries = int(getattr(settings, "ATTACHMENT_ZIP_MAX_ENTRIES", 1000))
    budget = min(
        int(getattr(settings, "ATTACHMENT_ZIP_MAX_UNCOMPRESSED_BYTES", 100 * MB)),
        len(data) * int(getattr(settings, "ATTACHMENT_ZIP_MAX_RATIO", 100)),
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _Refused("damaged") from None
    members: dict[str, bytes] = {}
    with archive:
        infos = archive.infolist()
        if len(infos) > entries:
            raise _Refused("zip-bomb")
        if sum(info.file_size for info in infos) > budget:
            raise _Refused("zip-bomb")
        total = 0
        for info in infos:
            if info.is_dir():
                continue
            name = info.filename
            if name in members or name.startswith("/") or ".." in name.split("/"):
                raise _Refused("damaged")
            chunks = []
            try:
                with archive.open(info) as member:
                    while chunk := member.read(64 * 1024):
                        total += len(chunk)
                        if total > budget:
                            raise _Refused("zip-bomb")
                        chunks.append(chunk)
            except (
                zipfile.BadZipFile,
                OSError,
                EOFError,
                ValueError,
                NotImplementedError,
                RuntimeError,
            ):
                raise _Refused("damaged") from None
            members[name] = b"".join(chunks)
    return members


def _validate_asice(data: bytes) -> Report:
    try:
        members = _read_container(data)
    except _Refused as refused:
        return Report(format="asice", problems=[refused.code])
    if members.get("mimetype", b"").strip() != ASICE_MIMETYPE:
        return Report(format="not-a-pdf")
    report = Report(format="asice")
    data_files = sorted(
        name for name in members if not name.startswith("META-INF/") and name != "mimetype"
    )
    for name in sorted(members):
        if XADES_SIGNATURE.match(name):
            report.signatures.extend(_xades_signatures(members[name], members, data_files))
        elif CADES_SIGNATURE.match(name):
            report.signatures.append(_cades_signature(name, members, data_files))
    if not report.signatures:
        report.problems.append("no-signature")
    return report


# XAdES (ETSI EN 319 132) in ASiC-E: META-INF/signatures*.xml holds one or more ds:Signature.

DS: Final = "http://www.w3.org/2000/09/xmldsig#"
XADES: Final = "http://uri.etsi.org/01903/v1.3.2#"


def _xades_signatures(
    xml: bytes, members: dict[str, bytes], data_files: list[str]
) -> list[SignatureReport]:
    from lxml import etree  # type: ignore[import-untyped]

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(xml, parser=parser)
    except etree.XMLSyntaxError:
        return [SignatureReport(problems=["unsupported"], status="invalid")]
    found = []
    for signature in root.iter(f"{{{DS}}}Signature"):
        found.append(_xades_signature(signature, members, data_files))
    return found or [SignatureReport(problems=["unsupported"], status="invalid")]


def _xades_signature(
    signature: Any, members: dict[str, bytes], data_files: list[str]
) -> SignatureReport:
    from signxml import exceptions as signxml_errors
    from signxml.xades.xades import XAdESSignatureConfiguration, XAdESVerifier

    report = SignatureReport()
    certificate_text = signature.findtext(f".//{{{DS}}}X509Certificate")
    try:
        certificate = x509.load_der_x509_certificate(
            base64.b64decode("".join((certificate_text or "").split()))
        )
    except ValueError:
        report.problem("unsupported")
        report.conclude()
        return report
    _describe_signer(report, certificate)
    references = [
        ref.get("URI", "")
        for ref in signature.iterfind(f"{{{DS}}}SignedInfo/{{{DS}}}Reference")
        if not ref.get("URI", "").startswith("#")
    ]
    reference_count = len(signature.findall(f"{{{DS}}}SignedInfo/{{{DS}}}Reference"))
    report.files = [_member_name(uri) for uri in references]

    def resolve(uri: str) -> bytes | None:
        return members.get(_member_name(uri))

    document = _alone_in_its_file(signature)
    try:
        XAdESVerifier().verify(
            document,
            x509_cert=certificate,
            uri_resolver=resolve,
            expect_config=XAdESSignatureConfiguration(expect_references=reference_count),
        )
    except signxml_errors.InvalidDigest as error:
        logger.info("signing.validation.xades_digest %s", error)
        report.problem("modified-after-signing")
    except signxml_errors.InvalidSignature:
        report.problem("bad-signature")
    except (signxml_errors.InvalidInput, signxml_errors.InvalidCertificate):
        report.problem(
            "unsupported"
            if all(resolve(u) is not None for u in references)
            else "modified-after-signing"
        )
    except Exception:
        logger.exception("signing.validation.xades_failed")
        report.problem("unsupported")
    if set(report.files) != set(data_files):
        report.problem("not-whole-document")
    report.covers_whole_document = set(report.files) >= set(data_files)
    claimed = signature.findtext(f".//{{{XADES}}}SigningTime")
    _judge_xades_time_and_certificate(report, signature, certificate)
    if report.time_source == "none" and claimed:
        try:
            report.signed_at = dt.datetime.fromisoformat(claimed.strip().replace("Z", "+00:00"))
            report.time_source = "claimed"
        except ValueError:
            pass
    report.conclude()
    return report


def _judge_xades_time_and_certificate(
    report: SignatureReport, signature: Any, certificate: x509.Certificate
) -> None:
    """The XAdES baseline level (ETSI EN 319 132-1): B-T when its SignatureTimeStamps hold
    (the time is then theirs, not the claimed SigningTime), B-LT when its own
    CertificateValues/RevocationValues sufficed to judge the signer (at the timestamp's time)
    and the timestamp authority. Like PDFs, the network is asked only when they do not."""
    evidence = _xades_evidence(signature)
    stamped = _xades_time(signature, evidence, fetched=None)
    signer = trust.to_asn1(certificate)
    problem = _certificate_problem(signer, stamped.moment, evidence, fetched=None)
    offline = True
    if stamped.needs_revinfo or problem == "revocation-unknown":
        offline = False
        fetched = _Fetched()
        _fetch_revinfo([certificate, *(_to_crypto(c) for c in stamped.authorities)], fetched)
        stamped = _xades_time(signature, evidence, fetched=fetched)
        problem = _certificate_problem(signer, stamped.moment, evidence, fetched=fetched)
    if stamped.problem:
        report.problem(stamped.problem)
    if problem:
        report.problem(problem)
    if stamped.moment is None:
        report.level = "B-B"
        return
    report.signed_at = stamped.moment
    report.time_source = "timestamp"
    report.level = "B-LT" if offline and evidence.has_revocation else "B-T"
    # An xades141:ArchiveTimeStamp (B-LTA) is not verified yet: such a signature is B-LT.


@dataclass
class _Evidence:
    """What a signature carries beside itself: its signature timestamps (the c14n method
    each names, the DER token), certificates and revocation data (XAdES
    CertificateValues/RevocationValues; CAdES certValues/revocationValues/SignedData crls)."""

    timestamps: list[tuple[str, bytes]] = field(default_factory=list)
    certificates: list[asn1_x509.Certificate] = field(default_factory=list)
    ocsps: list[asn1_ocsp.OCSPResponse] = field(default_factory=list)
    crls: list[asn1_crl.CertificateList] = field(default_factory=list)

    @property
    def has_revocation(self) -> bool:
        return bool(self.ocsps or self.crls)

    def add_certificate(self, der: bytes) -> None:
        """Only what parses strictly goes to the validator; anything else is ignored (then
        missing, and fetched or reported unknown), never trusted."""
        try:
            self.certificates.append(trust.to_asn1(x509.load_der_x509_certificate(der)))
        except ValueError:
            logger.info("signing.validation.unreadable_certificate_value")

    def add_ocsp(self, der: bytes) -> None:
        """An OCSPResponse (XAdES), or a BasicOCSPResponse (CAdES revocationValues; some
        XAdES tools too) wrapped into one."""
        for candidate in (der, _wrap_basic_ocsp(der)):
            if candidate is not None and _parses_as_ocsp(candidate):
                self.ocsps.append(asn1_ocsp.OCSPResponse.load(candidate))
                return
        logger.info("signing.validation.unreadable_ocsp_value")

    def add_crl(self, der: bytes) -> None:
        try:
            x509.load_der_x509_crl(der)
        except ValueError:
            logger.info("signing.validation.unreadable_crl_value")
            return
        self.crls.append(asn1_crl.CertificateList.load(der))


def _parses_as_ocsp(der: bytes) -> bool:
    try:
        ocsp.load_der_ocsp_response(der)
    except ValueError:
        return False
    return True


def _wrap_basic_ocsp(der: bytes) -> bytes | None:
    try:
        basic = asn1_ocsp.BasicOCSPResponse.load(der)
        response = asn1_ocsp.OCSPResponse(
            {
                "response_status": "successful",
                "response_bytes": {"response_type": "basic_ocsp_response", "response": basic},
            }
        )
        wrapped: bytes = response.dump()
    except (ValueError, TypeError, AttributeError):
        return None
    return wrapped


XADES141: Final = "http://uri.etsi.org/01903/v1.4.1#"
INCLUSIVE_C14N: Final = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
# (exclusive, with comments) per canonicalisation a SignatureTimeStamp may name. lxml has
# no C14N 1.1; it differs from 1.0 only in inheriting xml:id/xml:base from ancestors,
# which ds:SignatureValue's ancestors in ASiC-E signature files do not carry.
C14N_METHODS: Final = {
    INCLUSIVE_C14N: (False, False),
    f"{INCLUSIVE_C14N}#WithComments": (False, True),
    "http://www.w3.org/2006/12/xml-c14n11": (False, False),
    "http://www.w3.org/2006/12/xml-c14n11#WithComments": (False, True),
    "http://www.w3.org/2001/10/xml-exc-c14n#": (True, False),
    "http://www.w3.org/2001/10/xml-exc-c14n#WithComments": (True, True),
}


def _b64(text: str | None) -> bytes:
    try:
        return base64.b64decode("".join((text or "").split()), validate=True)
    except ValueError:
        return b""


def _xades_evidence(signature: Any) -> _Evidence:
    """The signature's own KeyInfo certificates and unsigned signature properties (not
    another signature's): SignatureTimeStamps, and every encapsulated certificate, OCSP
    response and CRL in them (CertificateValues, RevocationValues, and those of
    xades141:TimeStampValidationData)."""
    evidence = _Evidence()
    for element in signature.iterfind(f"{{{DS}}}KeyInfo/{{{DS}}}X509Data/{{{DS}}}X509Certificate"):
        evidence.add_certificate(_b64(element.text))  # the chain, when the signer gave it
    path = (
        f"{{{DS}}}Object/{{{XADES}}}QualifyingProperties/{{{XADES}}}UnsignedProperties/"
        f"{{{XADES}}}UnsignedSignatureProperties"
    )
    for properties in signature.iterfind(path):
        for stamp in properties.iterfind(f"{{{XADES}}}SignatureTimeStamp"):
            method = stamp.find(f"{{{DS}}}CanonicalizationMethod")
            algorithm = INCLUSIVE_C14N if method is None else method.get("Algorithm", "")
            token = _b64(stamp.findtext(f"{{{XADES}}}EncapsulatedTimeStamp"))
            evidence.timestamps.append((algorithm, token))
        for element in properties.iter(f"{{{XADES}}}EncapsulatedX509Certificate"):
            evidence.add_certificate(_b64(element.text))
        for element in properties.iter(f"{{{XADES}}}EncapsulatedOCSPValue"):
            evidence.add_ocsp(_b64(element.text))
        for element in properties.iter(f"{{{XADES}}}EncapsulatedCRLValue"):
            evidence.add_crl(_b64(element.text))
    return evidence


@dataclass
class _Stamped:
    """The verdict on a signature's timestamps: the time they prove (the earliest, when
    every one holds), or the problem; whether more revocation data might cure it."""

    moment: dt.datetime | None = None
    problem: str | None = None
    needs_revinfo: bool = False
    authorities: list[asn1_x509.Certificate] = field(default_factory=list)


def _signature_value_c14n(signature: Any, algorithm: str) -> bytes | None:
    """ds:SignatureValue canonicalised in its file's context (inclusive c14n renders the
    namespaces of its ancestors), as XAdES's SignatureTimeStamp imprints it."""
    from lxml import etree

    element = signature.find(f"{{{DS}}}SignatureValue")
    if element is None or algorithm not in C14N_METHODS:
        return None
    exclusive, comments = C14N_METHODS[algorithm]
    value: bytes = etree.tostring(
        element, method="c14n", exclusive=exclusive, with_comments=comments
    )
    return value


def _xades_time(signature: Any, evidence: _Evidence, *, fetched: _Fetched | None) -> _Stamped:
    stamped = _Stamped()
    if not evidence.timestamps:
        return stamped
    context = _context(
        dss=None,
        moment=None,
        fetched=fetched,
        extra_certs=evidence.certificates,
        extra_ocsps=evidence.ocsps,
        extra_crls=evidence.crls,
    )
    times = []
    for algorithm, token in evidence.timestamps:
        status = _xades_timestamp_status(signature, algorithm, token, context)
        if status is None or not (status.intact and status.valid):
            stamped.problem = "timestamp-invalid"
            continue
        if status.signing_cert is not None:
            stamped.authorities.append(status.signing_cert)
        indication = status.trust_problem_indic
        if not status.trusted:
            stamped.needs_revinfo = stamped.needs_revinfo or indication in _MAYBE_NO_REVINFO
            recheck = _Recheck(evidence, fetched, moment=None)
            if stamped.problem != "timestamp-invalid":
                stamped.problem = (
                    "revocation-unknown"
                    if indication in _NO_REVINFO
                    or recheck.revinfo_missing(status, timestamping=True)
                    else "timestamp-invalid"
                )
            continue
        times.append(status.timestamp)
    if stamped.problem is None and times:
        stamped.moment = min(times)
    return stamped


@dataclass
class _Recheck:
    """Why pyHanko reported a "general chain failure": it says so for a missing revocation
    answer as well as for a chain that does not hold. The certificate validator alone
    tells them apart (revocation-unknown, or untrusted); asked only when that happened."""

    evidence: _Evidence
    fetched: _Fetched | None
    moment: dt.datetime | None

    def revinfo_missing(self, status: Any, *, timestamping: bool = False) -> bool:
        certificate = getattr(status, "signing_cert", None)
        if (
            certificate is None
            or not (status.intact and status.valid)
            or status.trust_problem_indic not in _MAYBE_NO_REVINFO
        ):
            return False
        problem = _certificate_problem(
            certificate,
            None if timestamping else self.moment,
            self.evidence,
            fetched=self.fetched,
            timestamping=timestamping,
        )
        return problem == "revocation-unknown"


def _xades_timestamp_status(
    signature: Any, algorithm: str, token: bytes, context: ValidationContext
) -> Any:
    """pyHanko's verdict on one RFC 3161 token (its signature, the TSA's chain and usage),
    with the message imprint required to be the hash of the canonicalised
    ds:SignatureValue; None when the token cannot even be read."""
    from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
    from pyhanko.sign.validation.status import TimestampSignatureStatus

    canonical = _signature_value_c14n(signature, algorithm)
    if canonical is None or not token:
        return None

    def imprint(algorithm_name: str) -> bytes:  # an unknown hash: ValueError, not holding
        return hashlib.new(algorithm_name, canonical).digest()

    try:
        content = cms.ContentInfo.load(token)
        if content["content_type"].native != "signed_data":
            return None
        kwargs = trust.run_sync(validate_tst_signed_data(content["content"], context, imprint))
        return TimestampSignatureStatus(**kwargs)
    except Exception as error:  # a token that cannot even be read does not hold
        logger.info("signing.validation.xades_timestamp_unreadable %s", error)
        return None


def _alone_in_its_file(signature: Any) -> Any:
    """A copy of the signatures file with only this signature: verified in its own
    namespace context (inclusive canonicalisation sees the wrapper's namespaces), while
    signxml looks at exactly one signature."""
    from lxml import etree

    root = signature.getroottree().getroot()
    if root is signature:
        return etree.fromstring(etree.tostring(root))
    index = list(root.iter(f"{{{DS}}}Signature")).index(signature)
    copy = etree.fromstring(etree.tostring(root))
    for position, other in enumerate(list(copy.iter(f"{{{DS}}}Signature"))):
        if position != index:
            other.getparent().remove(other)
    return copy


def _member_name(uri: str) -> str:
    from urllib.parse import unquote

    return posixpath.normpath(unquote(uri)).lstrip("/") if uri else ""


def _certificate_problem(
    certificate: asn1_x509.Certificate,
    moment: dt.datetime | None,
    evidence: _Evidence,
    *,
    fetched: _Fetched | None,
    timestamping: bool = False,
) -> str | None:
    """Chain, validity and revocation of a signer's certificate (or, `timestamping`, a
    TSA's) at `moment` (the timestamp's time; now without one), from the signature's own
    data plus `fetched`."""
    context = _context(
        dss=None,
        moment=moment,
        fetched=fetched,
        extra_certs=evidence.certificates,
        extra_ocsps=evidence.ocsps,
        extra_crls=evidence.crls,
    )
    usage = (
        {"key_usage": set(), "extended_key_usage": {"time_stamping"}}
        if timestamping
        else {"key_usage": {"non_repudiation"}}
    )
    validator = CertificateValidator(certificate, validation_context=context)
    try:
        trust.run_sync(validator.async_validate_usage(**usage))  # type: ignore[no-untyped-call]
    except RevokedError:
        return "certificate-revoked"
    except (ExpiredError, NotYetValidError):
        return "certificate-expired"
    except InsufficientRevinfoError:
        return "revocation-unknown"
    except (PathBuildingError, PathValidationError):
        return "certificate-untrusted"
    except Exception:
        logger.exception("signing.validation.certificate_failed")
        return "certificate-untrusted"
    return None


# CAdES in ASiC-E: META-INF/signature*.p7s, detached over META-INF/ASiCManifest*.xml.

ASIC: Final = "http://uri.etsi.org/02918/v1.2.1#"
DIGESTS: Final = {
    "http://www.w3.org/2001/04/xmlenc#sha256": hashlib.sha256,
    "http://www.w3.org/2001/04/xmldsig-more#sha384": hashlib.sha384,
    "http://www.w3.org/2001/04/xmlenc#sha512": hashlib.sha512,
}


def _manifest_for(signature_name: str, members: dict[str, bytes]) -> tuple[bytes, Any] | None:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    for name in sorted(members):
        if not ASIC_MANIFEST.match(name):
            continue
        try:
            root = etree.fromstring(members[name], parser=parser)
        except etree.XMLSyntaxError:
            continue
        reference = root.find(f"{{{ASIC}}}SigReference")
        if reference is not None and _member_name(reference.get("URI", "")) == signature_name:
            return members[name], root
    return None


def _cades_signature(
    name: str, members: dict[str, bytes], data_files: list[str]
) -> SignatureReport:
    report = SignatureReport()
    found = _manifest_for(name, members)
    try:
        content = cms.ContentInfo.load(members[name])
        signed_data = content["content"]
        signer_info = signed_data["signer_infos"][0]
        certificates = [
            c.chosen for c in signed_data["certificates"] or [] if c.name == "certificate"
        ]
    except (ValueError, KeyError, TypeError, IndexError):
        report.problem("unsupported")
        report.conclude()
        return report
    if found is None:
        report.problem("unsupported")
        report.conclude()
        return report
    manifest_bytes, manifest = found
    signer = _signer_of(signer_info, certificates)
    if signer is not None:
        _describe_signer(report, _to_crypto(signer))
    _check_manifest(report, manifest, members)
    if set(report.files) != set(data_files):
        report.problem("not-whole-document")
    report.covers_whole_document = set(report.files) >= set(data_files)
    moment = _tst_time(signer_info)
    evidence = _cades_evidence(signed_data, signer_info)
    offline = True
    fetched: _Fetched | None = None
    try:
        status = _check_cades(manifest_bytes, signed_data, moment, evidence, None)
        if _needs_revinfo(status):
            offline = False
            fetched = _Fetched()
            _fetch_revinfo([_to_crypto(c) for c in certificates], fetched)
            status = _check_cades(manifest_bytes, signed_data, moment, evidence, fetched)
    except Exception:
        logger.exception("signing.validation.cades_failed")
        report.problem("unsupported")
        report.conclude()
        return report
    _judge_cades(
        report,
        status,
        signer_info,
        _Recheck(evidence, fetched, moment),
        long_term=offline and evidence.has_revocation,
    )
    report.conclude()
    return report


def _judge_cades(
    report: SignatureReport,
    status: Any,
    signer_info: cms.SignerInfo,
    recheck: _Recheck,
    *,
    long_term: bool,
) -> None:
    """Problems, time and level of a CAdES signature: B-LT when its own revocation data
    sufficed (`long_term`), B-T with a timestamp, else B-B with the claimed time."""
    if not status.intact:
        report.problem("modified-after-signing")
    elif not status.valid:
        report.problem("bad-signature")
    if recheck.revinfo_missing(status) or _judge_trust(report, status):
        report.problem("revocation-unknown")
    timestamp = status.timestamp_validity
    if timestamp is not None and recheck.revinfo_missing(timestamp, timestamping=True):
        report.problem("revocation-unknown")
    else:
        _judge_timestamp(report, status)
    if not _signature_timestamp_holds(signer_info, status):
        report.problem("timestamp-invalid")
    if report.time_source == "none" and status.signer_reported_dt is not None:
        report.signed_at = status.signer_reported_dt
        report.time_source = "claimed"
    if status.timestamp_validity is None:
        report.level = "B-B"
    else:
        report.level = "B-LT" if long_term else "B-T"


def _check_cades(
    manifest: bytes,
    signed_data: cms.SignedData,
    moment: dt.datetime | None,
    evidence: _Evidence,
    fetched: _Fetched | None,
) -> Any:
    """pyHanko's verdict on a detached CAdES signature over its ASiCManifest: the signer at
    the timestamp's time, both from the signature's own data plus `fetched`."""

    def context(at: dt.datetime | None, extra: Sequence[asn1_x509.Certificate]) -> Any:
        return _context(
            dss=None,
            moment=at,
            fetched=fetched,
            extra_certs=[*evidence.certificates, *extra],
            extra_ocsps=evidence.ocsps,
            extra_crls=evidence.crls,
        )

    signer_info = signed_data["signer_infos"][0]
    return trust.run_sync(
        async_validate_detached_cms(
            manifest,
            signed_data,
            signer_validation_context=context(moment, ()),
            ts_validation_context=context(None, _tst_certificates(signer_info)),
        )
    )


# CAdES (ETSI EN 319 122-1, RFC 5126) long-term attributes, which asn1crypto does not know.
CERTIFICATE_VALUES: Final = "1.2.840.113549.1.9.16.2.23"  # id-aa-ets-certValues
REVOCATION_VALUES: Final = "1.2.840.113549.1.9.16.2.24"  # id-aa-ets-revocationValues


class _CertificateValues(core.SequenceOf):  # type: ignore[misc]
    _child_spec = asn1_x509.Certificate


class _CrlValues(core.SequenceOf):  # type: ignore[misc]
    _child_spec = asn1_crl.CertificateList


class _OcspValues(core.SequenceOf):  # type: ignore[misc]
    _child_spec = asn1_ocsp.BasicOCSPResponse


class _RevocationValues(core.Sequence):  # type: ignore[misc]
    """RFC 5126 §6.3.4 (explicitly tagged, as the module's default)."""

    _fields = [
        ("crl_vals", _CrlValues, {"explicit": 0, "optional": True}),
        ("ocsp_vals", _OcspValues, {"explicit": 1, "optional": True}),
        ("other_rev_vals", core.Any, {"explicit": 2, "optional": True}),
    ]


def _cades_evidence(signed_data: cms.SignedData, signer_info: cms.SignerInfo) -> _Evidence:
    """The certificates and revocation data a CAdES signature carries: the SignedData's
    certificates and crls (CRLs, and OCSP responses as other revocation info), the signer's
    certValues and revocationValues, and Adobe's revocation-info archival attribute."""
    evidence = _Evidence()
    try:
        _signed_data_values(signed_data, evidence)
        for attribute in signer_info["unsigned_attrs"] or []:
            for value in attribute["values"]:
                _long_term_attribute(attribute["type"].dotted, value.dump(), evidence)
        ocsps, crls = _cms_revinfo(signer_info)
        for response in ocsps:
            evidence.add_ocsp(response.dump())
        for crl in crls:
            evidence.add_crl(crl.dump())
    except Exception as error:  # unreadable values are no evidence; the rest is still judged
        logger.info("signing.validation.cades_values_unreadable %s", error)
    return evidence


def _signed_data_values(signed_data: cms.SignedData, evidence: _Evidence) -> None:
    for choice in signed_data["certificates"] or []:
        if choice.name == "certificate":
            evidence.add_certificate(choice.chosen.dump())
    for choice in signed_data["crls"] or []:
        if choice.name == "crl":
            evidence.add_crl(choice.chosen.dump())
        elif choice.chosen["other_rev_info_format"].native == "ocsp_response":
            evidence.add_ocsp(choice.chosen["other_rev_info"].dump())


def _long_term_attribute(kind: str, der: bytes, evidence: _Evidence) -> None:
    if kind == CERTIFICATE_VALUES:
        for certificate in _CertificateValues.load(der):
            evidence.add_certificate(certificate.dump())
    elif kind == REVOCATION_VALUES:
        values = _RevocationValues.load(der)
        for crl in values["crl_vals"] or []:
            evidence.add_crl(crl.dump())
        for basic in values["ocsp_vals"] or []:
            evidence.add_ocsp(basic.dump())


def _check_manifest(report: SignatureReport, manifest: Any, members: dict[str, bytes]) -> None:
    """Every file the ASiCManifest names must be present with the digest it states."""
    for reference in manifest.iterfind(f"{{{ASIC}}}DataObjectReference"):
        member = _member_name(reference.get("URI", ""))
        report.files.append(member)
        method = reference.find(f"{{{DS}}}DigestMethod")
        value = reference.findtext(f"{{{DS}}}DigestValue") or ""
        digest = DIGESTS.get(method.get("Algorithm", "") if method is not None else "")
        if digest is None:
            report.problem("unsupported")
        elif (
            member not in members
            or base64.b64encode(digest(members[member]).digest()).decode() != value.strip()
        ):
            report.problem("modified-after-signing")


def _signer_of(
    signer_info: cms.SignerInfo, certificates: list[asn1_x509.Certificate]
) -> asn1_x509.Certificate | None:
    sid = signer_info["sid"]
    for certificate in certificates:
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if (
                certificate.issuer == wanted["issuer"]
                and certificate.serial_number == wanted["serial_number"].native
            ):
                return certificate
        elif certificate.key_identifier == sid.chosen.native:
            return certificate
    return None


def now() -> dt.datetime:
    return timezone.now()
