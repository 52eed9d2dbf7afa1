"""Whom the portal trusts to sign, and the revocation data that proves it, fetched fail-closed.

Before anything is signed the signer's certificate must chain to `SIGNING_TRUST_ROOTS`,
be within its validity, carry nonRepudiation and be reported good by its CA (OCSP when the
certificate names a responder, else the CRL). The same fetched answers go into pyHanko's
`ValidationContext`, so what was checked is exactly what the PDF's DSS embeds (B-LT).

Network answers are cached (Django's cache) so that a responder that is down for a moment
does not stop signing: an answer younger than `SIGNING_FAIL_CLOSED_AFTER` seconds is reused;
past that the signer gets `SigningRefused("revocation-unavailable")`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import hashlib
import ssl
import time
from collections.abc import Coroutine, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

import httpx
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    InsufficientRevinfoError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
)

from .errors import SigningRefused

CACHE_PREFIX = "signing:revinfo:"
T = TypeVar("T")


def clock() -> float:
    """Seconds since the epoch (one place for tests to move time)."""
    return time.time()


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run pyHanko's coroutines from Django's sync code, even where a loop already runs
    in this thread (Playwright's sync API leaves one): then in a worker thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@dataclass
class Revinfo:
    """OCSP responses and CRLs (DER) fetched for one signing, and the certificates seen."""

    ocsps: list[bytes] = field(default_factory=list)
    crls: list[bytes] = field(default_factory=list)
    fetched: set[str] = field(default_factory=set)


def _load_pem_files(paths: Iterable[str | Path]) -> list[x509.Certificate]:
    certificates: list[x509.Certificate] = []
    for path in paths:
        certificates.extend(x509.load_pem_x509_certificates(Path(path).read_bytes()))
    return certificates


def trust_roots() -> list[x509.Certificate]:
    return _load_pem_files(settings.SIGNING_TRUST_ROOTS)


def intermediates() -> list[x509.Certificate]:
    return _load_pem_files(getattr(settings, "SIGNING_INTERMEDIATE_CERTS", []))


def to_asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def rewrite_url(url: str) -> str:
    """The URL to ask instead of `url` (`SIGNING_PKI_URL_REWRITES`, longest prefix first)."""
    rewrites: dict[str, str] = getattr(settings, "SIGNING_PKI_URL_REWRITES", {}) or {}
    for prefix in sorted(rewrites, key=len, reverse=True):
        if url.startswith(prefix):
            return rewrites[prefix] + url[len(prefix) :]
    return url


# --- The chain ------------------------------------------------------------------------------


def _issued_by(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        certificate.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def build_chain(certificate: x509.Certificate) -> list[x509.Certificate]:
    """`[certificate, …, root]` from the configured CAs, or `certificate-untrusted`."""
    roots = trust_roots()
    cas = intermediates()
    chain = [certificate]
    current = certificate
    for _ in range(len(cas) + 1):
        for root in roots:
            if _issued_by(current, root):
                return [*chain, root]
        parent = next((ca for ca in cas if ca not in chain and _issued_by(current, ca)), None)
        if parent is None:
            break
        chain.append(parent)
        current = parent
    raise SigningRefused("certificate-untrusted", certificate.subject.rfc4514_string())


# --- Revocation data ----------------------------------------------------------------------


def _aia_urls(certificate: x509.Certificate, method: x509.ObjectIdentifier) -> list[str]:
    try:
        access = certificate.extensions.get_extension_for_class(
            x509.AuthorityInformationAccess
        ).value
    except x509.ExtensionNotFound:
        return []
    return [
        description.access_location.value
        for description in access
        if description.access_method == method
        and isinstance(description.access_location, x509.UniformResourceIdentifier)
    ]


def _crl_urls(certificate: x509.Certificate) -> list[str]:
    try:
        points = certificate.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    except x509.ExtensionNotFound:
        return []
    return [
        name.value
        for point in points
        for name in point.full_name or []
        if isinstance(name, x509.UniformResourceIdentifier)
    ]


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One verifying TLS context per process: building one costs ~0.15 s (the CA bundle)."""
    return ssl.create_default_context()


@functools.cache
def _http() -> httpx.Client:
    """One client per process (thread-safe, keeps connections to the responders open)."""
    return httpx.Client(verify=tls_context())


def _fetch(url: str, *, cache_key: str, method: str = "GET", body: bytes | None = None,
           content_type: str | None = None) -> bytes:  # fmt: skip
    """GET/POST `url`; on a network failure, the cached answer if young enough, else refuse."""
    key = CACHE_PREFIX + hashlib.sha256(cache_key.encode()).hexdigest()
    try:
        response = _http().request(
            method,
            rewrite_url(url),
            content=body,
            headers={"Content-Type": content_type} if content_type else None,
            timeout=settings.SIGNING_NETWORK_TIMEOUT,
        )
        response.raise_for_status()
        answer = response.content
    except httpx.HTTPError as error:
        cached = cache.get(key)
        if cached is not None:
            fetched_at, answer = cached
            if clock() - fetched_at < settings.SIGNING_FAIL_CLOSED_AFTER:
                return bytes(answer)
        raise SigningRefused("revocation-unavailable", f"{url}: {error}") from error
    cache.set(key, (clock(), answer), timeout=max(settings.SIGNING_FAIL_CLOSED_AFTER, 1))
    return answer


