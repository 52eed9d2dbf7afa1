"""Attachments' public interface for reads: the files a person can find in "My documents"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from onewindow.applications.models import Attachment

if TYPE_CHECKING:
    from onewindow.identity.models import Account


def documents_of(account: Account, *, query: str = "") -> QuerySet[Attachment]:
    """Every file of the person's submitted applications (their own uploads and the
    agencies' letters in the thread), newest first; `query` narrows by file name or by the
    application's reference number (the page's one search box also searches the sealed
    documents: `signing.selectors.issued_documents_of`)."""
    rows = (
        Attachment.objects.filter(
            Q(application__applicant=account) | Q(message__application__applicant=account)
        )
        .exclude(scan=Attachment.Scan.INFECTED)
        .select_related(
            "application__agency",
            "message__application__agency",
            "message",
            "signature_check",  # the report beside each signed file, in the same query
        )
        .order_by("-uploaded_at", "-id")
    )
    query = " ".join(query.split())[:100]
    if query:
        rows = rows.filter(
            Q(name__icontains=query)
            | Q(application__reference__icontains=query)
            | Q(message__application__reference__icontains=query)
        )
    return rows
