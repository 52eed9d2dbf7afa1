"""Drafts: starting or resuming one, saving a page of answers through the form engine,
deleting, and the daily expiry (with one reminder three days before)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from onewindow.applications.attachments import services as attachment_services
from onewindow.applications.attachments.checks import Limits
from onewindow.applications.attachments.uploads import (
    FieldUpload,
    chosen_files,
    store_page_uploads,
)
from onewindow.catalog.models import Agency, Service
from onewindow.notifications import services as notification_services

from .acting_for import Company, asks_whom, chosen_facts
from .forms import engine, lookups
from .forms.schema import Field, FormSchema, Page, parse_form
from .models import Draft

KEEP_FOR = timedelta(days=30)
REMIND_BEFORE = timedelta(days=3)


class SubmissionRefused(Exception):
    """The draft cannot be submitted as it is (stale or tampered answers, no form)."""

    def __init__(self, message: str, *, page: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.page = page


def form_of(service: Service) -> FormSchema | None:
    """The service's form, or None when it cannot be applied for online."""
    definition = getattr(service, "form", None)
    if not definition:
        return None
    return parse_form(definition)


def visible_pages(schema: FormSchema, draft: Draft) -> list[Page]:
    return list(engine.visible_pages(schema, draft.answers, draft.prefilled))


def page_of(schema: FormSchema, draft: Draft, page_id: str) -> Page | None:
    """The visible page of that id (a hidden or unknown page is not there)."""
    return next((page for page in visible_pages(schema, draft) if page.id == page_id), None)


def page_after(schema: FormSchema, draft: Draft, page_id: str | None) -> str | None:
    """The first visible page after `page_id` not yet completed, or None: check answers.
    From the start (None), the first page not yet completed."""
    pages = visible_pages(schema, draft)
    ids = [page.id for page in pages]
    start = ids.index(page_id) + 1 if page_id in ids else 0
    for candidate in ids[start:]:
        if candidate not in draft.completed_pages:
            return candidate
    missing = [candidate for candidate in ids if candidate not in draft.completed_pages]
    return missing[0] if missing else None


def latest_draft(*, owner: Any, service: Service, acting_for: str = "") -> Draft | None:
    """The person's latest draft of this service (for the same company) still kept."""
    return (
        Draft.objects.filter(
            owner=owner, service=service, acting_for=acting_for, expires_at__gt=timezone.now()
        )
        .order_by("-updated_at")
        .first()
    )


def draft_start(
    *,
    owner: Any,
    service: Service,
    schema: FormSchema,
    language: str,
    acting_for: str = "",
    agency: Agency | None = None,
    company: Company | None = None,
) -> Draft:
    """The person's latest draft of this service (for the same company), or a new one
    with the registries' facts fetched once. `agency`: the addressee the person chose
    (letters, requests: forms with `addressee: chosen`). `company`: the company the
    person chose to act for at the start (from the registry's list, acting_for.py); its
    code is the draft's `acting_for`, and the form's "acting for a company?" / "which
    company?" questions become read-only facts of that choice."""
    if company is not None:
        acting_for = company.code
    existing = latest_draft(owner=owner, service=service, acting_for=acting_for)
    if existing is not None:
        return existing
    facts: dict[str, Any] = {}
    if any(item.prefill for page in schema.pages for item in page.fields):
        from .forms import prefill  # the registries are asked only by forms that use them

        facts = prefill.prefill_facts(schema, account=owner, acting_for=acting_for)
    chosen, answered_pages = (
        chosen_facts(schema, company) if asks_whom(schema, service) else ({}, [])
    )
    return Draft.objects.create(
        owner=owner,
        service=service,
        agency=agency,
        acting_for=acting_for,
        language=language,
        prefilled={**facts, **chosen},
        completed_pages=answered_pages,
        expires_at=timezone.now() + KEEP_FOR,
    )


@dataclass(frozen=True)
class Saved:
    result: engine.PageResult  # saved when it has no errors and does not `stay`
    next_page: str | None  # None: check your answers

    @property
    def saved(self) -> bool:
        return not self.result.errors and not self.result.stay