def _ocsp_status(
    certificate: x509.Certificate, issuer: x509.Certificate, url: str
) -> tuple[bytes, ocsp.OCSPCertStatus]:
    request = (
        ocsp.OCSPRequestBuilder()
        .add_certificate(certificate, issuer, hashes.SHA1())  # noqa: S303 - RFC 6960 CertID
        .build()
        .public_bytes(serialization.Encoding.DER)
    )
    issuer_id = issuer.fingerprint(hashes.SHA256()).hex()
    answer = _fetch(
        url,
        cache_key=f"ocsp {url} {issuer_id} {certificate.serial_number:x}",
        method="POST",
        body=request,
        content_type="application/ocsp-request",
    )
    try:
        response = ocsp.load_der_ocsp_response(answer)
    except ValueError as error:
        raise SigningRefused("revocation-unavailable", f"{url}: not an OCSP response") from error
    if response.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
        raise SigningRefused("revocation-unavailable", f"{url}: {response.response_status}")
    if response.serial_number != certificate.serial_number:
        raise SigningRefused("revocation-unavailable", f"{url}: answer for another certificate")
    return answer, response.certificate_status


def collect_revinfo(chain: Sequence[x509.Certificate], revinfo: Revinfo | None = None) -> Revinfo:
    """OCSP for the end certificate (when it names a responder), CRLs for the rest of the chain.

    Raises `certificate-revoked` when the signer's OCSP answer says so; CRL contents are left
    to the validator (`check_certificate`).
    """
    revinfo = revinfo or Revinfo()
    for position, certificate in enumerate(chain[:-1]):
        issuer = chain[position + 1]
        ocsp_urls = _aia_urls(certificate, AuthorityInformationAccessOID.OCSP)
        if position == 0 and ocsp_urls:
            answer, status = _ocsp_status(certificate, issuer, ocsp_urls[0])
            if status == ocsp.OCSPCertStatus.REVOKED:
                raise SigningRefused("certificate-revoked", certificate.subject.rfc4514_string())
            if status != ocsp.OCSPCertStatus.GOOD:
                raise SigningRefused("revocation-unavailable", "OCSP status unknown")
            revinfo.ocsps.append(answer)
            continue
        for url in _crl_urls(certificate)[:1]:
            if url not in revinfo.fetched:
                revinfo.crls.append(_fetch(url, cache_key=f"crl {url}"))
                revinfo.fetched.add(url)
    return revinfo


def validation_context(
    revinfo: Revinfo, *, extra_certs: Iterable[x509.Certificate] = ()
) -> ValidationContext:
    """A context that validates offline from `revinfo` and refuses what it cannot prove."""
    return ValidationContext(
        trust_roots=[to_asn1(root) for root in trust_roots()],
        other_certs=[to_asn1(ca) for ca in [*intermediates(), *extra_certs]],
        crls=list(revinfo.crls),
        ocsps=list(revinfo.ocsps),
        allow_fetching=False,
        revocation_mode="hard-fail",
    )


# --- The signer's certificate ----------------------------------------------------------------


def check_certificate(certificate: x509.Certificate) -> tuple[list[x509.Certificate], Revinfo]:
    """Refuse (`SigningRefused`) a certificate that may not sign now; else its chain and
    the revocation data that shows it is good."""
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
        non_repudiation = usage.content_commitment
    except x509.ExtensionNotFound:
        non_repudiation = False
    if not non_repudiation:
        raise SigningRefused("not-a-signing-certificate", certificate.subject.rfc4514_string())
    chain = build_chain(certificate)
    now = timezone.now()
    for member in chain:
        if not member.not_valid_before_utc <= now <= member.not_valid_after_utc:
            raise SigningRefused("certificate-expired", member.subject.rfc4514_string())
    revinfo = collect_revinfo(chain)
    context = validation_context(revinfo)
    validator = CertificateValidator(
        to_asn1(certificate),
        intermediate_certs=[to_asn1(ca) for ca in chain[1:-1]],
        validation_context=context,
    )
    try:
        run_sync(validator.async_validate_usage({"non_repudiation"}))  # type: ignore[no-untyped-call]
    except RevokedError as error:
        raise SigningRefused("certificate-revoked", str(error)) from error
    except InsufficientRevinfoError as error:
        raise SigningRefused("revocation-unavailable", str(error)) from error
    except (PathBuildingError, PathValidationError) as error:
        raise SigningRefused("certificate-untrusted", str(error)) from error
    return chain, revinfo
