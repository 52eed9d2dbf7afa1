"""The signing page renders the draft's PDF once per version of the draft and keeps it: the
page, its preview and `prepare` use the same stored bytes; a changed answer or file renders
again and removes the old file; deleting or expiring the draft removes it too. Rendering is
real (WeasyPrint), counted by wrapping `signed_drafts.render`. Also: signed files are
streamed to ASGI servers without Django's "synchronous iterators" warning."""

# ruff: noqa: F811 - the journey's fixtures are imported, then named as arguments
from __future__ import annotations

import asyncio
import base64
import html
import re
import subprocess
import warnings
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.http import FileResponse
from django.test import Client
from django.utils import timezone

import pytest

from onewindow.applications.drafts import draft_delete, drafts_expire
from onewindow.applications.models import Attachment, Draft
from onewindow.applications.tests.journey_helpers import (  # noqa: F401 - fixtures
    agency,
    citizen,
    make_draft,
    make_service,
)
from onewindow.catalog.models import Agency, Service
from onewindow.downloads import FileDownload
from onewindow.identity.models import Account
from onewindow.signing import signed_drafts
from onewindow.signing.models import DraftRendition, SigningSession
from testpki import TestPki

from .conftest import card_sign, certificate_der
from .test_sign_journey import attach_pdf

NINO = "01001012345"


@pytest.fixture
def draft(citizen: Account, agency: Agency) -> Draft:
    service: Service = make_service(agency, code="mortgage-registration", signature="required")
    return make_draft(citizen, service)


@pytest.fixture
def nino(client: Client, citizen: Account) -> Client:
    client.force_login(citizen)
    return client


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Every real rendering, as the ids of the files embedded in it."""
    seen: list[list[str]] = []
    real = signed_drafts.render

    def counted(draft: Draft, attachments: list[Attachment]) -> bytes:
        seen.append([str(item.pk) for item in attachments])
        return real(draft, attachments)

    monkeypatch.setattr(signed_drafts, "render", counted)
    return seen


def _preview_url(page: str) -> str:
    """The page's own link to the document (as a browser without JavaScript follows it)."""
    found = re.search(r'href="([^"]*)"[^>]*data-sign-preview', page)
    assert found, "no preview link"
    return html.unescape(found.group(1))


