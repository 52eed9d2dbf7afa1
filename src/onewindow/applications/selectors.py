"""The applications room's reads, its public interface for other rooms. Everything here
answers only with what the account may see: another person's draft or application is
"not found" (404), never "forbidden"."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from onewindow.mydata.selectors import agency_names

from .forms import engine
from .forms.engine import SummaryRow
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


def answers_summary(
    application: Application | Draft, lang: str, *, file_names: dict[str, str] | None = None
) -> list[SummaryRow]:
    """What was answered (and what the registries gave), labelled as the form asks it and
    with values in words — for "check your answers", the PDF and the back-office's case
    page, which must never show raw field names, codes or attachment ids. `file_names`
    (attachment id → name) defaults to the record's own attachments (one query)."""
    from .drafts import form_of  # drafts imports this module's neighbours; keep it lazy

    schema = form_of(application.service)
    if schema is None:  # the service's form is gone: what was kept, as it was kept
        return _raw_rows(application)
    if file_names is None:
        pairs = application.attachments.values_list("id", "name")
        file_names = {str(pk): name for pk, name in pairs}
    rows = engine.summary(
        schema, application.answers, application.prefilled, lang, file_names=file_names
    )
    return named_sources(rows)


def named_sources(rows: list[SummaryRow]) -> list[SummaryRow]:
    """The registry a fact came from, by the agency's name in the page's language rather
    than the exchange's code ("public-registry")."""
    names = agency_names()
    return [replace(row, source=names.get(row.source, row.source)) if row.source else row
            for row in rows]  # fmt: skip


def _raw_rows(application: Application | Draft) -> list[SummaryRow]:
    rows = [SummaryRow("", name, name, str(value)) for name, value in application.answers.items()]
    for name, fact in (application.prefilled or {}).items():
        value = fact.get("value", fact) if isinstance(fact, dict) else fact
        source = str(fact.get("source", "")) if isinstance(fact, dict) else ""
        rows.append(SummaryRow("", name, name, str(value), source or "registry"))
    return named_sources(rows)


def draft_ready_to_send(draft: Draft) -> bool:
    """Every visible page is answered and the form's rules hold: what "check your
    answers" would let the person send (the signing step signs only such a draft)."""
    from django.utils import timezone

    from .drafts import form_of, page_after

    schema = form_of(draft.service)
    if schema is None or page_after(schema, draft, None) is not None:
        return False
    broken = engine.check_rules(schema, draft.answers, timezone.localdate(), "en", draft.prefilled)
    return not broken
