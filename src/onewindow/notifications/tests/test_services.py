"""notify(): one inbox notice per event and object, written in the applicant's language,
with delivery jobs as the person chose, in the caller's transaction."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

import pytest
from django_tasks_db.models import DBTaskResult

from onewindow.applications.models import Application, Draft
from onewindow.catalog.models import Service
from onewindow.identity.models import Account
from onewindow.notifications import services
from onewindow.notifications.messages import Event, sms_limit
from onewindow.notifications.models import ChannelPreference, Notification

from .conftest import change_to, make_application

pytestmark = pytest.mark.django_db


def _jobs() -> list[str]:
    return sorted(job.task_path.rsplit(".", 1)[-1] for job in DBTaskResult.objects.all())


def test_a_status_change_notifies_once(application: Application) -> None:
    change = change_to(application, "received")
    first = services.notify_status_change(application, change)
    again = services.notify_status_change(application, change)
    assert first is not None and again is not None and first.pk == again.pk
    assert Notification.objects.count() == 1
    assert _jobs() == ["deliver_email"]  # e-mail on by default; SMS off; enqueued once
    assert first.recipient == application.applicant and first.application == application
    assert first.event == "application-received" and first.language == "en"

    # The same status again later (e.g. information requested twice) is a new notice.
    change_to(application, "in-progress")
    second = services.notify_status_change(application, change_to(application, "received"))
    assert second is not None and second.pk != first.pk


def test_in_progress_is_not_notified(application: Application) -> None:
    assert services.notify_status_change(application, change_to(application, "in-progress")) is None
    assert not Notification.objects.exists()


def test_jobs_of_a_rolled_back_transaction_vanish(application: Application) -> None:
    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        services.notify_status_change(application, change_to(application, "received"))
        assert _jobs() == ["deliver_email"]
        raise Refused
    assert not Notification.objects.exists()
    assert not DBTaskResult.objects.exists()


@pytest.mark.parametrize(
    ("email", "sms", "jobs"),
    [
        (True, False, ["deliver_email"]),
        (False, True, ["deliver_sms"]),
        (True, True, ["deliver_email", "deliver_sms"]),
        (False, False, []),
    ],
)
def test_channels_as_chosen(
    application: Application, email: bool, sms: bool, jobs: list[str]
) -> None:
    services.channel_preference_set(account=application.applicant, email=email, sms=sms)
    notification = services.notify_status_change(application, change_to(application, "closed"))
    assert _jobs() == jobs
    assert notification is not None and notification.subject  # the inbox always


def test_no_email_without_a_confirmed_address(nino: Account, service: Service) -> None:
    assert nino.email and nino.email_confirmed_at is None
    ChannelPreference.objects.create(account=nino, email=True, sms=True)  # no mobile either
    application = make_application(nino, service)
    services.notify_status_change(application, change_to(application, "received"))
    assert Notification.objects.count() == 1
    assert _jobs() == []


def test_language_is_the_applications(confirmed_nino: Account, service: Service) -> None:
    application = make_application(confirmed_nino, service, language="ka")
    notification = services.notify_status_change(application, change_to(application, "closed"))
    assert notification is not None and notification.language == "ka"
    assert notification.subject == "განცხადება OW-2026-0000123 დახურულია"
    assert "გამარჯობა, ნინო!" in notification.body
    assert "/ka/" in notification.body  # the links are the Georgian pages


def _notify_every_event(application: Application, head: Account) -> list[Notification]:
    made = []
    for status in ("submitted", "received", "information-requested"):
        note = "Please attach a copy of your passport." if status != "submitted" else ""
        made.append(
            services.notify_status_change(application, change_to(application, status, note))
        )
    for outcome in ("approved", "rejected", "answered"):
        application.outcome = outcome
        made.append(
            services.notify(
                application.applicant, event=Event.APPLICATION_ANSWERED, application=application,
                context={"outcome": outcome, "key": outcome},
            )
        )  # fmt: skip
    made.append(services.notify_status_change(application, change_to(application, "closed")))
    made.append(
        services.notify(
            application.applicant, event=Event.AGENCY_MESSAGE, application=application,
            context={"key": "message-1"},
        )
    )  # fmt: skip
    draft = Draft.objects.create(
        owner=application.applicant, service=application.service, language=application.language,
        expires_at=timezone.now() + timedelta(days=3),
    )  # fmt: skip
    made.append(
        services.notify(application.applicant, event=Event.DRAFT_EXPIRING, context={"draft": draft})
    )
    made.append(
        services.notify(head, event=Event.CASE_ESCALATED, application=application, context={})
    )
    return [notification for notification in made if notification is not None]


def test_every_event_in_english(application: Application, giorgi: Account) -> None:
    made = {n.subject: n for n in _notify_every_event(application, giorgi)}
    assert list(made) == [
        "Application OW-2026-0000123 sent to Civil Registry",
        "Civil Registry has received application OW-2026-0000123",
        "More information needed for application OW-2026-0000123",
        "Application OW-2026-0000123: approved",
        "Application OW-2026-0000123: refused",
        "Application OW-2026-0000123: answered",
        "Application OW-2026-0000123 closed",
        "New message about application OW-2026-0000123",
        f"Your unfinished application will be deleted on {made_date(3, 'j F Y')}",
        # The head's language is not known: Georgian.
        "ვადაგადაცილებული საქმე OW-2026-0000123 გადმოგეცათ",
    ]
    bodies = [n.body for n in made.values()]
    assert all(body.startswith("Hello Nino,") for body in bodies[:9])
    assert "The agency must answer by 7 December 2026." in bodies[0]
    assert "What they asked:\nPlease attach a copy of your passport." in bodies[2]
    assert "The answer explains why and how you can appeal." in bodies[4]
    assert "we do not send its text by e-mail" in bodies[7]
    assert 'for "Copy of a birth certificate"' in bodies[8]
    assert "{" not in "".join(bodies) and "  " not in "".join(bodies)


def test_every_event_in_georgian(
    confirmed_nino: Account, service: Service, giorgi: Account
) -> None:
    application = make_application(confirmed_nino, service, language="ka")
    made = _notify_every_event(application, giorgi)
    subjects = [n.subject for n in made]
    assert subjects[:8] == [
        "განცხადება OW-2026-0000123 გაიგზავნა",
        "უწყებამ მიიღო განცხადება OW-2026-0000123",
        "განცხადება OW-2026-0000123: საჭიროა დამატებითი ინფორმაცია",
        "განცხადება OW-2026-0000123: დაკმაყოფილდა",
        "განცხადება OW-2026-0000123: არ დაკმაყოფილდა",
        "განცხადება OW-2026-0000123: პასუხი გაცემულია",
        "განცხადება OW-2026-0000123 დახურულია",
        "ახალი შეტყობინება განცხადებაზე OW-2026-0000123",
    ]
    assert subjects[8] == f"დაუსრულებელი განცხადება წაიშლება {made_date(3, 'd.m.Y')}"
    assert all(n.language == "ka" for n in made)
    assert "უწყებამ უნდა გიპასუხოთ არაუგვიანეს 07.12.2026." in made[0].body
    assert "რა არის საჭირო:\nPlease attach a copy of your passport." in made[2].body
    assert "„დაბადების მოწმობის ასლი“" in made[8].body
    assert all("{" not in n.body for n in made)


def made_date(days: int, fmt: str) -> str:
    from django.utils.dateformat import format as date_format

    with __import__("django.utils.translation", fromlist=["override"]).override("en"):
        return date_format(timezone.localtime(timezone.now() + timedelta(days=days)), fmt)


@pytest.mark.parametrize("language", ["ka", "en"])
def test_every_sms_fits_one_message(
    confirmed_nino: Account, service: Service, giorgi: Account, language: str
) -> None:
    from onewindow.notifications.messages import render_message

    application = make_application(confirmed_nino, service, language=language, number=9999999)
    texts = []
    for event in Event:
        for outcome in ("approved", "rejected", "answered"):
            draft = Draft(service=service, language=language, expires_at=timezone.now())
            context = {
                "application": application, "reference": application.reference,
                "outcome": outcome, "draft": draft, "portal": "OneWindow",
                "expires_at": draft.expires_at,
                "agency_name": "Civil Registry",
            }  # fmt: skip
            texts.append(render_message(event, language, context).sms)
    for text in texts:
        assert text and len(text) <= sms_limit(text), (len(text), text)
    if language == "ka":  # Georgian letters: UCS-2, so 70 characters
        assert all(sms_limit(text) == 70 for text in texts)


def test_draft_reminder_from_plain_facts(nino: Account) -> None:
    """The drafts room's call (applications/drafts.py): facts instead of the draft."""
    expires = timezone.now() + timedelta(days=3)
    context = {
        "draft_id": "5b0c2a51-0000-4000-8000-000000000001",
        "service_title": {"ka": "დაბადების მოწმობის ასლი", "en": "Copy of a birth certificate"},
        "expires_at": expires.isoformat(),
        "language": "en",
    }
    first = services.notify(nino, event=Event.DRAFT_EXPIRING, context=context)
    again = services.notify(nino, event=Event.DRAFT_EXPIRING, context=dict(context))
    assert first.pk == again.pk and first.application is None and first.language == "en"
    assert first.subject.startswith("Your unfinished application will be deleted on ")
    assert 'for "Copy of a birth certificate"' in first.body
    georgian = services.notify(
        nino, event=Event.DRAFT_EXPIRING, context={**context, "language": "", "draft_id": "other"}
    )
    assert georgian.language == "ka" and "„დაბადების მოწმობის ასლი“" in georgian.body
