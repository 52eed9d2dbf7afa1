"""Notifications: reads other rooms may use (the inbox, unread counts, channels)."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Case, IntegerField, QuerySet, Value, When

from onewindow.identity.models import Account

from .models import ChannelPreference, Notification

INBOX_PAGE_SIZE = 20


def notifications_of(account: Account) -> QuerySet[Notification]:
    """The person's notices, unread first, then newest first."""
    return (
        Notification.objects.filter(recipient=account)
        .select_related("application")
        .annotate(
            read_order=Case(
                When(read_at__isnull=True, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("read_order", "-created_at", "-id")
    )


def inbox_page(account: Account, number: str | int | None) -> Page[Notification]:
    return Paginator(notifications_of(account), INBOX_PAGE_SIZE).get_page(number)


def notification_of(account: Account, notification_id: int) -> Notification | None:
    return (
        Notification.objects.select_related("application")
        .filter(pk=notification_id, recipient=account)
        .first()
    )


def unread_count(account: Account) -> int:
    return Notification.objects.filter(recipient=account, read_at__isnull=True).count()


def channel_preference_of(account: Account) -> ChannelPreference | None:
    return ChannelPreference.objects.filter(account=account).first()
