"""Attachments' tests: a private storage folder per test, no scanner unless a test starts
one, and the people of the download matrix around one submitted application."""

from __future__ import annotations

import socketserver
import struct
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

import pytest

from onewindow.applications.models import Application, Draft
from onewindow.backoffice.models import StaffMembership
from onewindow.catalog.models import Agency, Service
from onewindow.identity.models import Account
from onewindow.identity.signals import role_signal_muted

from . import files


@pytest.fixture(autouse=True)
def attachment_settings(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "files"
    settings.ATTACHMENT_ROOT = root
    settings.ATTACHMENT_CLAMD_SOCKET = ""
    return root


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def upload(content: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def account(username: str, personal_number: str | None = None) -> Account:
    return Account.objects.create_user(
        username=username, password=None, personal_number=personal_number
    )


def agency(code: str) -> Agency:
    return Agency.objects.create(code=code, name_ka=f"უწყება {code}", name_en=f"Agency {code}")


@dataclass
class World:
    citizen: Account
    other_citizen: Account
    clerk: Account
    other_clerk: Account
    former_clerk: Account
    agency: Agency
    service: Service
    draft: Draft
    application: Application


@pytest.fixture
def world(db: None) -> World:
    home, elsewhere = agency("civil-registry-test"), agency("revenue-test")
    service = Service.objects.create(
        code="passport-test",
        title_ka="პასპორტი",
        title_en="Passport",
        summary_ka="პასპორტი",
        summary_en="Passport",
        description_ka="პასპორტი",
        description_en="Passport",
        kind=Service.Kind.FUNCTIONAL,
        audience=Service.Audience.PERSON,
        provider=home,
    )
    citizen = account("nino", "01001012345")
    clerk, other_clerk, former = account("clerk"), account("other-clerk"), account("former")
    StaffMembership.objects.create(account=clerk, agency=home, role="clerk")
    StaffMembership.objects.create(account=other_clerk, agency=elsewhere, role="clerk")
    StaffMembership.objects.create(account=former, agency=home, role="clerk", is_active=False)
    staff_role, _created = Group.objects.get_or_create(name="agency-staff")  # as create_staff
    with role_signal_muted():  # no audit entry: transactional tests flush the tables
        for member in (clerk, other_clerk, former):
            member.groups.add(staff_role)
    draft = Draft.objects.create(
        owner=citizen, service=service, expires_at=timezone.now() + timedelta(days=30)
    )
    application = Application.objects.create(
        reference="OW-2026-0000001",
        kind=Application.Kind.APPLICATION,
        applicant=citizen,
        service=service,
        agency=home,
        language="ka",
        subject="პასპორტი",
        submission_key=uuid.uuid4(),
        submitted_at=timezone.now(),
    )
    return World(
        citizen=citizen,
        other_citizen=account("giorgi", "01001054321"),
        clerk=clerk,
        other_clerk=other_clerk,
        former_clerk=former,
        agency=home,
        service=service,
        draft=draft,
        application=application,
    )


class FakeClamd(socketserver.BaseRequestHandler):
    """clamd's INSTREAM: `zINSTREAM\\0`, then chunks of <4-byte big-endian length><data>,
    a zero length to end; one answer ending in NUL."""

    received: list[bytes]
    max_stream = 1024 * 1024

    def _exactly(self, count: int) -> bytes:
        data = b""
        while len(data) < count:
            chunk = self.request.recv(count - len(data))
            if not chunk:
                raise ConnectionError("client went away")
            data += chunk
        return data

    def handle(self) -> None:
        command = self._exactly(len(b"zINSTREAM\0"))
        if command != b"zINSTREAM\0":
            self.request.sendall(b"UNKNOWN COMMAND\0")
            return
        stream = b""
        while True:
            (length,) = struct.unpack("!L", self._exactly(4))
            if length == 0:
                break
            stream += self._exactly(length)
            if len(stream) > self.max_stream:
                self.request.sendall(b"INSTREAM size limit exceeded. ERROR\0")
                return
        type(self).received.append(stream)
        if files.EICAR in stream:
            self.request.sendall(b"stream: Eicar-Test-Signature FOUND\0")
        else:
            self.request.sendall(b"stream: OK\0")


@pytest.fixture
def clamd_tcp() -> Iterator[tuple[str, type[FakeClamd]]]:
    handler = type("Handler", (FakeClamd,), {"received": []})
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def clamd_unix(tmp_path: Path) -> Iterator[tuple[str, type[FakeClamd]]]:
    handler = type("Handler", (FakeClamd,), {"received": []})
    path = tmp_path / "clamd.ctl"
    server = socketserver.ThreadingUnixStreamServer(str(path), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"unix://{path}", handler
    finally:
        server.shutdown()
        server.server_close()
