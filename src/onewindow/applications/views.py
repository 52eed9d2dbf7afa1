"""The apply journey (start, one page at a time, check your answers, submit, confirmation)
and the person's drafts. Every page is for the signed-in person only; a draft or an
application of anyone else is "not found"."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from onewindow.catalog.models import Agency, Service

from .acting_for import Company, RepresentationUnknown, asks_whom, companies_of
from .attachments.checks import Limits
from .attachments.uploads import PageUploadLimiter
from .drafts import (
    SubmissionRefused,
    attached_files,
    draft_attach_files,
    draft_delete,
    draft_remove_file,
    draft_save_page,
    draft_start,
    file_questions,
    form_of,
    latest_draft,
    page_after,
    page_of,
    visible_pages,
)
from .forms import engine, rendering
from .forms.schema import FormSchema, Page
from .models import Draft
from .selectors import (
    answers_summary,
    application_by_key,
    application_by_reference,
    draft_for,
    drafts_of,
)
from .services import application_submit

View = Callable[..., HttpResponse]


def _personal(view: View) -> View:
    """Signed in (else to the sign-in page and back); no copy kept by browsers or proxies."""
    signed_in = login_required(view, login_url=reverse_lazy("identity:sign-in"))
    return never_cache(signed_in)


def _lang() -> str:
    return "en" if (get_language() or "ka").startswith("en") else "ka"


def _with_draft(view: View) -> View:
    """The person's own draft (404 otherwise) and its service's form."""

    @wraps(view)
    def wrapper(request: HttpRequest, draft_id: str, *args: Any, **kwargs: Any) -> HttpResponse:
        draft = draft_for(request.user, draft_id)
        schema = form_of(draft.service)
        if schema is None:
            raise Http404
        return view(request, draft, schema, *args, **kwargs)

    return wrapper


def _audience_problem(account: Any, service: Service) -> str | None:
    """Why this person cannot apply for this service here, or None."""
    if not account.personal_number:
        return _("Applying for a service needs a personal number: sign in as a citizen.")
    return None  # a service only companies use asks which company first (_whom)


@_personal
@require_http_methods(["GET", "HEAD", "POST"])
def start(request: HttpRequest, service: str) -> HttpResponse:
    found = Service.objects.select_related("provider").filter(code=service, is_active=True)
    service_obj = found.first()
    if service_obj is None:
        raise Http404
    schema = form_of(service_obj)
    if schema is None or service_obj.kind != Service.Kind.FUNCTIONAL:
        return render(request, "applications/start_offline.html", {"service": service_obj})
    account: Any = request.user
    problem = _audience_problem(account, service_obj)
    if problem:
        return render(
            request,
            "applications/start_refused.html",
            {"service": service_obj, "problem": problem},
            status=403,
        )
    company: Company | None = None
    if asks_whom(schema, service_obj):
        company, answer = _whom(request, service_obj)
        if answer is not None:
            return answer
    draft = latest_draft(
        owner=account, service=service_obj, acting_for=company.code if company else ""
    )
    if draft is None:
        agency = None
        if schema.addressee == "chosen":
            agencies = list(Agency.objects.filter(is_active=True).order_by("position", "code"))
            posted = request.method == "POST" and "agency" in request.POST
            chosen = request.POST.get("agency", "") if posted else None
            agency = next((item for item in agencies if item.code == chosen), None)
            if agency is None:
                return _addressee_page(request, service_obj, agencies, chosen)
        draft = draft_start(
            owner=account, service=service_obj, schema=schema, language=_lang(), agency=agency,
            company=company,
        )  # fmt: skip
    return _go_on(draft, schema, after=None)


MYSELF = "myself"  # the choice page's value for applying for oneself


def _whom(request: HttpRequest, service: Service) -> tuple[Company | None, HttpResponse | None]:
    """Whom the person applies for: themselves or one of the companies the registry says
    they represent (asked now, on every step: the browser's word is never taken). Returns
    the company (None: themselves), or the page to show instead (the question, an error,
    a refusal), with nothing stored."""
    account: Any = request.user
    companies_only = service.audience == Service.Audience.LEGAL_ENTITY
    unknown = False
    try:
        companies = companies_of(account)
    except RepresentationUnknown:
        if companies_only:
            return None, _refused(request, service, _registry_down(), status=503)
        companies, unknown = [], True
    if not companies and not unknown:
        if companies_only:
            return None, _refused(request, service, _no_company(), status=403)
        return None, None  # nobody else to apply for
    posted = request.POST.get("acting_for") if request.method == "POST" else None
    if posted == MYSELF and not companies_only:
        return None, None
    chosen = next((item for item in companies if item.code == posted), None)
    if chosen is not None:
        return chosen, None
    error = None
    if posted is not None:
        if unknown and posted:
            error = _registry_down()
        elif posted and posted != MYSELF:
            # A code the registry does not list for this person (a tampered form, or a
            # representation ended since the page was shown).
            error = _(
                "The Public Registry does not list you as a representative of that company. "
                "Choose one of the companies listed."
            )
        else:
            error = _("Select who you are applying for")
    context = {
        "service": service,
        "companies": companies,
        "companies_only": companies_only,
        "unknown": unknown,
        "myself": MYSELF,
        "person": _person_name(account),
        "errors": [("acting_for", error)] if error else [],
    }
    return None, render(
        request, "applications/acting_for.html", context, status=400 if error else 200
    )


def _person_name(account: Any) -> str:
    """The person's name as the page's language writes it."""
    georgian = f"{account.first_name_ka} {account.last_name_ka}".strip()
    if _lang() == "ka" and georgian:
        return georgian
    return account.get_full_name() or georgian or account.get_username()


def _registry_down() -> str:
    """Translated when used (in the request's language)."""
    return _(
        "We cannot check which companies you represent: the Public Registry is not "
        "answering. Nothing has been saved. Try again in a few minutes."
    )


def _no_company() -> str:
    """What to do when only companies may apply and the person represents none."""
    return _(
        "Only a company can apply for this service, and the Public Registry does not list "
        "you as the director, a representative or the individual entrepreneur of any "
        "company. If you act for a company, ask the Public Registry to record you as its "
        "representative, or apply at a Public Service Hall with a power of attorney."
    )


def _refused(request: HttpRequest, service: Service, problem: str, *, status: int) -> HttpResponse:
    return render(
        request,
        "applications/start_refused.html",
        {"service": service, "problem": problem},
        status=status,
    )


def _addressee_page(
    request: HttpRequest, service: Service, agencies: list[Agency], chosen: str | None
) -> HttpResponse:
    """Letters and requests: which institution it is for (asked before the form). The
    choice of whom the letter is for is carried along (and checked again)."""
    errors = [] if chosen is None else [("agency", _("Select the institution you are writing to"))]
    acting_for = request.POST.get("acting_for") if request.method == "POST" else None
    return render(
        request,
        "applications/addressee.html",
        {"service": service, "agencies": agencies, "errors": errors, "acting_for": acting_for},
        status=400 if errors else 200,
    )


def _go_on(draft: Draft, schema: FormSchema, *, after: str | None) -> HttpResponseRedirect:
    next_page = page_after(schema, draft, after)
    if next_page is None:
        return HttpResponseRedirect(reverse("applications:check", args=[draft.pk]))
    return HttpResponseRedirect(reverse("applications:page", args=[draft.pk, next_page]))


def _back_url(draft: Draft, schema: FormSchema, page_id: str) -> str:
    ids = [page.id for page in visible_pages(schema, draft)]
    index = ids.index(page_id) if page_id in ids else 0
    if index == 0:
        return reverse("catalog:service_detail", args=[draft.service.code])
    return reverse("applications:page", args=[draft.pk, ids[index - 1]])


@csrf_exempt  # the CSRF check reads the body: it runs in _page, once the upload limit is set
@_personal
@require_http_methods(["GET", "HEAD", "POST"])
def page(request: HttpRequest, draft_id: str, page_id: str) -> HttpResponse:
    """One page of the form. A page with a file question posts multipart: each file is
    read only up to the per-file limit before anything else looks at the body."""
    request.upload_handlers.insert(0, PageUploadLimiter(request, Limits.from_settings().file_bytes))
    return _page(request, draft_id, page_id)


@csrf_protect
@_with_draft
def _page(request: HttpRequest, draft: Draft, schema: FormSchema, page_id: str) -> HttpResponse:
    current = page_of(schema, draft, page_id)
    if current is None:
        raise Http404
    lang = _lang()
    errors: dict[str, str] = {}
    answers: dict[str, Any] = draft.answers
    if request.method == "POST":
        raw = {name: request.POST.getlist(name) for name in request.POST}
        # Files first: a question's answer is the files the draft has once they are kept.
        upload_errors = draft_attach_files(
            draft, page=current, files=request.FILES, uploaded_by=request.user, schema=schema
        )
        removing = request.POST.get("remove-file")
        if upload_errors or removing is not None:
            if not upload_errors and removing is not None:
                _remove_file(request, draft, schema, current, removing)
            # The page again, unsaved, with what was typed: a file refused or removed.
            result = engine.clean_page(
                schema, page_id, raw, answers=draft.answers, prefilled=draft.prefilled,
                today=timezone.localdate(), lang=lang, files=attached_files(draft),
            )  # fmt: skip
            if upload_errors:
                others = {
                    key: text for key, text in result.errors.items() if key not in upload_errors
                }
                errors = {**others, **upload_errors}
            answers = {**draft.answers, **result.values}
        else:
            saved = draft_save_page(
                draft, schema=schema, page_id=page_id, raw=raw, today=timezone.localdate(),
                lang=lang,
            )  # fmt: skip
            if saved.saved:
                if "later" in request.POST:
                    messages.success(request, _("Your answers are saved. Come back to them here."))
                    return HttpResponseRedirect(reverse("applications:drafts"))
                return _go_on(draft, schema, after=page_id)
            errors = saved.result.errors
            answers = {**draft.answers, **saved.result.values}
    fields = rendering.render_page(
        request, schema, current, answers=answers, prefilled=draft.prefilled, errors=errors,
        lang=lang, attached=_files_by_question(draft, current),
    )  # fmt: skip
    context = {
        "draft": draft,
        "page": current,
        "heading": current.heading(lang),
        "fields": fields,
        "multipart": bool(file_questions(current)),
        "errors": rendering.error_summary_items(schema, current, errors, lang) if errors else [],
        "back_url": _back_url(draft, schema, page_id),
        "service_title": draft.service.title,
    }
    return render(request, "applications/page.html", context, status=400 if errors else 200)


def _remove_file(
    request: HttpRequest, draft: Draft, schema: FormSchema, current: Page, attachment_id: str
) -> None:
    """A page's "Remove" button: only a file of this draft and of this page's questions."""
    name = draft_remove_file(draft, page=current, attachment_id=attachment_id, schema=schema)
    if name is not None:
        messages.success(request, _("%(name)s has been removed") % {"name": name})


def _files_by_question(draft: Draft, current: Page) -> dict[str, list[dict[str, Any]]]:
    """The draft's files for the page's file questions, in the order they were added."""
    names = [item.name for item in file_questions(current)]
    if not names:
        return {}
    found: dict[str, list[dict[str, Any]]] = {}
    rows = draft.attachments.filter(field__in=names).order_by("uploaded_at", "id")
    for ident, field, name, size in rows.values_list("id", "field", "name", "size"):
        found.setdefault(field, []).append({"id": ident, "name": name, "size": size})
    return found


@_personal
@require_safe
@_with_draft
def check(request: HttpRequest, draft: Draft, schema: FormSchema) -> HttpResponse:
    lang = _lang()
    if page_after(schema, draft, None) is not None:
        return _go_on(draft, schema, after=None)
    names = {str(pk): name for pk, name in draft.attachments.values_list("id", "name")}
    summary = answers_summary(draft, lang, file_names=names)
    broken = engine.check_rules(schema, draft.answers, timezone.localdate(), lang, draft.prefilled)
    return render(
        request,
        "applications/check.html",
        {
            "draft": draft,
            "summary": summary,
            "errors": [(f"change-{field}", text) for _page, field, text in broken],
            "service_title": draft.service.title,
        },
    )


@_personal
@require_POST
def submit(request: HttpRequest, draft_id: str) -> HttpResponse:
    account: Any = request.user
    draft = Draft.objects.filter(pk=draft_id, owner=account).first()
    if draft is None:
        # Submitted already (a double click): show what the first click made.
        application = application_by_key(account, request.POST.get("submission_key", ""))
    else:
        try:
            application = application_submit(draft, submitted_by=request.user)
        except SubmissionRefused as refused:
            messages.error(request, refused.message)
            target = (
                reverse("applications:page", args=[draft.pk, refused.page])
                if refused.page
                else reverse("applications:check", args=[draft.pk])
            )
            return HttpResponseRedirect(target)
    return HttpResponseRedirect(reverse("applications:confirmation", args=[application.reference]))


@_personal
@require_safe
def confirmation(request: HttpRequest, reference: str) -> HttpResponse:
    application = application_by_reference(request.user, reference)
    return render(request, "applications/confirmation.html", {"application": application})


@_personal
@require_safe
def drafts(request: HttpRequest) -> HttpResponse:
    return render(request, "applications/drafts.html", {"drafts": list(drafts_of(request.user))})


@_personal
@require_http_methods(["GET", "HEAD", "POST"])
def delete(request: HttpRequest, draft_id: str) -> HttpResponse:
    draft = draft_for(request.user, draft_id)
    if request.method == "POST":
        draft_delete(draft)
        messages.success(request, _("The draft is deleted."))
        return HttpResponseRedirect(reverse("applications:drafts"))
    return render(request, "applications/draft_delete.html", {"draft": draft})
