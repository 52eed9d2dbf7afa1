"""Notifications: the public interface other rooms call (docs/applications.md).

`notify()` writes the inbox entry and enqueues its e-mail and SMS jobs in the caller's
transaction (they commit or vanish with it); `notify_status_change()` is what
`applications.services.status_change()` calls. The jobs call `deliver()`.

Delivery is at-least-once: a job sends, then marks `emailed_at`/`texted_at` in the same
transaction that holds the notification's row lock. A second job for a sent channel does
nothing; but if the worker dies after the SMTP server or the SMS provider accepted the
message and before that commit, a re-run sends it again (a duplicate is better than a
lost notice about a citizen's case). E-mails carry a Message-ID derived from the
notification, so mail programs can hide such a duplicate. (django-tasks-db leaves a job
whose worker died as RUNNING; it is not re-run by itself: re-enqueue `deliver_email` /
`deliver_sms` for such notices, which is safe for those already marked sent.) The row
lock is held while sending, at most EMAIL_TIMEOUT / the SMS client's 5 s.
"""

from __future__ import annotations

import hashlib
import smtplib
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from onewindow.identity.models import Account
from onewindow.identity.sms import SmsNotSent, provider

from .messages import Event, absolute, application_url, first_url, render_message
from .models import ChannelPreference, Notification

__all__ = [
    "Event",
    "channel_preference_set",
    "notification_mark_read",
    "notifications_mark_all_read",
    "notify",
    "notify_status_change",
]

# Attempts per channel, and the wait before each retry.
MAX_ATTEMPTS = 4
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30))

# The status an application enters → what the applicant is told (in-progress: nothing).
STATUS_EVENTS = {
    "submitted": Event.APPLICATION_SUBMITTED,
    "received": Event.APPLICATION_RECEIVED,
    "information-requested": Event.INFORMATION_REQUESTED,
    "answered": Event.APPLICATION_ANSWERED,
    "closed": Event.APPLICATION_CLOSED,
}


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"


def channels_for(account: Account) -> set[Channel]:
    """The channels (besides the inbox) to use for this person now: what they chose
    (default: e-mail on, SMS off), and only to a confirmed address or number."""
    try:
        preference: ChannelPreference | None = account.channel_preference
    except ChannelPreference.DoesNotExist:
        preference = None
    chosen = {Channel.EMAIL} if preference is None else set()
    if preference is not None and preference.email:
        chosen.add(Channel.EMAIL)
    if preference is not None and preference.sms:
        chosen.add(Channel.SMS)
    if not (account.email and account.email_confirmed_at):
        chosen.discard(Channel.EMAIL)
    if not (account.mobile and account.mobile_confirmed_at):
        chosen.discard(Channel.SMS)
    return chosen


def _language(recipient: Account, application: Any, context: dict[str, Any]) -> str:
    """The language the recipient used for the application (or the draft, or the
    caller's `context["language"]` for the recipient), else ka."""
    if context.get("language") in ("ka", "en"):
        return str(context["language"])
    for source in (application, context.get("draft")):
        owner = getattr(source, "applicant_id", None) or getattr(source, "owner_id", None)
        if source is not None and owner == recipient.pk and source.language in ("ka", "en"):
            return str(source.language)
    return "ka"


def _discriminator(context: dict[str, Any]) -> str:
    """What tells this notice from an earlier one of the same event about the same
    object: the status change, message or draft it is about, or the caller's `key`."""
    for name in ("change", "message", "draft"):
        if (instance := context.get(name)) is not None:
            return f"{name}-{instance.pk}"
        if (pk := context.get(f"{name}_id")) is not None:
            return f"{name}-{pk}"
    return str(context.get("key", ""))


def dedupe_key(recipient: Account, event: str, application: Any, context: dict[str, Any]) -> str:
    key = f"{event}:{getattr(application, 'pk', '-')}:{recipient.pk}:{_discriminator(context)}"
    if len(key) > 120:
        key = f"{event}:{hashlib.sha256(key.encode()).hexdigest()}"
    return key


def _name(recipient: Account, language: str) -> str:
    if language == "ka" and recipient.first_name_ka:
        return str(recipient.first_name_ka)
    return str(recipient.first_name or recipient.first_name_ka or "")


def _agency_name(agency: Any, language: str) -> str:
    if agency is None:
        return ""
    if language == "ka":
        return str(agency.short_name_ka or agency.name_ka)
    return str(agency.short_name_en or agency.name_en)


def _message_context(
    recipient: Account, event: str, application: Any, language: str, context: dict[str, Any]
) -> dict[str, Any]:
    """Everything the templates use (call inside `translation.override(language)`)."""
    draft = context.get("draft")
    if event == Event.CASE_ESCALATED:
        path = application_url(application, staff=True)
    elif application is not None:
        path = application_url(application)
    elif draft is not None:
        path = first_url(("applications:drafts", ()))
    else:
        path = first_url()
    service = getattr(draft, "service", None) if draft is not None else None
    service_title = context.get("service_title") or (
        getattr(service, f"title_{language}", "") if service else ""
    )
    if isinstance(service_title, dict):  # {"ka": …, "en": …}
        service_title = service_title.get(language) or next(iter(service_title.values()), "")
    expires_at = context.get("expires_at") or getattr(draft, "expires_at", None)
    if isinstance(expires_at, str):
        expires_at = datetime.fromisoformat(expires_at)
    return {
        **context,
        "recipient": recipient,
        "name": _name(recipient, language),
        "application": application,
        "reference": getattr(application, "reference", ""),
        "agency_name": _agency_name(getattr(application, "agency", None), language),
        "service_title": service_title,
        "expires_at": expires_at,
        "portal": settings.PORTAL_NAME.get(language, settings.PORTAL_NAME["en"]),
        "link": context.get("link") or absolute(path),
        "preferences_link": absolute(first_url(("notifications:preferences", ()))),
    }


