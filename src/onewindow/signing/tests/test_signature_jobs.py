"""Uploaded signed files are checked by a background job, not in the upload request
(docs/signing.md, "Validation"): the upload records a pending check and enqueues the job in
its own transaction; the job (run here as `manage.py db_worker` runs it) validates, asking
the test PKI's OCSP responder and CRLs through a proxy that counts and slows every request."""

from __future__ import annotations

import http.server
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

import pytest
from django_tasks_db.models import DBTaskResult

from onewindow.applications import correspondence
from onewindow.applications.attachments import services as attachments
from onewindow.applications.attachments.checks import AttachmentRefused
from onewindow.applications.attachments.storage import attachment_storage
from onewindow.applications.attachments.tests.conftest import (
    attachment_settings,  # noqa: F401 - autouse: attachments in a temporary folder
    upload,
    world,  # noqa: F401 - the fixture
)
from onewindow.applications.models import Attachment
from onewindow.notifications.tests.jobs import run_jobs
from onewindow.signing.models import SignatureCheck
from testpki import TestPki

from .conftest import assert_reports_cost_no_query_each
from .test_validation import sign_b_t

pytestmark = pytest.mark.usefixtures("pki_settings")

NINO = "01001012345"
TASK_PATH = "onewindow.signing.tasks.check_signatures"
REPORT = Template("{% load signing_reports %}{% signature_report attachment %}")


@dataclass
class SlowPki:
    """An HTTP proxy in front of the test PKI's server (OCSP, CRLs): every request is
    counted and answered only after `delay` seconds, like a slow CA."""

    url: str
    delay: float
    paths: list[str] = field(default_factory=list)


@pytest.fixture
def slow_pki(settings: Any, idpki_server: Any) -> Iterator[SlowPki]:
    state = SlowPki(url="", delay=2.0)
    upstream = idpki_server.url

    class Forward(http.server.BaseHTTPRequestHandler):
        def _forward(self) -> None:
            state.paths.append(self.path)
            time.sleep(state.delay)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            request = urllib.request.Request(  # noqa: S310 - loopback test PKI
                upstream + self.path, data=body, method=self.command
            )
            if self.headers.get("Content-Type"):
                request.add_header("Content-Type", self.headers["Content-Type"])
            with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
                content = answer.read()
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.headers.get("Content-Type", ""))
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

        do_GET = do_POST = _forward

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Forward)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    settings.SIGNING_PKI_URL_REWRITES = {"http://127.0.0.1:8300": state.url}
    settings.SIGNING_NETWORK_TIMEOUT = 10.0
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def signed_pdf(idpki: TestPki, idpki_server: Any, small_pdf: bytes) -> bytes:
    """Signed with Nino's card key by pyHanko itself, B-T: timestamped, with no revocation
    data inside, so validating it asks the CA (OCSP, CRLs)."""
    return sign_b_t(idpki.card_of(NINO), idpki, idpki_server, small_pdf)


def jobs_for(attachment_pk: Any) -> list[DBTaskResult]:
    return [
        job
        for job in DBTaskResult.objects.filter(task_path=TASK_PATH).order_by("enqueued_at")
        if job.args_kwargs["args"][:1] == [str(attachment_pk)]
    ]


def shown(attachment: Attachment) -> str:
    fresh = Attachment.objects.select_related("signature_check").get(pk=attachment.pk)
    with translation.override("en"):
        return REPORT.render(Context({"attachment": fresh}))


def test_the_upload_does_not_wait_for_the_ca_and_the_job_reports(
    world: Any,  # noqa: F811 - the fixture imported above
    slow_pki: SlowPki,
    signed_pdf: bytes,
) -> None:
    started = time.monotonic()
    stored = attachments.attachment_store(
        upload(signed_pdf, "signed.pdf"), uploaded_by=world.citizen, draft=world.draft
    )
    took = time.monotonic() - started
    # Not one request to the CA, and the upload did not wait for one.
    assert slow_pki.paths == []
    assert took < slow_pki.delay, took
    check = SignatureCheck.objects.get(attachment=stored)
    assert check.status == SignatureCheck.Status.PENDING and check.checked_at is None
    [job] = jobs_for(stored.pk)
    assert job.status == "READY"  # committed with the upload: a worker will find it
    page = shown(stored)
    assert "Checking the signatures" in page and "ow-signature-report" not in page

    assert run_jobs() == 1
    assert slow_pki.paths, "validating this file must ask the CA (else the test proves nothing)"
    check.refresh_from_db()
    assert check.status == SignatureCheck.Status.DONE and check.valid
    assert check.checked_at is not None
    page = shown(stored)
    assert "Signature valid" in page and "Checking the signatures" not in page
    assert "Signed by NINO BERIDZE (personal number 01001012345)" in page


