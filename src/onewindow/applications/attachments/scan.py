"""The malware-scan hook for uploaded files: `scan(file) -> ScanResult`.

The scanner is a dotted path in `ATTACHMENT_SCANNER` (default: `clamd_scan`). `clamd_scan`
speaks ClamAV's INSTREAM protocol to clamd over a Unix or TCP socket (stdlib only) when one
is configured in `ATTACHMENT_CLAMD_SOCKET` ("unix:///run/clamav/clamd.ctl",
"tcp://127.0.0.1:3310"; empty: no scanning) or, when that setting is absent, present at
the usual Debian path; otherwise the file is "not-scanned". A configured scanner that
cannot answer is an error: the upload is refused rather than kept unscanned.
"""

from __future__ import annotations

import os
import socket
import struct
from dataclasses import dataclass
from typing import IO, Final, Protocol
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_CLAMD_SOCKETS: Final = ("/run/clamav/clamd.ctl", "/var/run/clamav/clamd.ctl")
CHUNK: Final = 64 * 1024


@dataclass(frozen=True)
class ScanResult:
    # One of Attachment.Scan's values: "clean", "infected", "not-scanned".
    verdict: str
    # What the scanner found ("Eicar-Test-Signature"), for the logs.
    signature: str = ""

    @property
    def infected(self) -> bool:
        return self.verdict == "infected"


class ScanError(Exception):
    """The scanner is configured but could not give a verdict."""


class Scanner(Protocol):
    def __call__(self, file: IO[bytes]) -> ScanResult: ...


def scan(file: IO[bytes]) -> ScanResult:
    scanner: Scanner = import_string(
        getattr(
            settings,
            "ATTACHMENT_SCANNER",
            "onewindow.applications.attachments.scan.clamd_scan",
        )
    )
    try:
        return scanner(file)
    finally:
        file.seek(0)


def clamd_address() -> str:
    configured = getattr(settings, "ATTACHMENT_CLAMD_SOCKET", None)
    if configured is not None:
        return str(configured)
    for path in DEFAULT_CLAMD_SOCKETS:
        if os.path.exists(path):
            return f"unix://{path}"
    return ""


def clamd_scan(file: IO[bytes]) -> ScanResult:
    address = clamd_address()
    if not address:
        return ScanResult("not-scanned")
    timeout = float(getattr(settings, "ATTACHMENT_CLAMD_TIMEOUT_SECONDS", 30.0))
    return instream(address, file, timeout=timeout)


def _connect(address: str, timeout: float) -> socket.socket:
    parts = urlsplit(address)
    try:
        if parts.scheme == "unix":
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            sock.connect(parts.path)
            return sock
        if parts.scheme == "tcp" and parts.hostname and parts.port:
            return socket.create_connection((parts.hostname, parts.port), timeout=timeout)
    except OSError as error:
        raise ScanError(f"clamd at {address} is unreachable: {error}") from error
    raise ScanError(f"clamd address not understood: {address!r} (unix://path or tcp://host:port)")


def instream(address: str, file: IO[bytes], *, timeout: float = 30.0) -> ScanResult:
    """Send the file to clamd with `zINSTREAM` (length-prefixed chunks, a zero length to
    end) and read its one answer: `stream: OK`, `stream: <name> FOUND`, or `... ERROR`."""
    file.seek(0)
    with _connect(address, timeout) as sock:
        try:
            sock.sendall(b"zINSTREAM\0")
            while chunk := file.read(CHUNK):
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                data = sock.recv(4096)
                if not data:
                    break
                reply += data
        except OSError as error:
            raise ScanError(f"clamd at {address} failed: {error}") from error
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    _stream, _sep, verdict = answer.partition(": ")
    if verdict == "OK":
        return ScanResult("clean")
    if verdict.endswith(" FOUND"):
        return ScanResult("infected", verdict.removesuffix(" FOUND"))
    raise ScanError(f"clamd answered {answer!r}")
