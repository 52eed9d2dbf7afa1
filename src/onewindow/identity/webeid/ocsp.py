"""Revocation check of ID-card certificates with OCSP (RFC 6960) over HTTP.

Only "good" answers are cached. Any failure to get a trustworthy answer refuses the sign-in.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import httpx
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

from .certificates import TrustedCa, parse_certificate, public_key_hash
from .errors import Reason, TokenRejected
from .signatures import load_public_key, verify_ca_signature

_CERT_ID_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha256": hashes.SHA256,
}


def _utc_now() -> datetime:
    return datetime.now(UTC)


class OcspUnavailable(TokenRejected):
    def __init__(self, detail: str) -> None:
        super().__init__(Reason.OCSP_UNAVAILABLE, detail)


class OcspChecker:
    """Ask one OCSP responder whether a certificate is revoked.

    `url`: the responder (e.g. `http://127.0.0.1:8300/ocsp/idcard-ca`). `timeout`: seconds for
    the whole exchange. `cache_seconds`: how long a "good" answer is reused (0: never).
    `responder_certs`: DER certificates of responders trusted directly (designated responders);
    otherwise the response must be signed by the issuing CA or by a certificate it issued
    with EKU OCSPSigning, included in the response. `clock` gives the real time, against
    which thisUpdate/nextUpdate are checked (not the validation's `now`). Answers: good →
    pass; revoked → `revoked`; unknown → `ocsp-unknown`; anything else → `ocsp-unavailable`.
    """

    def __init__(
        self,
        url: str,
        *,
        timeout: float,
        cache_seconds: int,
        responder_certs: Sequence[bytes] = (),
        clock: Callable[[], datetime] = _utc_now,
        cert_id_hash: str = "sha1",
        max_age: timedelta = timedelta(minutes=15),
        allowed_skew: timedelta = timedelta(minutes=1),
        cache_size: int = 10_000,
        max_response_bytes: int = 64 * 1024,
    ) -> None:
        if cert_id_hash not in _CERT_ID_HASHES:
            raise ValueError(f"cert_id_hash must be one of {sorted(_CERT_ID_HASHES)}")
        self.url = url
        self.timeout = timeout
        self.cache_seconds = cache_seconds
        self.responders = [parse_certificate(der) for der in responder_certs]
        self.clock = clock
        self.cert_id_hash = cert_id_hash
        self.max_age = max_age
        self.allowed_skew = allowed_skew
        self.cache_size = cache_size
        self.max_response_bytes = max_response_bytes
        self._cache: OrderedDict[tuple[bytes, int], datetime] = OrderedDict()
        self._lock = threading.Lock()
        # No proxies from the environment: the responder is configured explicitly.
        self._client = httpx.Client(timeout=timeout, trust_env=False, follow_redirects=False)

    def close(self) -> None:
        self._client.close()

    def clear_cache(self) -> None:
        with self._lock:
            self._cache.clear()

    def _cached(self, key: tuple[bytes, int], now: datetime) -> bool:
        with self._lock:
            expires = self._cache.get(key)
            if expires is None:
                return False
            if expires <= now:
                del self._cache[key]
                return False
            return True

    def _remember(self, key: tuple[bytes, int], now: datetime) -> None:
        if self.cache_seconds <= 0:
            return
        with self._lock:
            self._cache[key] = now + timedelta(seconds=self.cache_seconds)
            self._cache.move_to_end(key)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)

    def check(self, *, certificate: asn1_x509.Certificate, issuer: TrustedCa) -> None:
        """Return if the responder says "good"; raise TokenRejected otherwise."""
        serial = int(certificate.serial_number)
        key = (issuer.key_hash("sha256"), serial)
        if self._cached(key, self.clock()):
            return
        name_hash = issuer.name_hash(self.cert_id_hash)
        key_hash = issuer.key_hash(self.cert_id_hash)
        nonce = os.urandom(32)
        request = (
            ocsp.OCSPRequestBuilder()
            .add_certificate_by_hash(
                name_hash, key_hash, serial, _CERT_ID_HASHES[self.cert_id_hash]()
            )
            .add_extension(x509.OCSPNonce(nonce), critical=False)
            .build()
            .public_bytes(serialization.Encoding.DER)
        )
        data = self._post(request)
        single = self._verified_answer(data, issuer, name_hash, key_hash, serial, nonce)
        status = single.certificate_status
        if status is ocsp.OCSPCertStatus.REVOKED:
            when = single.revocation_time_utc
            raise TokenRejected(
                Reason.REVOKED, f"revoked on {when.isoformat() if when else 'an unknown date'}"
            )
        if status is ocsp.OCSPCertStatus.UNKNOWN:
            raise TokenRejected(Reason.OCSP_UNKNOWN, "the OCSP responder does not know it")
        self._remember(key, self.clock())

    def _post(self, request: bytes) -> bytes:
        deadline = time.monotonic() + self.timeout
        try:
            with self._client.stream(
                "POST",
                self.url,
                content=request,
                headers={
                    "Content-Type": "application/ocsp-request",
                    "Accept": "application/ocsp-response",
                },
            ) as response:
                if response.status_code != 200:
                    raise OcspUnavailable(
                        f"the OCSP responder answered HTTP {response.status_code}"
                    )
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > self.max_response_bytes:
                        raise OcspUnavailable("the OCSP response is too large")
                    if time.monotonic() > deadline:
                        raise OcspUnavailable("the OCSP responder is too slow")
        except httpx.HTTPError as exc:
            raise OcspUnavailable(f"OCSP request failed: {type(exc).__name__}: {exc}") from None
        return bytes(body)

    def _verified_answer(
        self,
        data: bytes,
        issuer: TrustedCa,
        name_hash: bytes,
        key_hash: bytes,
        serial: int,
        nonce: bytes,
    ) -> ocsp.OCSPSingleResponse:
        try:
            response = ocsp.load_der_ocsp_response(data)
        except ValueError as exc:
            raise OcspUnavailable(f"malformed OCSP response: {exc}") from None
        if response.response_status is not ocsp.OCSPResponseStatus.SUCCESSFUL:
            raise OcspUnavailable(f"OCSP response status {response.response_status.name}")
        try:
            self._check_signature(data, response, issuer)
            single = self._single_response(response, name_hash, key_hash, serial)
            self._check_nonce(response, nonce)
        except ValueError as exc:  # malformed parts, raised lazily by the parsers
            raise OcspUnavailable(f"malformed OCSP response: {exc}") from None
        self._check_times(single)
        return single

    def _signers(
        self, response: ocsp.OCSPResponse, issuer: TrustedCa
    ) -> list[asn1_x509.Certificate]:
        """Certificates allowed to sign this response, matching its responder ID."""
        now = self.clock()
        by_key = response.responder_key_hash
        by_name = response.responder_name

        def named(cert: asn1_x509.Certificate) -> bool:
            if by_key is not None:
                return public_key_hash(cert, "sha1") == by_key
            if by_name is None:
                return False
            return bool(asn1_x509.Name.load(by_name.public_bytes()) == cert.subject)

        signers = [issuer.certificate] if named(issuer.certificate) else []
        for included in response.certificates:
            cert = parse_certificate(included.public_bytes(serialization.Encoding.DER))
            eku = cert.extended_key_usage_value
            if (
                named(cert)
                and issuer.issued(cert)
                and eku is not None
                and "ocsp_signing" in eku.native
                and cert.not_valid_before <= now <= cert.not_valid_after
            ):
                signers.append(cert)
        signers += [
            cert
            for cert in self.responders
            if named(cert) and cert.not_valid_before <= now <= cert.not_valid_after
        ]
        return signers

    def _check_signature(self, data: bytes, response: ocsp.OCSPResponse, issuer: TrustedCa) -> None:
        basic = asn1_ocsp.OCSPResponse.load(data)["response_bytes"]["response"].parsed
        algorithm = basic["signature_algorithm"]
        for signer in self._signers(response, issuer):
            key = load_public_key(signer["tbs_certificate"]["subject_public_key_info"].dump())
            if verify_ca_signature(key, algorithm, response.tbs_response_bytes, response.signature):
                return
        raise OcspUnavailable(
            "the OCSP response is not signed by the CA or an authorised responder"
        )

    def _single_response(
        self, response: ocsp.OCSPResponse, name_hash: bytes, key_hash: bytes, serial: int
    ) -> ocsp.OCSPSingleResponse:
        for single in response.responses:
            if (
                single.serial_number == serial
                and single.hash_algorithm.name == self.cert_id_hash
                and single.issuer_name_hash == name_hash
                and single.issuer_key_hash == key_hash
            ):
                return single
        raise OcspUnavailable("the OCSP response is about another certificate")

    @staticmethod
    def _check_nonce(response: ocsp.OCSPResponse, nonce: bytes) -> None:
        try:
            echoed = response.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce
        except x509.ExtensionNotFound:
            return  # responders may leave the nonce out (RFC 5019); freshness is then checked
        if echoed != nonce:
            raise OcspUnavailable("the OCSP response carries another nonce (replayed?)")

    def _check_times(self, single: ocsp.OCSPSingleResponse) -> None:
        now = self.clock()
        this_update = single.this_update_utc
        if this_update > now + self.allowed_skew:
            raise OcspUnavailable(f"OCSP thisUpdate {this_update.isoformat()} is in the future")
        if this_update < now - self.max_age:
            raise OcspUnavailable(f"OCSP thisUpdate {this_update.isoformat()} is too old")
        next_update = single.next_update_utc
        if next_update is not None and next_update < now - self.allowed_skew:
            raise OcspUnavailable(f"OCSP nextUpdate {next_update.isoformat()} has passed")
