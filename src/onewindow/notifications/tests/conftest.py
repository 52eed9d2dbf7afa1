"""The notifications tests' people, an application, and the real outside systems: an
SMTP server (aiosmtpd) and an HTTP SMS provider implementing identity/sms.py's API."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from django.utils import timezone

import pytest
from aiosmtpd.controller import Controller
from tests.sandbox_process import free_port

from onewindow.applications.models import Application, StatusChange
from onewindow.catalog.models import Agency, Service
from onewindow.identity.models import Account
from onewindow.identity.tests.conftest import giorgi, nino

__all__ = ["giorgi", "nino"]


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.refuse = False

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "451 Requested action aborted: try again later"
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def mailbox(settings: Any) -> Iterator[Mailbox]:
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    yield box
    controller.stop()


class SmsGateway(ThreadingHTTPServer):
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


@pytest.fixture
def confirmed_nino(nino: Account) -> Account:
    nino.email_confirmed_at = timezone.now()
    nino.mobile, nino.mobile_confirmed_at = "+995555123456", timezone.now()
    nino.save()
    return nino


@pytest.fixture
def agency(db: None) -> Agency:
    return Agency.objects.create(
        code="civil-registry", name_ka="სამოქალაქო რეესტრის სააგენტო",
        name_en="Public Service Development Agency", short_name_ka="რეესტრი",
        short_name_en="Civil Registry",
    )  # fmt: skip


@pytest.fixture
def service(agency: Agency) -> Service:
    return Service.objects.create(
        code="birth-certificate", title_ka="დაბადების მოწმობის ასლი",
        title_en="Copy of a birth certificate", summary_ka="ს", summary_en="s",
        description_ka="ს", description_en="s", kind=Service.Kind.FUNCTIONAL,
        audience=Service.Audience.PERSON, provider=agency,
    )  # fmt: skip


def make_application(
    applicant: Account, service: Service, *, language: str = "en", number: int = 123
) -> Application:
    return Application.objects.create(
        reference=f"OW-2026-{number:07d}", kind=Application.Kind.APPLICATION,
        applicant=applicant, service=service, agency=service.provider, language=language,
        subject=service.title_ka if language == "ka" else service.title_en,
        submission_key=f"00000000-0000-4000-8000-{number:012d}",
        submitted_at=timezone.now(), due_on=date(2026, 12, 7),
    )  # fmt: skip


@pytest.fixture
def application(confirmed_nino: Account, service: Service) -> Application:
    return make_application(confirmed_nino, service)


def change_to(application: Application, to_status: str, note: str = "") -> StatusChange:
    """What applications.services.status_change() writes (that room's code is elsewhere)."""
    change = StatusChange.objects.create(
        application=application, from_status=application.status, to_status=to_status, note=note
    )
    application.status = to_status
    application.save(update_fields=["status"])
    return change


def later(minutes: int) -> Any:
    return timezone.now() + timedelta(minutes=minutes)
