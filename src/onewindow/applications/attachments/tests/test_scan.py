"""Our clamd client against a small clamd stand-in that speaks the real INSTREAM protocol
over TCP and a Unix socket (a protocol test of the client, not of ClamAV)."""

from __future__ import annotations

import io
import socket
from typing import Any

import pytest

from onewindow.applications.attachments import scan
from onewindow.applications.attachments.scan import ScanError

from . import files


def test_a_clean_file_is_clean_and_sent_whole(clamd_tcp: tuple[str, Any]) -> None:
    address, handler = clamd_tcp
    content = files.pdf() * 50  # several chunks
    assert len(content) > scan.CHUNK
    result = scan.instream(address, io.BytesIO(content), timeout=5)
    assert result.verdict == "clean"
    assert handler.received == [content]


def test_eicar_is_infected(clamd_tcp: tuple[str, Any]) -> None:
    address, _handler = clamd_tcp
    result = scan.instream(address, io.BytesIO(files.EICAR), timeout=5)
    assert result.infected
    assert result.signature == "Eicar-Test-Signature"


def test_the_unix_socket_works_too(clamd_unix: tuple[str, Any]) -> None:
    address, handler = clamd_unix
    assert scan.instream(address, io.BytesIO(files.EICAR), timeout=5).infected
    assert handler.received == [files.EICAR]


def test_an_error_answer_is_an_error_not_clean(clamd_tcp: tuple[str, Any]) -> None:
    address, handler = clamd_tcp
    handler.max_stream = 10
    with pytest.raises(ScanError, match="size limit"):
        scan.instream(address, io.BytesIO(files.pdf()), timeout=5)


def test_an_unreachable_clamd_is_an_error() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(ScanError, match="unreachable"):
        scan.instream(f"tcp://127.0.0.1:{port}", io.BytesIO(b"x"), timeout=2)


def test_the_hook_uses_the_configured_socket(settings: Any, clamd_tcp: tuple[str, Any]) -> None:
    address, handler = clamd_tcp
    settings.ATTACHMENT_CLAMD_SOCKET = address
    file = io.BytesIO(files.png())
    file.seek(10)
    assert scan.scan(file).verdict == "clean"
    assert handler.received == [files.png()]  # from the start, whatever the position
    assert file.tell() == 0


def test_without_a_socket_files_are_not_scanned(settings: Any) -> None:
    settings.ATTACHMENT_CLAMD_SOCKET = ""
    assert scan.scan(io.BytesIO(files.png())).verdict == "not-scanned"


def test_the_scanner_is_pluggable(settings: Any) -> None:
    settings.ATTACHMENT_SCANNER = f"{__name__}.always_infected"
    assert scan.scan(io.BytesIO(b"x")).signature == "Test"


def always_infected(file: Any) -> scan.ScanResult:
    return scan.ScanResult("infected", "Test")
