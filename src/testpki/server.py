"""The test PKI's HTTP server: OCSP of the ID-card and seal CAs, fresh CRLs, CA certificates, TSA.

Standard library only (ThreadingHTTPServer), so that it starts in well under a second.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
import signal
import socket
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Final
from urllib.parse import unquote

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes

from . import layout
from .crl import Revocation, build_crl
from .model import Seal, TestPki, load, load_agency_seals, load_certificate, load_private_key
from .ocsp import OcspResponder
from .tsa import TimeStampAuthority

MAX_BODY: Final = 64 * 1024
CRL_LIFETIME: Final = datetime.timedelta(hours=1)
CAS: Final = ("root-ca", "idcard-ca", "seal-ca")


@dataclass(frozen=True)
class _Authority:
    certificate: x509.Certificate
    key: CertificateIssuerPrivateKeyTypes
    revocations: tuple[Revocation, ...]


class PkiService:
    """Everything the server answers, built from a PKI folder once at start-up."""

    def __init__(self, pki: TestPki) -> None:
        self.pki = pki
        files = {"root-ca": pki.root_ca, "idcard-ca": pki.idcard_ca, "seal-ca": pki.seal_ca}
        issued: dict[int, Revocation | None] = {}
        for card in pki.cards:
            for certificate in (card.auth_certificate(), card.sign_certificate()):
                issued[certificate.serial_number] = (
                    Revocation(certificate.serial_number, card.revoked_at, card.revocation_reason)
                    if card.revoked_at is not None and card.revocation_reason is not None
                    else None
                )
        responder = load_certificate(pki.ocsp_responder)
        issued[responder.serial_number] = None
        self.authorities = {
            name: _Authority(
                certificate=load_certificate(path),
                key=_issuer_key(pki.key(name)),
                revocations=tuple(r for r in issued.values() if r) if name == "idcard-ca" else (),
            )
            for name, path in files.items()
        }
        self.ocsp = OcspResponder(
            issuer=self.authorities["idcard-ca"].certificate,
            responder_certificate=responder,
            responder_key=_issuer_key(pki.key("ocsp-responder")),
            issued=issued,
        )
        self.tsa = TimeStampAuthority(load_certificate(pki.tsa), _issuer_key(pki.key("tsa")))
        self._seal_lock = threading.Lock()
        self._agency_seals_stamp: tuple[int, int] | None = None
        self._seal_ocsp = self._seal_responder()

    def seal_ocsp(self) -> OcspResponder:
        """The seal CA's responder, rebuilt when `agency-seals.json` changes (seals are
        issued to agencies while the server runs)."""
        with self._seal_lock:
            if self._agency_seals_stamp != _stamp(self.pki.directory / layout.AGENCY_SEALS_JSON):
                self._seal_ocsp = self._seal_responder()
            return self._seal_ocsp

    def _seal_responder(self) -> OcspResponder:
        """Answers signed by the seal CA itself (RFC 6960 §4.2.2.2 allows the CA to sign)."""
        self._agency_seals_stamp = _stamp(self.pki.directory / layout.AGENCY_SEALS_JSON)
        seals: tuple[Seal, ...] = self.pki.seals + load_agency_seals(self.pki.directory)
        issued = {
            seal.certificate().serial_number: _seal_revocation(seal)
            for seal in seals
            if seal.cert.is_file()
        }
        authority = self.authorities["seal-ca"]
        self.authorities["seal-ca"] = _Authority(
            authority.certificate, authority.key, tuple(r for r in issued.values() if r)
        )
        return OcspResponder(
            issuer=authority.certificate,
            responder_certificate=authority.certificate,
            responder_key=authority.key,
            issued=issued,
        )

    def crl(self, ca: str, now: datetime.datetime) -> bytes:
        if ca == "seal-ca":
            self.seal_ocsp()  # the seal CA's revocations as of now
        authority = self.authorities[ca]
        this_update = now.replace(microsecond=0)
        crl = build_crl(
            issuer=authority.certificate,
            issuer_key=authority.key,
            revocations=authority.revocations,
            this_update=this_update,
            next_update=this_update + CRL_LIFETIME,
            number=time.time_ns() // 1000,  # increasing from one CRL to the next
        )
        return crl.public_bytes(serialization.Encoding.DER)

    def ca_certificate(self, ca: str) -> bytes:
        return self.authorities[ca].certificate.public_bytes(serialization.Encoding.DER)


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return status.st_mtime_ns, status.st_size


def _seal_revocation(seal: Seal) -> Revocation | None:
    if seal.status != "revoked":
        return None
    return Revocation(
        seal.certificate().serial_number,
        seal.revoked_at or seal.certificate().not_valid_before_utc,
        seal.revocation_reason or x509.ReasonFlags.key_compromise,
    )


def _issuer_key(path: Path) -> CertificateIssuerPrivateKeyTypes:
    key: Any = load_private_key(path)
    return key  # type: ignore[no-any-return]


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


class _Handler(BaseHTTPRequestHandler):
    service: PkiService  # set on the subclass made by `make_server`
    server_version = "OneWindowTestPKI/1.0"
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes: without this, Nagle + delayed ACK
        # stall every answer on a kept-alive connection by ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == layout.HEALTH_PATH:
            self._send(HTTPStatus.OK, "application/json", json.dumps({"status": "ok"}).encode())
        elif (ocsp_path := _ocsp_path(path)) is not None:
            encoded = unquote(path.removeprefix(ocsp_path + "/"))
            try:
                request = base64.b64decode(encoded, validate=True)
            except (binascii.Error, ValueError):
                request = b""
            self._ocsp(ocsp_path, request)
        elif (ca := _match(path, "/crl/", ".crl")) is not None:
            self._send(HTTPStatus.OK, "application/pkix-crl", self.service.crl(ca, _now()))
        elif (ca := _match(path, "/certs/", ".cer")) is not None:
            self._send(HTTPStatus.OK, "application/pkix-cert", self.service.ca_certificate(ca))
        else:
            self._send(HTTPStatus.NOT_FOUND, "text/plain", b"Not found.\n")

    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0]
        if path not in (layout.IDCARD_OCSP_PATH, layout.SEAL_OCSP_PATH, layout.TSA_PATH):
            self._send(HTTPStatus.NOT_FOUND, "text/plain", b"Not found.\n")
            return
        body = self._body()
        if body is None:
            return
        try:
            if path == layout.TSA_PATH:
                reply = self.service.tsa.respond(body, _now())
                self._send(HTTPStatus.OK, "application/timestamp-reply", reply)
            else:
                self._ocsp(path, body)
        except Exception:  # a bug here must show as a 500 and a traceback, not a hang-up
            sys.stderr.write(traceback.format_exc())
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, "text/plain", b"Internal error.\n")

    def _ocsp(self, ocsp_path: str, request: bytes) -> None:
        responder = (
            self.service.seal_ocsp() if ocsp_path == layout.SEAL_OCSP_PATH else self.service.ocsp
        )
        response = responder.respond(request, _now())
        self._send(HTTPStatus.OK, "application/ocsp-response", response)

    def _body(self) -> bytes | None:
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self._send(HTTPStatus.LENGTH_REQUIRED, "text/plain", b"Content-Length required.\n")
            return None
        if not 0 <= length <= MAX_BODY:
            self._send(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "text/plain", b"Too large.\n")
            self.close_connection = True
            return None
        return self.rfile.read(length)

    def _send(self, status: HTTPStatus, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        sys.stderr.write(f"testpki {self.address_string()} {format % args}\n")


def _ocsp_path(path: str) -> str | None:
    """The OCSP endpoint a `GET …/<base64>` is for."""
    for ocsp_path in (layout.IDCARD_OCSP_PATH, layout.SEAL_OCSP_PATH):
        if path.startswith(ocsp_path + "/"):
            return ocsp_path
    return None


def _match(path: str, prefix: str, suffix: str) -> str | None:
    if path.startswith(prefix) and path.endswith(suffix):
        name = path[len(prefix) : -len(suffix)]
        if name in CAS:
            return name
    return None


def make_server(directory: Path, host: str, port: int) -> ThreadingHTTPServer:
    service = PkiService(load(directory))
    handler = type("Handler", (_Handler,), {"service": service})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def serve(directory: Path, host: str, port: int) -> None:
    """Serve until SIGTERM or SIGINT."""
    server = make_server(directory, host, port)

    def stop(signum: int, frame: object) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    bound_host, bound_port = server.server_address[:2]
    sys.stderr.write(f"testpki: serving {directory} on http://{bound_host!s}:{bound_port}\n")
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
