"""Stuck signature checks are queued again by the daily schedule (docs/signing.md,
"Validation"): the scheduled job does what `manage.py signature_checks_requeue` does, once
per day, and the check it queues runs."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from typing import Any

from django.utils import timezone

import pytest
from django_tasks_db.models import DBTaskResult

from onewindow.applications.attachments import services as attachments
from onewindow.applications.attachments.tests.conftest import (
    attachment_settings,  # noqa: F401 - autouse: attachments in a temporary folder
    upload,
    world,  # noqa: F401 - the fixture
)
from onewindow.applications.models import Attachment
from onewindow.notifications.tests.jobs import run_jobs
from onewindow.schedule.jobs import SCHEDULE, TBILISI
from onewindow.schedule.services import schedule_run_due
from onewindow.signing.models import SignatureCheck

REQUEUE = next(job for job in SCHEDULE if job.name == "signature-checks-requeue")
CHECK_TASK = "onewindow.signing.tasks.check_signatures"


def _pending(setting: Any, pdf: bytes, name: str, uploaded_ago: timedelta) -> Attachment:
    """A file whose check is pending (its worker died, or it is merely recent)."""
    stored = attachments.attachment_store(
        upload(pdf, name), uploaded_by=setting.citizen, draft=setting.draft
    )
    SignatureCheck.objects.create(attachment=stored, status=SignatureCheck.Status.PENDING)
    Attachment.objects.filter(pk=stored.pk).update(uploaded_at=timezone.now() - uploaded_ago)
    return stored


@pytest.mark.django_db
def test_the_daily_job_queues_again_the_checks_left_pending(
    world: Any,  # noqa: F811 - the fixture imported above
    small_pdf: bytes,
) -> None:
    stuck = _pending(world, small_pdf, "stuck.pdf", timedelta(hours=5))
    recent = _pending(world, small_pdf, "recent.pdf", timedelta(minutes=5))
    DBTaskResult.objects.all().delete()  # whatever the uploads queued: not this test's

    [run] = schedule_run_due(dt.datetime(2026, 11, 22, 3, 30, tzinfo=TBILISI), schedule=[REQUEUE])
    assert run.period == "2026-11-22"
    # The daily job, then the one check it queued (for the stuck file only), ran.
    assert run_jobs() == 2
    daily = DBTaskResult.objects.get(pk=run.task_result_id)
    assert daily.status == "SUCCESSFUL" and daily.return_value == 1
    [check] = DBTaskResult.objects.filter(task_path=CHECK_TASK)
    assert check.args_kwargs["args"] == [str(stuck.pk)]
    assert check.status == "SUCCESSFUL" and check.return_value == "unsigned"
    # The stuck file (no signature after all) is settled; the recent one is left alone.
    assert not SignatureCheck.objects.filter(attachment=stuck).exists()
    assert SignatureCheck.objects.get(attachment=recent).status == SignatureCheck.Status.PENDING
    # Later the same day the schedule queues nothing more.
    later = dt.datetime(2026, 11, 22, 18, 0, tzinfo=TBILISI)
    assert schedule_run_due(later, schedule=[REQUEUE]) == []