def draft_save_page(
    draft: Draft, *, schema: FormSchema, page_id: str, raw: Any, today: date, lang: str
) -> Saved:
    """Validate a page's answers; when valid, merge them in, drop what became hidden, mark
    the page completed and keep the draft another 30 days."""
    result = engine.clean_page(
        schema, page_id, raw, answers=draft.answers, prefilled=draft.prefilled, today=today,
        lang=lang, files=attached_files(draft),
    )  # fmt: skip
    if result.errors or result.stay:
        return Saved(result=result, next_page=page_id)
    # A personal number or company code to look up: the registry must know it, and its
    # name is kept (read-only, with the facts) to show on the page and in the summary.
    found = lookups.lookup_page(
        schema, page_id, result.cleaned, answers=draft.answers, prefilled=draft.prefilled,
        account=draft.owner, acting_for=draft.acting_for, lang=lang,
    )  # fmt: skip
    if found.errors:
        refused = replace(result, errors=found.errors, values={**result.cleaned, **result.values})
        return Saved(result=refused, next_page=page_id)
    with transaction.atomic():
        locked = Draft.objects.select_for_update().get(pk=draft.pk)
        answers = {**locked.answers, **result.cleaned}
        for name in result.cleared:  # optional questions now left blank
            answers.pop(name, None)
        locked.prefilled = {**locked.prefilled, **found.facts}
        locked.answers = engine.drop_hidden(schema, answers, locked.prefilled)
        visible = [
            page.id for page in engine.visible_pages(schema, locked.answers, locked.prefilled)
        ]
        completed = [done for done in locked.completed_pages if done in visible]
        if page_id not in completed:
            completed.append(page_id)
        locked.completed_pages = [page for page in visible if page in completed]
        locked.language = lang
        locked.expires_at = timezone.now() + KEEP_FOR
        locked.reminder_sent_at = None
        locked.save()
    draft.answers, draft.completed_pages = locked.answers, locked.completed_pages
    draft.prefilled = locked.prefilled
    draft.expires_at, draft.language = locked.expires_at, locked.language
    return Saved(result=result, next_page=page_after(schema, draft, page_id))


def revalidate(schema: FormSchema, draft: Draft, *, today: date) -> dict[str, Any]:
    """The answers to submit, checked again on the server as if each visible page were
    posted once more: a tampered or stale draft (a page skipped, a value the form refuses
    or would read differently, a rule broken) raises SubmissionRefused."""
    answers = engine.drop_hidden(schema, draft.answers, draft.prefilled)
    if answers != draft.answers:
        raise SubmissionRefused(_("Some answers no longer fit the form. Check them again."))
    files = attached_files(draft)
    for page in engine.visible_pages(schema, answers, draft.prefilled):
        if page.id not in draft.completed_pages:
            raise SubmissionRefused(_("Answer every question before you submit."), page=page.id)
        result = engine.clean_page(
            schema, page.id, as_posted(schema, page, answers), answers=answers,
            prefilled=draft.prefilled, today=today, lang=draft.language, files=files,
        )  # fmt: skip
        fields = engine.page_fields(schema, page, answers, draft.prefilled)
        stored = {item.name: answers[item.name] for item in fields if item.name in answers}
        if result.errors or result.stay or _filled(result.cleaned) != _filled(stored):
            raise SubmissionRefused(
                _("Some answers are not valid. Check them again."), page=page.id
            )
    if engine.check_rules(schema, answers, today, draft.language, draft.prefilled):
        raise SubmissionRefused(_("Some answers do not agree with each other. Check them again."))
    return answers


def _filled(values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if value not in (None, "", [], {})}


def attached_files(draft: Draft) -> dict[str, list[str]]:
    """The draft's attachments by form field (the server's list, never the browser's)."""
    files: dict[str, list[str]] = {}
    for ident, name in draft.attachments.order_by("uploaded_at", "id").values_list("id", "field"):
        files.setdefault(name, []).append(str(ident))
    return files


def file_questions(page: Page) -> list[Field]:
    return [item for item in page.fields if item.type == "file"]


def draft_attach_files(
    draft: Draft, *, page: Page, files: Mapping[str, Any], uploaded_by: Any, schema: FormSchema
) -> dict[str, str]:
    """Store the files chosen on a page for its file questions, all or nothing, counting
    the files each question already has against its `max_files`. Returns the errors by
    field name (translated: the page is in the person's language)."""
    attached = attached_files(draft)
    uploads = [
        FieldUpload(
            field=item.name,
            files=chosen_files(files, item.name),
            accept=item.accept,
            room=item.max_files - len(attached.get(item.name, [])),
            too_many=ngettext(
                "You can attach only %(count)d file here",
                "You can attach up to %(count)d files here",
                item.max_files,
            )
            % {"count": item.max_files},
        )
        for item in file_questions(page)
    ]
    limit = Limits.from_settings().file_bytes
    stored, errors = store_page_uploads(uploads, draft=draft, uploaded_by=uploaded_by, limit=limit)
    if stored:
        draft_files_changed(draft, schema=schema)
    return errors


