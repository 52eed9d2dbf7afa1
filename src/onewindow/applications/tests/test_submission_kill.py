"""Submitting is all or nothing, even when the process dies half-way, and a repeated or
concurrent submit makes one application. These need a database that other processes and
threads share: they run on PostgreSQL (DATABASE_URL=postgres://…)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from django.db import connection, connections

import pytest
from django_tasks_db.models import DBTaskResult

from onewindow.applications.models import Application, Draft, ReferenceCounter, StatusChange
from onewindow.applications.services import PAUSE_ENV, application_submit
from onewindow.catalog.models import Agency
from onewindow.identity.models import Account

from .journey_helpers import make_citizen, make_draft, make_service

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs a database shared between processes"
    ),
]
ROOT = Path(__file__).resolve().parents[4]
SUBMIT = """
import django
django.setup()
from onewindow.applications.models import Draft
from onewindow.applications.services import application_submit
draft = Draft.objects.select_related("owner").get(pk="{pk}")
application = application_submit(draft, submitted_by=draft.owner)
print(application.reference)
"""


def make_ready_draft() -> Draft:
    agency = Agency.objects.create(code="psda", name_ka="სააგენტო", name_en="Agency")
    return make_draft(make_citizen("nino", "01001012345"), make_service(agency))


def run_submit(draft: Draft, pause_at: str | None) -> subprocess.Popen[str]:
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "onewindow.config.settings"}
    env["PYTHONPATH"] = f"{ROOT / 'src'}{os.pathsep}{ROOT}"
    env.pop(PAUSE_ENV, None)
    if pause_at:
        env[PAUSE_ENV] = pause_at
    return subprocess.Popen(
        [sys.executable, "-c", SUBMIT.format(pk=draft.pk)],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def kill_when_paused(process: subprocess.Popen[str], step: str) -> None:
    assert process.stderr is not None
    for line in process.stderr:
        if line.strip() == f"paused at {step}":
            break
    else:
        pytest.fail(f"the submit never reached {step}: exit {process.wait()}")
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


@pytest.mark.parametrize("step", ["validated", "created", "enqueued"])
def test_a_submit_killed_half_way_leaves_nothing_and_can_be_repeated(step: str) -> None:
    draft = make_ready_draft()
    kill_when_paused(run_submit(draft, step), step)

    assert Application.objects.count() == 0
    assert StatusChange.objects.count() == 0
    assert DBTaskResult.objects.count() == 0
    assert not ReferenceCounter.objects.filter(last__gt=0).exists()
    assert Draft.objects.filter(pk=draft.pk).exists()

    again = run_submit(draft, None)
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    application = Application.objects.get()
    assert out.strip() == application.reference.strip()
    assert application.reference.endswith("-0000001")  # the killed attempt used no number
    assert DBTaskResult.objects.count() == 2
    assert not Draft.objects.filter(pk=draft.pk).exists()
    # And once more: the same application, nothing new.
    assert application_submit(draft, submitted_by=draft.owner).pk == application.pk
    assert Application.objects.count() == 1


def test_a_submit_that_finishes_leaves_the_application_and_its_jobs() -> None:
    draft = make_ready_draft()
    process = run_submit(draft, None)
    _out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    application = Application.objects.get()
    assert StatusChange.objects.filter(application=application).count() == 1
    assert DBTaskResult.objects.count() == 2


def test_two_submits_at_once_make_one_application() -> None:
    draft = make_ready_draft()
    owner = Account.objects.get(pk=draft.owner_id)
    start = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            start.wait(timeout=10)
            results.append(application_submit(draft, submitted_by=owner).pk)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(results) == 2 and results[0] == results[1]
    assert Application.objects.count() == 1
    assert DBTaskResult.objects.count() == 2
    assert ReferenceCounter.objects.get().last == 1
