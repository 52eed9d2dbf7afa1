"""`manage.py run_schedule`: the portal's clock, beside `manage.py db_worker`."""

from __future__ import annotations

import datetime as dt
import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from onewindow.schedule.services import schedule_run_due


class Command(BaseCommand):
    help = (
        "Every minute, enqueue the scheduled jobs whose time has come (drafts expiry daily "
        "at 03:00 Tbilisi time), each period once however many schedulers run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="check once and exit")
        parser.add_argument(
            "--now", default="", help="with --once: the moment to check for (ISO 8601)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"] and not options["once"]:
            raise CommandError("--now needs --once")
        if options["once"]:
            self._check(_moment(options["now"]) if options["now"] else timezone.now())
            return
        stopping = False

        def stop(_signum: int, _frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while not stopping:
            close_old_connections()
            self._check(timezone.now())
            # Wake at the start of the next minute (in short naps, to stop promptly).
            wake = time.time() // 60 * 60 + 60
            while not stopping and time.time() < wake:
                time.sleep(min(1.0, max(0.0, wake - time.time())))

    def _check(self, now: dt.datetime) -> None:
        for run in schedule_run_due(now):
            self.stdout.write(f"enqueued {run.job} for {run.period}")


def _moment(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--now: not an ISO 8601 moment: {text!r}") from error
    if timezone.is_naive(moment):
        raise CommandError("--now: give the time zone, e.g. 2026-11-22T03:00+04:00")
    return moment
