"""Enqueue the scheduled jobs whose time has come, each period once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

import structlog

from .jobs import SCHEDULE, DailyJob
from .models import ScheduledRun

log = structlog.get_logger(__name__)


def schedule_run_due(
    now: dt.datetime, *, schedule: Iterable[DailyJob] = SCHEDULE
) -> list[ScheduledRun]:
    """Claim and enqueue every job whose current period has no run yet; returns the runs
    this call made (empty when another scheduler, or an earlier run of this one, made
    them). The claim row and the job row commit together or not at all."""
    made = []
    for job in schedule:
        period = job.period_key(now)
        if ScheduledRun.objects.filter(job=job.name, period=period).exists():
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=job.name, period=period)
                result = import_string(job.task).enqueue()
                run.task_result_id = str(result.id)
                run.save(update_fields=["task_result_id"])
        except IntegrityError:
            # Another scheduler claimed the period between our check and our insert.
            continue
        log.info("schedule.enqueued", job=job.name, period=period, task=run.task_result_id)
        made.append(run)
    return made
