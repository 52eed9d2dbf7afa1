"""The applications room's reads, its public interface for other rooms. Everything here
answers only with what the account may see: another person's draft or application is
"not found" (404), never "forbidden"."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from .models import Application, Draft


def drafts_of(account: Any) -> QuerySet[Draft]:
    """The person's drafts, last saved first (with the service, for lists)."""
    return Draft.objects.filter(owner=account).select_related("service").order_by("-updated_at")


def draft_for(account: Any, pk: uuid.UUID | str) -> Draft:
    """The person's own draft, or 404."""
    draft = drafts_of(account).select_related("service__provider").filter(pk=pk).first()
    if draft is None:
        raise Http404
    return draft


def applications_of(account: Any) -> QuerySet[Application]:
    """The person's applications, newest first."""
    return Application.objects.filter(applicant=account).select_related("service", "agency")


def application_for(account: Any, pk: int) -> Application:
    """The person's own application, or 404."""
    application = applications_of(account).filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


def application_by_reference(account: Any, reference: str) -> Application:
    """The person's own application by its reference number, or 404."""
    application = applications_of(account).filter(reference=reference).first()
    if application is None:
        raise Http404
    return application


def application_by_key(account: Any, submission_key: str) -> Application:
    """The person's own application made from the draft with this submission key, or 404."""
    try:
        key = uuid.UUID(submission_key)
    except ValueError:
        raise Http404 from None
    application = applications_of(account).filter(submission_key=key).first()
    if application is None:
        raise Http404
    return application