def test_a_rerun_of_the_job_changes_nothing(
    world: Any,  # noqa: F811 - the fixture imported above
    slow_pki: SlowPki,
    signed_pdf: bytes,
) -> None:
    from onewindow.signing.tasks import check_signatures

    slow_pki.delay = 0.0
    stored = attachments.attachment_store(
        upload(signed_pdf, "signed.pdf"), uploaded_by=world.citizen, draft=world.draft
    )
    assert run_jobs() == 1
    first = SignatureCheck.objects.get(attachment=stored)
    asked = len(slow_pki.paths)
    check_signatures.enqueue(str(stored.pk))  # a worker ran it twice, or it was re-enqueued
    assert run_jobs() == 1
    again = SignatureCheck.objects.get(attachment=stored)
    assert (again.status, again.valid, again.checked_at, again.report) == (
        first.status,
        first.valid,
        first.checked_at,
        first.report,
    )
    assert len(slow_pki.paths) == asked  # not validated again
    assert [job.return_value for job in jobs_for(stored.pk)] == ["done", "already-done"]


def test_a_job_for_a_file_deleted_since_does_nothing(
    world: Any,  # noqa: F811 - the fixture imported above
    slow_pki: SlowPki,
    signed_pdf: bytes,
) -> None:
    stored = attachments.attachment_store(
        upload(signed_pdf, "signed.pdf"), uploaded_by=world.citizen, draft=world.draft
    )
    pk = stored.pk  # (delete() forgets it)
    attachments.attachment_delete(attachment=stored)
    assert run_jobs() == 1
    assert [job.return_value for job in jobs_for(pk)] == ["gone"]
    assert slow_pki.paths == []


def test_a_refused_message_takes_its_signed_file_and_job_with_it(
    world: Any,  # noqa: F811 - the fixture imported above
    slow_pki: SlowPki,
    signed_pdf: bytes,
) -> None:
    """The citizen's letter has a signed PDF and a file the portal refuses: nothing of the
    letter is kept, and no job is left to check a file that does not exist."""
    with pytest.raises(AttachmentRefused):
        correspondence.message_send(
            world.application,
            author=world.citizen,
            direction="to-agency",
            body="My signed contract and a program",
            attachments=[upload(signed_pdf, "contract.pdf"), upload(b"MZ\x90\x00", "run.exe")],
        )
    assert not Attachment.objects.filter(name="contract.pdf").exists()
    assert not SignatureCheck.objects.exists()
    assert not DBTaskResult.objects.filter(task_path=TASK_PATH).exists()


def test_the_same_letter_without_the_refused_file_is_kept_with_its_job(
    world: Any,  # noqa: F811 - the fixture imported above
    slow_pki: SlowPki,
    signed_pdf: bytes,
) -> None:
    """The counterpart of the test above: it fails if the refused file was not the cause."""
    message = correspondence.message_send(
        world.application,
        author=world.citizen,
        direction="to-agency",
        body="My signed contract",
        attachments=[upload(signed_pdf, "contract.pdf")],
    )
    stored = message.attachments.get()
    assert len(jobs_for(stored.pk)) == 1
    assert SignatureCheck.objects.get(attachment=stored).status == SignatureCheck.Status.PENDING


def test_an_upload_rolled_back_leaves_no_job(
    world: Any,  # noqa: F811 - the fixture imported above
    slow_pki: SlowPki,
    signed_pdf: bytes,
) -> None:
    class Crash(Exception):
        pass

    with pytest.raises(Crash), transaction.atomic():
        attachments.attachment_store(
            upload(signed_pdf, "signed.pdf"), uploaded_by=world.citizen, draft=world.draft
        )
        assert DBTaskResult.objects.filter(task_path=TASK_PATH).count() == 1
        raise Crash
    assert not DBTaskResult.objects.filter(task_path=TASK_PATH).exists()
    assert not SignatureCheck.objects.exists()


def test_a_check_that_keeps_failing_says_so_instead_of_pending_forever(
    world: Any,  # noqa: F811 - the fixture imported above
    slow_pki: SlowPki,
    signed_pdf: bytes,
) -> None:
    """The stored file is gone from the storage (a real failure of the job): tried again
    after 1 and 10 minutes, then recorded as could not be checked."""
    slow_pki.delay = 0.0
    stored = attachments.attachment_store(
        upload(signed_pdf, "signed.pdf"), uploaded_by=world.citizen, draft=world.draft
    )
    attachment_storage().delete(str(stored.file.name))
    assert run_jobs() == 1  # the retry is not due yet
    assert SignatureCheck.objects.get(attachment=stored).status == SignatureCheck.Status.PENDING
    assert "Checking the signatures" in shown(stored)
    assert run_jobs(until=timezone.now() + timedelta(hours=1)) == 2
    check = SignatureCheck.objects.get(attachment=stored)
    assert check.status == SignatureCheck.Status.FAILED and not check.valid
    assert [job.return_value for job in jobs_for(stored.pk)] == ["retry", "retry", "failed"]
    page = shown(stored)
    assert "could not be checked" in page
    assert "Checking the signatures" not in page and "Signature valid" not in page


