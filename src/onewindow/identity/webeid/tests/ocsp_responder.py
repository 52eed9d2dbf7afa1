"""A real OCSP responder for the tests: stdlib HTTP server in a thread, cryptography responses."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID

from .pki import Ca, CardSpec, PrivateKey, issue_certificate, key_usage, new_key, sign_hash

Status = Literal["good", "revoked", "unknown"]


@dataclass
class Responder:
    """Issues answers signed by `signer_cert`/`signer_key` (a delegated responder by default)."""

    ca: Ca
    signer_cert: x509.Certificate
    signer_key: PrivateKey
    revoked: set[int] = field(default_factory=set)
    known: set[int] | None = None  # None: every serial is known
    this_update_offset: timedelta = timedelta(0)
    next_update: timedelta | None = timedelta(minutes=10)
    nonce: Literal["echo", "none", "wrong"] = "echo"
    include_signer_cert: bool = True
    http_status: int = 200
    body: bytes | None = None  # a fixed body instead of an OCSP response
    delay: float = 0.0
    answer_serial: int | None = None  # answer about another certificate
    requests: int = 0
    url: str = ""

    def status_of(self, serial: int) -> Status:
        if self.known is not None and serial not in self.known:
            return "unknown"
        return "revoked" if serial in self.revoked else "good"

    def answer(self, request_der: bytes) -> bytes:
        request = ocsp.load_der_ocsp_request(request_der)
        status = self.status_of(request.serial_number)
        now = datetime.now(UTC)
        this_update = now + self.this_update_offset
        cert_status = {
            "good": ocsp.OCSPCertStatus.GOOD,
            "revoked": ocsp.OCSPCertStatus.REVOKED,
            "unknown": ocsp.OCSPCertStatus.UNKNOWN,
        }[status]
        builder = ocsp.OCSPResponseBuilder().add_response_by_hash(
            issuer_name_hash=request.issuer_name_hash,
            issuer_key_hash=request.issuer_key_hash,
            serial_number=self.answer_serial or request.serial_number,
            algorithm=request.hash_algorithm,
            cert_status=cert_status,
            this_update=this_update,
            next_update=this_update + self.next_update if self.next_update else None,
            revocation_time=now - timedelta(days=1) if status == "revoked" else None,
            revocation_reason=x509.ReasonFlags.key_compromise if status == "revoked" else None,
        )
        builder = builder.responder_id(ocsp.OCSPResponderEncoding.HASH, self.signer_cert)
        if self.include_signer_cert:
            builder = builder.certificates([self.signer_cert])
        try:
            nonce = request.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce
        except x509.ExtensionNotFound:
            nonce = None
        if nonce is not None and self.nonce != "none":
            sent = nonce if self.nonce == "echo" else bytes(32)
            builder = builder.add_extension(x509.OCSPNonce(sent), critical=False)
        response = builder.sign(self.signer_key, sign_hash(self.signer_key))
        return response.public_bytes(serialization.Encoding.DER)


def responder_certificate(
    ca: Ca, *, eku: bool = True, issuer: Ca | None = None
) -> tuple[x509.Certificate, PrivateKey]:
    """A delegated OCSP signing certificate issued by `issuer` (default: the CA itself)."""
    key = new_key("ec-p256")
    now = datetime.now(UTC)  # responses are checked against the real clock
    spec = CardSpec(
        not_before=now - timedelta(days=1),
        not_after=now + timedelta(days=30),
        key_usage=key_usage(digital_signature=True),
        eku=[ExtendedKeyUsageOID.OCSP_SIGNING] if eku else [ExtendedKeyUsageOID.CLIENT_AUTH],
        policies=[],
    )
    name = x509.Name.from_rfc4514_string("CN=OneWindow Test OCSP Responder,O=OneWindow Test,C=GE")
    return issue_certificate(issuer or ca, key, spec, name=name), key


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        responder = self.server.responder  # type: ignore[attr-defined]
        responder.requests += 1
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if responder.delay:
            time.sleep(responder.delay)
        data = responder.body if responder.body is not None else responder.answer(body)
        try:
            self.send_response(responder.http_status)
            self.send_header("Content-Type", "application/ocsp-response")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the timeout test)

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet


@contextmanager
def serve(responder: Responder) -> Iterator[Responder]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.responder = responder  # type: ignore[attr-defined]
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    responder.url = f"http://127.0.0.1:{server.server_address[1]}/ocsp"
    try:
        yield responder
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