def notify(
    recipient: Account,
    *,
    event: str,
    application: Any = None,
    context: dict[str, Any],
) -> Notification:
    """Put a notice in the recipient's inbox, written from the event's templates in their
    language, and enqueue its e-mail/SMS as they chose. Idempotent: the same event about
    the same object for the same person makes one notice and one set of jobs; the object
    is `context["change"]`, `["message"]` or `["draft"]` (or `["change_id"]`,
    `["message_id"]`, `["draft_id"]`), else the caller's `["key"]`. Call it inside the
    transaction that makes the change: the jobs' rows commit with it.

    The context the templates use, by event: status events: `change`, `note`,
    `outcome`; `agency-message`: `message`; `draft-expiring`: `draft` (a Draft), or
    `draft_id`, `service_title` (str or {"ka", "en"}), `expires_at` (datetime or ISO)
    and `language`; `case-escalated`: `key`. `link` overrides the page linked to."""
    from .tasks import deliver_email, deliver_sms

    key = dedupe_key(recipient, event, application, context)
    existing = Notification.objects.filter(dedupe_key=key).first()
    if existing is not None:
        return existing
    language = _language(recipient, application, context)
    with translation.override(language):
        rendered = render_message(
            event, language, _message_context(recipient, event, application, language, context)
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=recipient,
                    event=event,
                    application=application,
                    language=language,
                    subject=rendered.subject,
                    body=rendered.body,
                    dedupe_key=key,
                )
        except IntegrityError:  # made meanwhile by a concurrent call
            return Notification.objects.get(dedupe_key=key)
        channels = channels_for(recipient)
        if Channel.EMAIL in channels:
            deliver_email.enqueue(notification.pk)
        if Channel.SMS in channels:
            deliver_sms.enqueue(notification.pk, text=rendered.sms)
    return notification


def notify_status_change(application: Any, change: Any) -> Notification | None:
    """Tell the applicant about a status change (inbox, and e-mail/SMS as they chose).
    Changes the citizen is not told about (to in-progress) return None."""
    event = STATUS_EVENTS.get(change.to_status)
    if event is None:
        return None
    return notify(
        application.applicant,
        event=event,
        application=application,
        context={"change": change, "note": change.note, "outcome": application.outcome},
    )


# --- The inbox and the person's choices -------------------------------------------------


def notification_mark_read(*, account: Account, notification_id: int) -> Notification:
    """Mark one of the person's own notices read (someone else's: DoesNotExist)."""
    notification = Notification.objects.get(pk=notification_id, recipient=account)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, account: Account) -> int:
    return Notification.objects.filter(recipient=account, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def channel_preference_set(*, account: Account, email: bool, sms: bool) -> ChannelPreference:
    preference, _ = ChannelPreference.objects.update_or_create(
        account=account, defaults={"email": email, "sms": sms}
    )
    return preference


# --- Delivery (called by the jobs in tasks.py) ------------------------------------------


def _send_email(notification: Notification) -> None:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "onewindow.example"
    message = EmailMessage(
        notification.subject,
        notification.body,
        None,
        [notification.recipient.email],
        headers={"Message-ID": f"<notification-{notification.pk}@{domain}>"},
    )
    message.send()


def deliver(channel: Channel, notification_id: int, *, attempt: int, text: str = "") -> str:
    """Send one notice by one channel (once); on failure enqueue the next attempt, and
    after the last record `delivery_error`. Returns what happened (the job's result)."""
    from .tasks import deliver_email, deliver_sms

    sent_field = "emailed_at" if channel == Channel.EMAIL else "texted_at"
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None:
            return "gone"
        if getattr(notification, sent_field) is not None:
            return "already-sent"
        recipient = notification.recipient
        try:
            if channel == Channel.EMAIL:
                if not (recipient.email and recipient.email_confirmed_at):
                    return "no-address"
                _send_email(notification)
            else:
                if not (recipient.mobile and recipient.mobile_confirmed_at):
                    return "no-address"
                provider().send(recipient.mobile, text or notification.subject)
        except (smtplib.SMTPException, OSError, SmsNotSent) as error:
            failure = f"{type(error).__name__}: {error}"
        else:
            setattr(notification, sent_field, timezone.now())
            notification.save(update_fields=[sent_field])
            return "sent"
        if attempt < MAX_ATTEMPTS:
            run_after = timezone.now() + RETRY_DELAYS[min(attempt, len(RETRY_DELAYS)) - 1]
            if channel == Channel.EMAIL:
                deliver_email.using(run_after=run_after).enqueue(
                    notification_id, attempt=attempt + 1
                )
            else:
                deliver_sms.using(run_after=run_after).enqueue(
                    notification_id, text=text, attempt=attempt + 1
                )
            return "retry"
        label = "e-mail" if channel == Channel.EMAIL else "SMS"
        problem = f"{label}: {failure}"
        if notification.delivery_error:
            problem = f"{notification.delivery_error}; {problem}"
        notification.delivery_error = problem[:200]
        notification.save(update_fields=["delivery_error"])
        return "failed"