def test_files_without_signatures_are_finished_in_the_upload(
    world: Any,  # noqa: F811 - the fixture imported above
    slow_pki: SlowPki,
    small_pdf: bytes,
) -> None:
    """An unsigned PDF (and any file not a PDF or ASiC-E) needs no job and shows nothing."""
    from onewindow.applications.attachments.tests import files

    plain = attachments.attachment_store(
        upload(small_pdf, "plain.pdf"), uploaded_by=world.citizen, draft=world.draft
    )
    photo = attachments.attachment_store(
        upload(files.jpeg(), "photo.jpg"), uploaded_by=world.citizen, draft=world.draft
    )
    assert not SignatureCheck.objects.exists()
    assert not DBTaskResult.objects.filter(task_path=TASK_PATH).exists()
    assert shown(plain).strip() == "" and shown(photo).strip() == ""
    # A container is a signature format: always judged by the job, even this one.
    container = attachments.attachment_store(
        upload(files.asice(), "documents.asice"), uploaded_by=world.citizen, draft=world.draft
    )
    assert len(jobs_for(container.pk)) == 1
    assert "Checking the signatures" in shown(container)


def test_the_application_page_costs_the_same_queries_for_one_or_four_checked_files(
    world: Any,  # noqa: F811 - the fixture imported above
    slow_pki: SlowPki,
    signed_pdf: bytes,
    client: Any,
) -> None:
    """The citizen's application page: letters with signed files, each with its report,
    in a fixed number of queries."""
    slow_pki.delay = 0.0

    def write(count: int) -> None:
        for number in range(count):
            correspondence.message_send(
                world.application,
                author=world.citizen,
                direction="to-agency",
                body=f"Letter {number}",
                attachments=[upload(signed_pdf, f"signed-{number}-{time.monotonic_ns()}.pdf")],
            )
        assert run_jobs() == count

    client.force_login(world.citizen)
    url = reverse("applications:detail", args=[world.application.reference])
    with translation.override("en"):
        assert_reports_cost_no_query_each(client, url, write)


def test_the_case_page_shows_every_report_without_a_query_per_file(
    world: Any,  # noqa: F811 - the fixture imported above
    slow_pki: SlowPki,
    signed_pdf: bytes,
    django_assert_num_queries: Any,
) -> None:
    """The back-office's case file: the application's own files and the letters' files
    come with their checks (`backoffice.selectors.case_file`), so the reports beside them
    cost no query."""
    from onewindow.backoffice.selectors import Case, case_file

    slow_pki.delay = 0.0
    for number in range(3):
        stored = attachments.attachment_store(
            upload(signed_pdf, f"form-{number}.pdf"), uploaded_by=world.citizen, draft=world.draft
        )
        Attachment.objects.filter(pk=stored.pk).update(application=world.application, draft=None)
    for number in range(2):
        correspondence.message_send(
            world.application,
            author=world.citizen,
            direction="to-agency",
            body=f"Letter {number}",
            attachments=[upload(signed_pdf, f"letter-{number}.pdf")],
        )
    assert run_jobs() == 5
    record = case_file(Case(application=world.application, role="clerk", staff=world.clerk))
    files = [*record.attachments, *(a for m in record.messages for a in m.attachments.all())]
    assert len(files) == 7  # the letters' files are also among the case's files
    with translation.override("en"), django_assert_num_queries(0):
        pages = [REPORT.render(Context({"attachment": file})) for file in files]
    assert all("Signature valid" in page for page in pages)


def test_a_check_whose_worker_died_is_queued_again_by_the_command(
    world: Any,  # noqa: F811 - the fixture imported above
    slow_pki: SlowPki,
    signed_pdf: bytes,
) -> None:
    """django-tasks-db leaves the job of a killed worker RUNNING for ever; the command
    queues the check again, and only for files uploaded long enough ago."""
    from io import StringIO

    from django.core.management import call_command

    slow_pki.delay = 0.0
    stored = attachments.attachment_store(
        upload(signed_pdf, "signed.pdf"), uploaded_by=world.citizen, draft=world.draft
    )
    [job] = jobs_for(stored.pk)
    job.claim("killed-worker")  # claimed, then the process was killed
    assert run_jobs() == 0
    out = StringIO()
    call_command("signature_checks_requeue", stdout=out)  # uploaded just now: too soon
    assert "queued 0" in out.getvalue()
    Attachment.objects.filter(pk=stored.pk).update(
        uploaded_at=timezone.now() - timedelta(minutes=31)
    )
    call_command("signature_checks_requeue", stdout=out)
    assert "queued 1" in out.getvalue()
    assert run_jobs() == 1
    assert SignatureCheck.objects.get(attachment=stored).status == SignatureCheck.Status.DONE
    call_command("signature_checks_requeue", "--older-than", "0", stdout=out)
    assert out.getvalue().endswith("queued 0 signature check(s) again\n")
