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
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from onewindow.catalog.models import Agency, Service

from .drafts import (
    SubmissionRefused,
    draft_delete,
    draft_save_page,
    draft_start,
    form_of,
    latest_draft,
    page_after,
    page_of,
    visible_pages,
)
from .forms import engine, rendering
from .forms.schema import FormSchema
from .models import Draft
from .selectors import application_by_key, application_by_reference, draft_for, drafts_of
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
    if service.audience == Service.Audience.LEGAL_ENTITY:
        return _(
            "Only a company can apply for this service. Applying on behalf of a company "
            "is not possible online yet: apply at a Public Service Hall."
        )
    return None


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
    draft = latest_draft(owner=account, service=service_obj)
    if draft is None:
        agency = None
        if schema.addressee == "chosen":
            agencies = list(Agency.objects.filter(is_active=True).order_by("position", "code"))
            chosen = request.POST.get("agency", "") if request.method == "POST" else None
            agency = next((item for item in agencies if item.code == chosen), None)
            if agency is None:
                return _addressee_page(request, service_obj, agencies, chosen)
        draft = draft_start(
            owner=account, service=service_obj, schema=schema, language=_lang(), agency=agency
        )
    return _go_on(draft, schema, after=None)


def _addressee_page(
    request: HttpRequest, service: Service, agencies: list[Agency], chosen: str | None
) -> HttpResponse:
    """Letters and requests: which institution it is for (asked before the form)."""
    errors = [] if chosen is None else [("agency", _("Select the institution you are writing to"))]
    return render(
        request,
        "applications/addressee.html",
        {"service": service, "agencies": agencies, "errors": errors},
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


@_personal
@require_http_methods(["GET", "HEAD", "POST"])
@_with_draft
def page(request: HttpRequest, draft: Draft, schema: FormSchema, page_id: str) -> HttpResponse:
    current = page_of(schema, draft, page_id)
    if current is None:
        raise Http404
    lang = _lang()
    errors: dict[str, str] = {}
    answers: dict[str, Any] = draft.answers
    if request.method == "POST":
        raw = {name: request.POST.getlist(name) for name in request.POST}
        saved = draft_save_page(
            draft, schema=schema, page_id=page_id, raw=raw, today=timezone.localdate(), lang=lang
        )
        if saved.saved:
            if "later" in request.POST:
                messages.success(request, _("Your answers are saved. Come back to them here."))
                return HttpResponseRedirect(reverse("applications:drafts"))
            return _go_on(draft, schema, after=page_id)
        errors = saved.result.errors
        answers = {**draft.answers, **saved.result.values}
    fields = rendering.render_page(
        request, schema, current, answers=answers, prefilled=draft.prefilled, errors=errors,
        lang=lang,
    )  # fmt: skip
    context = {
        "draft": draft,
        "page": current,
        "heading": current.heading(lang),
        "fields": fields,
        "errors": rendering.error_summary_items(schema, current, errors, lang) if errors else [],
        "back_url": _back_url(draft, schema, page_id),
        "service_title": draft.service.title,
    }
    return render(request, "applications/page.html", context, status=400 if errors else 200)


@_personal
@require_safe
@_with_draft
def check(request: HttpRequest, draft: Draft, schema: FormSchema) -> HttpResponse:
    lang = _lang()
    if page_after(schema, draft, None) is not None:
        return _go_on(draft, schema, after=None)
    names = {str(pk): name for pk, name in draft.attachments.values_list("id", "name")}
    summary = engine.summary(schema, draft.answers, draft.prefilled, lang, file_names=names)
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
