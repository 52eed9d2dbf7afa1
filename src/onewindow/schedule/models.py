"""One row per job per period it was enqueued for: the claim that makes scheduling
idempotent across schedulers and restarts."""

from __future__ import annotations

from django.db import models


class ScheduledRun(models.Model):
    job = models.CharField(max_length=100)
    # The period the run is for, e.g. "2026-11-22" for a daily job (jobs.period_key).
    period = models.CharField(max_length=40)
    enqueued_at = models.DateTimeField(auto_now_add=True)
    # The django-tasks result id of the enqueued job, to follow it in the admin.
    task_result_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "period"], name="schedule_one_run_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.period}"
