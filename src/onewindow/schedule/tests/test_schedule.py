"""The schedule: which period a moment belongs to, and each period enqueued once — by
one scheduler called again, by a restarted one, and by several real `run_schedule`
processes at once (on the database the tests run on: SQLite, or PostgreSQL with
DATABASE_URL=postgres://…)."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command
from django.db import connection

import pytest
from django_tasks_db.models import DBTaskResult

from onewindow.schedule.jobs import SCHEDULE, TBILISI, DailyJob
from onewindow.schedule.models import ScheduledRun
from onewindow.schedule.services import schedule_run_due

ROOT = Path(__file__).resolve().parents[4]
DRAFTS = next(job for job in SCHEDULE if job.name == "drafts-expire")
TASK_PATH = "onewindow.applications.tasks.drafts_expire"
REQUEUE = next(job for job in SCHEDULE if job.name == "signature-checks-requeue")
REQUEUE_TASK_PATH = "onewindow.signing.tasks.requeue_signature_checks"


def tbilisi(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TBILISI)


def test_drafts_expiry_is_daily_at_three_in_tbilisi() -> None:
    assert DRAFTS.task == TASK_PATH
    assert DRAFTS.at == dt.time(3, 0)


def test_stuck_signature_checks_are_requeued_daily_at_half_past_three_in_tbilisi() -> None:
    assert REQUEUE.task == REQUEUE_TASK_PATH
    assert REQUEUE.at == dt.time(3, 30)
    assert [job.name for job in SCHEDULE].count(REQUEUE.name) == 1


@pytest.mark.parametrize(
    ("moment", "period"),
    [
        (tbilisi(2026, 11, 22, 2, 59, 59), "2026-11-21"),
        (tbilisi(2026, 11, 22, 3, 0), "2026-11-22"),
        (tbilisi(2026, 11, 22, 23, 59), "2026-11-22"),
        (tbilisi(2026, 1, 1, 0, 30), "2025-12-31"),
        # The same moments in UTC (Tbilisi is UTC+4): the key is Tbilisi's day.
        (dt.datetime(2026, 11, 21, 22, 59, tzinfo=dt.UTC), "2026-11-21"),
        (dt.datetime(2026, 11, 21, 23, 0, tzinfo=dt.UTC), "2026-11-22"),
    ],
)
def test_the_period_is_the_day_of_the_latest_three_oclock(moment: dt.datetime, period: str) -> None:
    assert DRAFTS.period_key(moment) == period


def said(output: str) -> list[str]:
    """The command's own lines (the log lines go to the same stream)."""
    return sorted(line for line in output.splitlines() if line.startswith("enqueued"))


def drafts_jobs() -> int:
    return DBTaskResult.objects.filter(task_path=TASK_PATH).count()


def requeue_jobs() -> int:
    return DBTaskResult.objects.filter(task_path=REQUEUE_TASK_PATH).count()


@pytest.mark.django_db
def test_a_period_is_enqueued_once_however_often_the_scheduler_looks() -> None:
    first = schedule_run_due(tbilisi(2026, 11, 22, 3, 0, 5), schedule=[DRAFTS])
    assert [(run.job, run.period) for run in first] == [("drafts-expire", "2026-11-22")]
    assert first[0].task_result_id == str(DBTaskResult.objects.get().id)
    # A minute later, and after a restart the same afternoon: nothing new.
    assert schedule_run_due(tbilisi(2026, 11, 22, 3, 1), schedule=[DRAFTS]) == []
    assert schedule_run_due(tbilisi(2026, 11, 22, 15, 0), schedule=[DRAFTS]) == []
    # Before 03:00 the next day it is still the 22nd's period; at 03:00 the 23rd's.
    assert schedule_run_due(tbilisi(2026, 11, 23, 2, 59), schedule=[DRAFTS]) == []
    assert [
        run.period for run in schedule_run_due(tbilisi(2026, 11, 23, 3, 0), schedule=[DRAFTS])
    ] == ["2026-11-23"]
    assert drafts_jobs() == 2


@pytest.mark.django_db
def test_the_signature_checks_requeue_is_enqueued_once_a_day_from_half_past_three() -> None:
    # The schedule's first look on the 22nd (03:35): the 22nd's run, once.
    ScheduledRun.objects.create(job="signature-checks-requeue", period="2026-11-21")
    runs = schedule_run_due(tbilisi(2026, 11, 22, 3, 35))
    assert ("signature-checks-requeue", "2026-11-22") in [(run.job, run.period) for run in runs]
    assert requeue_jobs() == 1
    for moment in (tbilisi(2026, 11, 22, 3, 36), tbilisi(2026, 11, 22, 23, 0)):
        assert schedule_run_due(moment) == []
    # The 23rd: drafts at 03:00, still not the requeue; the requeue at 03:30.
    assert [run.job for run in schedule_run_due(tbilisi(2026, 11, 23, 3, 29))] == ["drafts-expire"]
    assert requeue_jobs() == 1
    runs = schedule_run_due(tbilisi(2026, 11, 23, 3, 30))
    assert [(run.job, run.period) for run in runs] == [("signature-checks-requeue", "2026-11-23")]
    assert requeue_jobs() == 2
    assert runs[0].task_result_id == str(
        DBTaskResult.objects.filter(task_path=REQUEUE_TASK_PATH).latest("enqueued_at").id
    )


