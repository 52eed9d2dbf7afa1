"""Delivery jobs against a real SMTP server (aiosmtpd) and a real HTTP SMS provider:
sent once, retried on failure, and the failure recorded after the last attempt."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from onewindow.applications.models import Application
from onewindow.notifications import services
from onewindow.notifications.models import Notification
from onewindow.notifications.tasks import deliver_email, deliver_sms

from .conftest import Mailbox, SmsGateway, change_to, later
from .jobs import run_jobs

pytestmark = pytest.mark.django_db


def _received(application: Application) -> Notification:
    notification = services.notify_status_change(application, change_to(application, "received"))
    assert notification is not None
    return notification


def test_email_arrives_once(application: Application, mailbox: Mailbox) -> None:
    notification = _received(application)
    assert mailbox.messages == []  # nothing is sent before the job runs
    assert run_jobs() == 1
    (mail,) = mailbox.messages
    assert mail["To"] == "nino@example.ge"
    assert mail["Subject"] == "Civil Registry has received application OW-2026-0000123"
    assert mail["Message-ID"] == f"<notification-{notification.pk}@onewindow.example>"
    text = mail.get_payload(decode=True).decode()
    assert "It must answer by 7 December 2026." in text
    assert "http://127.0.0.1:8000/en/" in text
    notification.refresh_from_db()
    assert notification.emailed_at is not None and notification.delivery_error == ""

    # A second job for the same notice (a re-run, a duplicate) sends nothing.
    deliver_email.enqueue(notification.pk)
    assert run_jobs() == 1
    assert len(mailbox.messages) == 1
    assert DBTaskResult.objects.order_by("-enqueued_at")[0].return_value == "already-sent"


def test_sms_goes_to_the_confirmed_mobile(
    application: Application, mailbox: Mailbox, sms_gateway: SmsGateway
) -> None:
    services.channel_preference_set(account=application.applicant, email=False, sms=True)
    notification = _received(application)
    run_jobs()
    assert mailbox.messages == []
    assert sms_gateway.messages == [
        {
            "to": "+995555123456",
            "sender": "OneWindow",
            "text": "OneWindow: the agency received application OW-2026-0000123. "
            "Answer due by 07.12.2026.",
        }
    ]
    notification.refresh_from_db()
    assert notification.texted_at is not None and notification.emailed_at is None
    deliver_sms.enqueue(notification.pk, text="again")
    run_jobs()
    assert len(sms_gateway.messages) == 1


def test_a_refusing_smtp_server_is_retried_then_recorded(
    application: Application, mailbox: Mailbox
) -> None:
    mailbox.refuse = True
    notification = _received(application)
    assert run_jobs() == 1  # the first attempt; the retry waits
    assert run_jobs() == 0
    notification.refresh_from_db()
    assert notification.emailed_at is None and notification.delivery_error == ""

    assert run_jobs(until=later(120)) == services.MAX_ATTEMPTS - 1
    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert notification.delivery_error.startswith("e-mail: SMTPDataError")
    results = [job.return_value for job in DBTaskResult.objects.order_by("enqueued_at")]
    assert results == ["retry"] * (services.MAX_ATTEMPTS - 1) + ["failed"]
    assert mailbox.messages == []


def test_a_retry_that_succeeds_sends_one_email(application: Application, mailbox: Mailbox) -> None:
    mailbox.refuse = True
    notification = _received(application)
    run_jobs()
    mailbox.refuse = False
    run_jobs(until=later(2))
    assert len(mailbox.messages) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None and notification.delivery_error == ""


def test_no_smtp_server_at_all(application: Application, settings: object) -> None:
    from tests.sandbox_process import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"  # type: ignore[attr-defined]
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # type: ignore[attr-defined]
    notification = _received(application)
    run_jobs(until=later(120))
    notification.refresh_from_db()
    assert notification.delivery_error.startswith("e-mail: ConnectionRefusedError")


def test_a_failing_sms_provider_is_retried_then_recorded(
    application: Application, mailbox: Mailbox, sms_gateway: SmsGateway
) -> None:
    services.channel_preference_set(account=application.applicant, email=True, sms=True)
    sms_gateway.fail = True
    notification = _received(application)
    run_jobs(until=later(120))
    notification.refresh_from_db()
    assert len(mailbox.messages) == 1 and notification.emailed_at is not None
    assert notification.texted_at is None
    assert notification.delivery_error == "SMS: SmsNotSent: provider answered 503"


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_delivers_committed_jobs(
    application: Application, mailbox: Mailbox
) -> None:
    """What `make run` relies on: `manage.py db_worker` picks the job up once the
    transaction that made it has committed."""
    from django.core.management import call_command
    from django.db import transaction

    with transaction.atomic():  # (no StatusChange: the append-only log refuses the flush)
        notification = services.notify(
            application.applicant, event="application-closed", application=application,
            context={"key": "worker"},
        )  # fmt: skip
    call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay", verbosity=0)
    assert [mail["Subject"] for mail in mailbox.messages] == [notification.subject]
