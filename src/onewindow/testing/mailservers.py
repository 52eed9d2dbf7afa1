"""The real outside systems the portal's messages go to, for tests: an SMTP server
(aiosmtpd) and an HTTP SMS provider implementing identity/sms.py's API.

Use the fixtures by importing them into a test module or a conftest:

    from onewindow.testing.mailservers import Mailbox, SmsGateway, mailbox, sms_gateway

`mailbox` points Django's e-mail at the server and collects what arrives (`refuse`
makes it answer 451, a temporary failure); `sms_gateway` points SMS_PROVIDER_URL at the
provider and collects the messages (`fail` makes it answer 503).
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller

__all__ = ["Mailbox", "SmsGateway", "mailbox", "sms_gateway"]


class Mailbox:
    """What the SMTP server received, as parsed messages."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.refuse = False

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "451 Requested action aborted: try again later"
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def mailbox(settings: Any) -> Iterator[Mailbox]:
    box = Mailbox()
    port = _free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    yield box
    controller.stop()


class SmsGateway(ThreadingHTTPServer):
    """The SMS provider: `messages` are the JSON bodies it accepted."""

    messages: list[dict[str, str]]
    fail: bool


class _SmsHandler(BaseHTTPRequestHandler):
    server: SmsGateway

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        ok = self.path == "/messages" and not self.server.fail
        if ok:
            self.server.messages.append(body)
        self.send_response(201 if ok else 503)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"id": str(len(self.server.messages))}).encode())

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def sms_gateway(settings: Any) -> Iterator[SmsGateway]:
    server = SmsGateway(("127.0.0.1", 0), _SmsHandler)
    server.messages, server.fail = [], False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_PROVIDER_URL = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()