@pytest.mark.django_db
def test_missed_days_run_once_on_start() -> None:
    ScheduledRun.objects.create(job="drafts-expire", period="2026-11-18")
    # The scheduler was down from the 19th to the 22nd; it starts on the 22nd at 10:00.
    runs = schedule_run_due(tbilisi(2026, 11, 22, 10, 0))
    assert sorted((run.job, run.period) for run in runs) == [
        ("drafts-expire", "2026-11-22"),
        ("signature-checks-requeue", "2026-11-22"),
    ]
    assert drafts_jobs() == 1 and requeue_jobs() == 1
    assert schedule_run_due(tbilisi(2026, 11, 22, 10, 1)) == []
    assert drafts_jobs() == 1 and requeue_jobs() == 1


@pytest.mark.django_db
def test_a_job_that_cannot_be_enqueued_leaves_no_claim() -> None:
    broken = DailyJob(name="broken", task="onewindow.schedule.tests.no_such_task", at=dt.time(3))
    with pytest.raises(ImportError):
        schedule_run_due(tbilisi(2026, 11, 22, 4, 0), schedule=[broken])
    assert not ScheduledRun.objects.filter(job="broken").exists()


@pytest.mark.django_db
def test_the_enqueued_job_expires_drafts() -> None:
    from onewindow.notifications.tests import run_jobs

    schedule_run_due(tbilisi(2026, 11, 22, 3, 0), schedule=[DRAFTS])
    assert run_jobs() == 1
    job = DBTaskResult.objects.get(task_path=TASK_PATH)
    assert job.status == "SUCCESSFUL"
    assert job.return_value == {"deleted": 0, "reminded": 0}


@pytest.mark.django_db
def test_the_command_checks_once_at_a_given_moment(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("run_schedule", "--once", "--now", "2026-11-22T03:00:00+04:00")
    call_command("run_schedule", "--once", "--now", "2026-11-22T03:10:00+04:00")
    assert said(capsys.readouterr().out) == [
        "enqueued drafts-expire for 2026-11-22",
        # Before 03:30 the requeue's latest period is the day before's (a first start).
        "enqueued signature-checks-requeue for 2026-11-21",
    ]
    assert drafts_jobs() == 1 and requeue_jobs() == 1


def _database_for_processes(tmp_path: Path) -> tuple[str, str]:
    """A database that separate processes share: the test database on PostgreSQL; on
    SQLite (whose test database lives in this process's memory) a migrated file."""
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}", ""
    path = tmp_path / "schedule.sqlite3"
    url = f"sqlite:///{path}"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"],
        cwd=ROOT, env=_env(url), check=True, timeout=120,
    )  # fmt: skip
    return url, str(path)


def _env(url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}


def _scheduler(url: str, now: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_schedule", "--once", "--now", now],
        cwd=ROOT, env=_env(url), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_schedulers_running_at_once_enqueue_a_period_once(tmp_path: Path) -> None:
    url, sqlite_path = _database_for_processes(tmp_path)
    schedulers = [_scheduler(url, "2026-11-22T03:00:30+04:00") for _ in range(4)]
    outputs = [scheduler.communicate(timeout=120) for scheduler in schedulers]
    assert [scheduler.returncode for scheduler in schedulers] == [0] * 4, outputs
    assert said("".join(out for out, _err in outputs)) == [
        "enqueued drafts-expire for 2026-11-22",
        "enqueued signature-checks-requeue for 2026-11-21",
    ]
    if sqlite_path:
        with sqlite3.connect(sqlite_path) as db:
            runs = db.execute("SELECT job, period FROM schedule_scheduledrun").fetchall()
            jobs = db.execute(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE task_path = ?",
                [TASK_PATH],
            ).fetchone()[0]
            requeues = db.execute(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE task_path = ?",
                [REQUEUE_TASK_PATH],
            ).fetchone()[0]
    else:
        runs = list(ScheduledRun.objects.values_list("job", "period"))
        jobs, requeues = drafts_jobs(), requeue_jobs()
    assert sorted(tuple(run) for run in runs) == [
        ("drafts-expire", "2026-11-22"),
        ("signature-checks-requeue", "2026-11-21"),
    ]
    assert jobs == 1 and requeues == 1
