"""Delivery jobs (django-tasks; `manage.py db_worker` runs them): thin wrappers around
`services.deliver()`, which sends once and schedules its own retries."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def deliver_email(notification_id: int, attempt: int = 1) -> str:
    return services.deliver(services.Channel.EMAIL, notification_id, attempt=attempt)


@task()
def deliver_sms(notification_id: int, text: str = "", attempt: int = 1) -> str:
    return services.deliver(services.Channel.SMS, notification_id, attempt=attempt, text=text)
