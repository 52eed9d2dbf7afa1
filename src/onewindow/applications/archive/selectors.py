"""Reads of "My applications", on top of the room's selectors (`applications.selectors`,
which decide what is the person's own): the list's filters and an application's thread,
with the queries bounded whatever the size of the list."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from ..models import Application, Attachment, Message
from ..selectors import application_by_reference, applications_of

__all__ = ["application_for", "my_applications", "thread_of"]


def my_applications(account: Any, *, status: str = "", search: str = "") -> QuerySet[Application]:
    """The account's applications, newest first, filtered by status and by a search in
    the reference number and the subject."""
    applications = applications_of(account)
    if status:
        applications = applications.filter(status=status)
    if search:
        applications = applications.filter(
            Q(reference__icontains=search) | Q(subject__icontains=search)
        )
    return applications.order_by("-submitted_at", "-id")


def application_for(account: Any, reference: str) -> Application:
    """The account's own application with this reference; anything else is a 404."""
    return application_by_reference(account, reference)


def thread_of(application: Application) -> list[Message]:
    """The messages, oldest first, each with its files and their signature checks (two
    queries)."""
    files = Prefetch(
        "attachments",
        queryset=Attachment.objects.select_related("signature_check").order_by("uploaded_at", "id"),
    )
    messages = Message.objects.filter(application=application).prefetch_related(files)
    return list(messages.order_by("sent_at", "id"))