def _stored_files(media: Path) -> list[Path]:
    return sorted((media / "renditions").rglob("*.pdf")) if (media / "renditions").exists() else []


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _embedded(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "embedded.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdfdetach", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout


def test_the_preview_is_the_document_signed_byte_for_byte(
    nino: Client, draft: Draft, idpki: TestPki, renders: list[list[str]], pki_settings: Any
) -> None:
    plan = attach_pdf(draft, "plan.pdf", b"%PDF-1.4 plan")
    page = nino.get(f"/en/sign/draft/{draft.pk}/").content.decode()
    assert _preview_url(page) == f"/en/sign/draft/{draft.pk}/preview.pdf?attachment={plan.pk}"
    preview = nino.get(_preview_url(page)).content
    assert preview.startswith(b"%PDF-")

    card = idpki.card_of(NINO)
    prepared = nino.post(
        f"/en/sign/draft/{draft.pk}/prepare",
        {
            "certificate": base64.b64encode(certificate_der(card.sign_cert)).decode(),
            "attachments": [str(plan.pk)],
        },
        content_type="application/json",
    )
    assert prepared.status_code == 200, prepared.content
    answer = prepared.json()
    # The fingerprint the card agent's dialog shows is that of the PDF the person opened.
    assert answer["fingerprint"] == signed_drafts.fingerprint(preview)
    signature = card_sign(card, base64.b64decode(answer["hash"]), answer["hashFunction"])
    finished = nino.post(
        answer["finishUrl"],
        {"signature": base64.b64encode(signature).decode()},
        content_type="application/json",
    )
    assert finished.status_code == 200, finished.content
    signed = b"".join(nino.get(f"/en/sign/draft/{draft.pk}/signed.pdf").streaming_content)
    # The signature is an incremental update: the signed file begins with the previewed bytes.
    assert len(signed) > len(preview) and signed[: len(preview)] == preview
    assert renders == [[str(plan.pk)]]  # the page rendered it; preview and prepare read it


def test_visiting_again_renders_nothing(
    nino: Client, draft: Draft, renders: list[list[str]]
) -> None:
    plan = attach_pdf(draft, "plan.pdf", b"%PDF-1.4 plan")
    first = nino.get(f"/en/sign/draft/{draft.pk}/")
    assert first.status_code == 200 and renders == [[str(plan.pk)]]
    pages = re.search(r'data-pages="(\d+)"', first.content.decode())
    assert pages and int(pages.group(1)) >= 1

    for _ in range(2):
        assert nino.get(f"/en/sign/draft/{draft.pk}/").status_code == 200
        preview = nino.get(f"/en/sign/draft/{draft.pk}/preview.pdf", {"attachment": plan.pk})
        assert preview.content.startswith(b"%PDF-")
    assert len(renders) == 1
    assert DraftRendition.objects.filter(draft=draft).count() == 1


def test_another_choice_of_files_is_rendered_once_and_kept_beside_the_first(
    nino: Client, draft: Draft, renders: list[list[str]], tmp_path: Path
) -> None:
    plan = attach_pdf(draft, "plan.pdf", b"%PDF-1.4 plan")
    nino.get(f"/en/sign/draft/{draft.pk}/")
    without = nino.get(f"/en/sign/draft/{draft.pk}/preview.pdf").content
    with_plan = nino.get(f"/en/sign/draft/{draft.pk}/preview.pdf", {"attachment": plan.pk}).content
    again = nino.get(f"/en/sign/draft/{draft.pk}/preview.pdf").content
    assert renders == [[str(plan.pk)], []]
    assert again == without and with_plan != without
    assert "plan.pdf" in _embedded(with_plan, tmp_path)
    assert "plan.pdf" not in _embedded(without, tmp_path)


def test_a_changed_answer_renders_again_and_the_old_file_is_gone(
    nino: Client,
    draft: Draft,
    renders: list[list[str]],
    settings: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    media = Path(settings.MEDIA_ROOT)
    with django_capture_on_commit_callbacks(execute=True):
        nino.get(f"/en/sign/draft/{draft.pk}/")
    [old] = _stored_files(media)
    old_row = DraftRendition.objects.get(draft=draft)

    draft.answers = {**draft.answers, "reason": "Moving closer to the school"}
    draft.save()
    with django_capture_on_commit_callbacks(execute=True):
        nino.get(f"/en/sign/draft/{draft.pk}/")
        preview = nino.get(f"/en/sign/draft/{draft.pk}/preview.pdf").content
    assert len(renders) == 2
    assert not old.exists()
    assert not DraftRendition.objects.filter(pk=old_row.pk).exists()
    [new] = _stored_files(media)
    assert new.read_bytes() == preview
    assert "Moving closer to the school" in _text(preview, tmp_path)


def test_a_new_file_renders_again(
    nino: Client, draft: Draft, renders: list[list[str]], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        nino.get(f"/en/sign/draft/{draft.pk}/")
        plan = attach_pdf(draft, "plan.pdf", b"%PDF-1.4 plan")
        nino.get(f"/en/sign/draft/{draft.pk}/")
    assert renders == [[], [str(plan.pk)]]
    assert list(
        DraftRendition.objects.filter(draft=draft).values_list("attachment_ids", flat=True)
    ) == [[str(plan.pk)]]


def test_a_damaged_kept_file_is_not_shown_but_rendered_again(
    nino: Client, draft: Draft, renders: list[list[str]], settings: Any
) -> None:
    nino.get(f"/en/sign/draft/{draft.pk}/")
    [stored] = _stored_files(Path(settings.MEDIA_ROOT))
    stored.write_bytes(stored.read_bytes().replace(b"%PDF-", b"%PDX-", 1))
    preview = nino.get(f"/en/sign/draft/{draft.pk}/preview.pdf").content
    assert preview.startswith(b"%PDF-")
    assert len(renders) == 2


def test_deleting_or_expiring_a_draft_removes_its_rendered_and_signed_files(
    nino: Client,
    citizen: Account,
    draft: Draft,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    media = Path(settings.MEDIA_ROOT)
    other = make_draft(citizen, draft.service)
    with django_capture_on_commit_callbacks(execute=True):
        nino.get(f"/en/sign/draft/{draft.pk}/")
        nino.get(f"/en/sign/draft/{other.pk}/")
    session = SigningSession.objects.create(
        account=citizen, draft=draft, kind="person", content_sha256="0" * 64,
        state=b"", digest=b"", hash_function="SHA-256", status="signed",
        expires_at=timezone.now(),
    )  # fmt: skip
    session.signed_file.save("signed.pdf", ContentFile(b"%PDF-1.7 signed"))
    signed_path = Path(session.signed_file.path)
    assert len(_stored_files(media)) == 2 and signed_path.exists()

    with django_capture_on_commit_callbacks(execute=True):
        draft_delete(draft)
    assert len(_stored_files(media)) == 1 and not signed_path.exists()

    Draft.objects.filter(pk=other.pk).update(expires_at=timezone.now() - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert drafts_expire()[0] == 1
    assert _stored_files(media) == []
    assert not DraftRendition.objects.exists()


# --- Files streamed to an ASGI server -----------------------------------------------------


def _read_async(response: Any) -> tuple[bytes, list[str]]:
    """The body as an ASGI server reads it (`async for` over the response), and Django's
    warnings meanwhile."""

    async def read() -> bytes:
        return b"".join([part async for part in response])

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        body = asyncio.run(read())
    response.file_to_stream.close()  # (response.close() would also end a "request")
    return body, [str(item.message) for item in caught if item.category is not ResourceWarning]


def test_a_file_download_streams_to_asgi_block_by_block_without_the_warning(
    tmp_path: Path,
) -> None:
    content = bytes(range(256)) * 1000  # several blocks of FileResponse.block_size
    path = tmp_path / "signed.pdf"
    path.write_bytes(content)

    plain, plain_warnings = _read_async(FileResponse(path.open("rb")))
    assert plain == content
    assert any("synchronous iterators" in text for text in plain_warnings)  # the defect

    response = FileDownload(path.open("rb"), as_attachment=True, filename="signed.pdf")
    body, caught = _read_async(response)
    assert body == content and caught == []
    assert response["Content-Disposition"] == 'attachment; filename="signed.pdf"'


@pytest.mark.django_db(transaction=True)  # the handler's thread must see the rows
def test_the_signed_pdf_is_served_by_asgi_without_the_warning(
    client: Client, citizen: Account, draft: Draft
) -> None:
    from django.core.asgi import get_asgi_application

    signed = b"%PDF-1.7 signed " + bytes(range(256)) * 400
    session = SigningSession.objects.create(
        account=citizen, draft=draft, kind="person",
        content_sha256=signed_drafts.content_sha256(draft, []),
        state=b"", digest=b"", hash_function="SHA-256", status="signed",
        signed_at=timezone.now(), expires_at=timezone.now(),
    )  # fmt: skip
    session.signed_file.save("signed.pdf", ContentFile(signed))
    client.force_login(citizen)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": f"/en/sign/draft/{draft.pk}/signed.pdf", "raw_path": b"",
        "query_string": b"", "root_path": "", "server": ("testserver", 80),
        "client": ("127.0.0.1", 50000), "headers": [(b"host", b"testserver"), (b"cookie", cookie)],
    }  # fmt: skip
    sent: list[dict[str, Any]] = []
    requests = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive() -> dict[str, Any]:
        if requests:
            return requests.pop()
        await asyncio.Event().wait()  # the browser stays connected until the handler ends
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        asyncio.run(get_asgi_application()(scope, receive, send))
    assert sent[0]["status"] == 200
    body = b"".join(message.get("body", b"") for message in sent[1:])
    assert body == signed
    assert not [item for item in caught if "synchronous iterators" in str(item.message)]