def draft_remove_file(
    draft: Draft, *, page: Page, attachment_id: str, schema: FormSchema
) -> str | None:
    """Remove one of the draft's files from a file question of this page; the name of
    the file removed, or None when there is no such file (someone else's, or gone)."""
    try:
        wanted = uuid.UUID(str(attachment_id))
    except ValueError:
        return None
    names = [item.name for item in file_questions(page)]
    row = draft.attachments.filter(pk=wanted, field__in=names, application=None).first()
    if row is None:
        return None
    name = row.name
    with transaction.atomic():
        attachment_services.attachment_delete(attachment=row)
        draft_files_changed(draft, schema=schema)
    return name


def draft_files_changed(draft: Draft, *, schema: FormSchema) -> None:
    """Keep the answers to file questions equal to the files attached now: a file added
    or removed after its page was answered changes the answer, and a required question
    left with no file (or more than it takes) is asked again."""
    with transaction.atomic():
        locked = Draft.objects.select_for_update().get(pk=draft.pk)
        files = attached_files(locked)
        answers = dict(locked.answers)
        completed = list(locked.completed_pages)
        for page in schema.pages:
            for item in file_questions(page):
                if item.name not in answers:
                    continue
                ids = files.get(item.name, [])
                if (item.required and not ids) or len(ids) > item.max_files:
                    answers.pop(item.name)
                    completed = [done for done in completed if done != page.id]
                else:
                    answers[item.name] = ids
        if answers != locked.answers or completed != locked.completed_pages:
            locked.answers, locked.completed_pages = answers, completed
            locked.save(update_fields=["answers", "completed_pages", "updated_at"])
    draft.answers, draft.completed_pages = locked.answers, locked.completed_pages


def as_posted(schema: FormSchema, page: Page, answers: Mapping[str, Any]) -> dict[str, Any]:
    """A page's stored answers in the shape its form posts them (names of the inputs)."""
    raw: dict[str, Any] = {}
    for item in page.fields:
        if item.name in answers:
            _post_value(item, item.name, answers[item.name], raw)
    return raw


def _post_value(item: Field, base: str, value: Any, raw: dict[str, Any]) -> None:
    if item.type == "file":
        return  # from the server's list of attachments, never posted
    if item.type == "group" and isinstance(value, list):
        for index, entry in enumerate(value):
            for sub in item.fields:
                if isinstance(entry, Mapping) and sub.name in entry:
                    _post_value(sub, f"{base}-{index}-{sub.name}", entry[sub.name], raw)
    elif item.type == "date" and isinstance(value, str) and value.count("-") == 2:
        year, month, day = value.split("-")
        raw.update({f"{base}-day": day, f"{base}-month": month, f"{base}-year": year})
    elif item.type == "address" and isinstance(value, Mapping):
        raw.update({f"{base}-{part}": str(text) for part, text in value.items()})
    elif isinstance(value, list):
        raw[base] = [str(entry) for entry in value]
    else:
        raw[base] = str(value) if value is not None else ""


def draft_delete(draft: Draft) -> None:
    """Delete the draft with its attached files (the files once the deletion commits)."""
    with transaction.atomic():
        for attachment in draft.attachments.all():
            attachment_services.attachment_delete(attachment=attachment)
        draft.delete()


def drafts_expire(*, now: datetime | None = None) -> tuple[int, int]:
    """Delete the drafts past their date; remind once those that go in three days.
    Returns (deleted, reminded)."""
    now = now or timezone.now()
    deleted = 0
    for draft in Draft.objects.filter(expires_at__lte=now).prefetch_related("attachments"):
        draft_delete(draft)
        deleted += 1
    due = Draft.objects.filter(
        expires_at__gt=now, expires_at__lte=now + REMIND_BEFORE, reminder_sent_at=None
    ).select_related("owner", "service")
    reminded = 0
    for draft in due:
        with transaction.atomic():
            # Claimed first, so that two runs at once remind once.
            claimed = Draft.objects.filter(pk=draft.pk, reminder_sent_at=None).update(
                reminder_sent_at=now
            )
            if claimed:
                notification_services.notify(
                    draft.owner, event="draft-expiring", context={"draft": draft}
                )
                reminded += 1
    return deleted, reminded
