"""What runs when: the schedule, and the period a moment belongs to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

# The portal's calendar is Georgia's, whatever the server's time zone.
TBILISI = ZoneInfo("Asia/Tbilisi")


@dataclass(frozen=True)
class DailyJob:
    """A django-tasks task (by import path) enqueued once a day at `at`, Tbilisi time."""

    name: str
    task: str
    at: dt.time

    def period_key(self, now: dt.datetime) -> str:
        """The day whose run is due at `now`: today once `at` has passed in Tbilisi,
        otherwise yesterday. Every moment of one period gives the same key, so the key
        is what a run is claimed by; after a gap of several days it is the latest day
        only, so a missed day runs once, not once per day missed."""
        local = now.astimezone(TBILISI)
        day = local.date() if local.time() >= self.at else local.date() - dt.timedelta(days=1)
        return day.isoformat()


# Overdue cases need no job: the back-office computes "overdue" from `due_on` on every
# page and the citizen escalates an overdue case themselves (applications/correspondence).
SCHEDULE: tuple[DailyJob, ...] = (
    DailyJob(
        name="drafts-expire",
        task="onewindow.applications.tasks.drafts_expire",
        at=dt.time(3, 0),
    ),
    # Signature checks left pending by a worker that died mid-check (docs/signing.md,
    # "Validation"); the same as `manage.py signature_checks_requeue`.
    DailyJob(
        name="signature-checks-requeue",
        task="onewindow.signing.tasks.requeue_signature_checks",
        at=dt.time(3, 30),
    ),
)
