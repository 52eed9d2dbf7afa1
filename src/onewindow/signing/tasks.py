"""The signing room's jobs (django-tasks, database backend; `manage.py db_worker` runs
them): thin wrappers around services, enqueued inside the transaction that needs them."""

from __future__ import annotations

from django_tasks import task


@task()
def check_signatures(attachment_id: str, attempt: int = 1) -> str:
    """Validate an uploaded PDF or ASiC-E and keep its report (enqueued by the upload,
    `services.signatures_check_request`); harmless to run again. Returns what happened:
    done, unsigned, already-done, gone, retry or failed."""
    from . import services

    return services.signatures_check_run(attachment_id=attachment_id, attempt=attempt)


@task()
def requeue_signature_checks() -> int:
    """Daily (schedule/jobs.py): queue again the checks left pending by a worker that died
    mid-check (`services.signatures_check_requeue`); returns how many."""
    from . import services

    return services.signatures_check_requeue()
