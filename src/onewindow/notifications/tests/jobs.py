"""Run the database backend's queued jobs synchronously, in the test's own transaction:

    from onewindow.notifications.tests.jobs import run_jobs
    run_jobs()                      # every job that is due now, until none is left
    run_jobs(until=later)           # also the retries scheduled before `later`

It runs each job as `manage.py db_worker` does (claim, call, record the result), without
the worker's connection handling, which would close the test's transaction."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult, get_date_max

__all__ = ["run_jobs"]


def run_jobs(*, until: datetime | None = None, limit: int = 100) -> int:
    """Run due jobs (also those that running jobs enqueue) and return how many ran."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    ran = 0
    while ran < limit:
        moment = until or timezone.now()
        job = (
            DBTaskResult.objects.filter(status="READY")
            .filter(Q(run_after=get_date_max()) | Q(run_after__lte=moment))
            .order_by("-priority", "run_after", "enqueued_at")
            .first()
        )
        if job is None:
            return ran
        job.claim(worker.worker_id)
        worker.run_task(job)
        ran += 1
    raise AssertionError(f"more than {limit} jobs: a job that enqueues itself forever?")
