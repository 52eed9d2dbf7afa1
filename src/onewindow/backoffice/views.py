"""The agency back-office pages: the inbox, one case and its actions, the workload.

Who may enter is decided in `_staff_only`: an account with the agency-staff role and at
least one active staff membership (others: 403; anonymous: sign in). Which cases they see
is decided in `selectors.case_for_staff`: only their agencies' (another agency's case is
404, the same as a case that does not exist).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from onewindow.applications import selectors as application_selectors
from onewindow.catalog.selectors import catalog
from onewindow.downloads import FileDownload
from onewindow.identity.roles import Role, role_required
from onewindow.signing import selectors as signing_selectors

from . import services
from .forms import AnswerForm, InboxFilterForm, NoteForm, ReassignForm, TextForm
from .selectors import (
    LEADING_ROLES,
    Case,
    case_file,
    case_for_staff,
    inbox_page,
    staff_agencies,
    staff_of,
    workload,
)

View = Callable[..., HttpResponse]


class Desk:
    """The signed-in staff member and the agencies they work for (with their roles)."""

    def __init__(self, request: HttpRequest) -> None:
        staff: Any = request.user
        self.staff = staff
        self.agencies = staff_agencies(staff)

    @property
    def agency_ids(self) -> list[int]:
        return [agency.pk for agency, _role in self.agencies]

    @property
    def led(self) -> list[Any]:
        return [agency for agency, role in self.agencies if role in LEADING_ROLES]


def _staff_only(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        desk = Desk(request)
        if not desk.agencies:
            raise PermissionDenied
        return view(request, desk, *args, **kwargs)

    return never_cache(role_required(Role.AGENCY_STAFF)(wrapper))


def _english() -> bool:
    return not (get_language() or "ka").startswith("ka")


def _name(account: Any) -> str:
    return str(account.get_full_name() or account.get_username())


@require_safe
@_staff_only
def inbox(request: HttpRequest, desk: Desk) -> HttpResponse:
    english = _english()
    snapshot = catalog()
    services_offered = sorted(
        (service.pk, service.title_en if english else service.title_ka)
        for agency, _role in desk.agencies
        for service in snapshot.services_by_agency.get(agency.code, ())
    )
    colleagues = [
        (account.pk, _name(account))
        for agency, _role in desk.agencies
        for account in staff_of(agency)
    ]
    form = InboxFilterForm(request.GET or None, services=services_offered, colleagues=colleagues)
    filters = form.filters()
    page = inbox_page(
        staff=desk.staff,
        agency_ids=desk.agency_ids,
        filters=filters,
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
    )
    query: dict[str, str] = {
        key: str(value)
        for key, value in request.GET.items()
        if key not in ("after", "before") and value
    }
    next_url = previous_url = None
    if page.next_cursor:
        next_url = "?" + urlencode({**query, "after": page.next_cursor})
    if page.previous_cursor:
        previous_url = "?" + urlencode({**query, "before": page.previous_cursor})
    return render(
        request,
        "backoffice/inbox.html",
        {
            "desk": desk,
            "form": form,
            "errors": form.error_list(),
            "page": page,
            "filtered": bool(query),
            "next_url": next_url,
            "previous_url": previous_url,
            "leads": bool(desk.led),
        },
    )


def _case(request: HttpRequest, desk: Desk, reference: str) -> Case:
    return case_for_staff(staff=desk.staff, reference=reference, agencies=desk.agencies)


@require_safe
@_staff_only
def case_detail(request: HttpRequest, desk: Desk, reference: str) -> HttpResponse:
    case = _case(request, desk, reference)
    services.case_view_record(desk.staff, case.application)
    return _case_page(request, case)


@require_safe
@_staff_only
def case_pdf(request: HttpRequest, desk: Desk, reference: str) -> HttpResponse:
    """The application as the applicant sent it — their signed PDF where the service takes
    a signature — for the addressee agency's staff. Opening it is viewing the case."""
    case = _case(request, desk, reference)
    application = case.application
    if not application.pdf:
        raise Http404
    services.case_view_record(desk.staff, application)
    response = FileDownload(
        application.pdf.open("rb"),
        as_attachment=True,
        filename=f"{application.reference}.pdf",
        content_type="application/pdf",
    )
    return cast(HttpResponse, response)  # a streaming response where the views' type says page


def _case_page(
    request: HttpRequest, case: Case, *, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    record = case_file(case)
    application = case.application
    forms = forms or {}
    lang = "en" if (get_language() or "ka").startswith("en") else "ka"
    answers = application_selectors.answers_summary(application, lang)
    return render(
        request,
        "backoffice/case.html",
        {
            "case": case,
            "application": application,
            "record": record,
            "answers": answers,
            "signed_by": signing_selectors.signatures_of(application),
            "message_form": forms.get("request") or TextForm(),
            "answer_form": forms.get("answer") or AnswerForm(),
            "note_form": forms.get("note") or NoteForm(),
            "reassign_form": forms.get("reassign")
            or ReassignForm(
                colleagues=[(account.pk, _name(account)) for account in record.colleagues]
            ),
            "statuses": application.Status,
            "errors": [
                (f"id_{name}" if key == "reassign" else f"{key}-{name}", str(errs[0]))
                for key, form in forms.items()
                for name, errs in form.errors.items()
            ],
        },
        status=status,
    )


def _back(case: Case) -> HttpResponseRedirect:
    return HttpResponseRedirect(
        reverse("backoffice:case", kwargs={"reference": case.application.reference})
    )


def _act(request: HttpRequest, case: Case, action: Callable[[], Any], done: str) -> HttpResponse:
    try:
        action()
    except services.CaseActionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, done)
    return _back(case)


@require_POST
@_staff_only
def case_action(request: HttpRequest, desk: Desk, reference: str, action: str) -> HttpResponse:
    case = _case(request, desk, reference)
    simple: dict[str, tuple[Callable[..., Any], str]] = {
        "take": (services.case_take, _("You took the case.")),
        "receive": (services.case_receive, _("The case is marked as received.")),
        "start": (services.case_start, _("The case is marked as in progress.")),
        "close": (services.case_close, _("The case is closed.")),
    }
    if action in simple:
        function, done = simple[action]
        return _act(request, case, lambda: function(case=case), done)
    if action == "reassign":
        if not case.leads:
            raise PermissionDenied
        colleagues = staff_of(case.application.agency)
        reassign = ReassignForm(
            request.POST, colleagues=[(account.pk, _name(account)) for account in colleagues]
        )
        if not reassign.is_valid():
            return _case_page(request, case, forms={"reassign": reassign}, status=400)
        chosen = next(a for a in colleagues if a.pk == reassign.cleaned_data["assignee"])
        return _act(
            request,
            case,
            lambda: services.case_reassign(case=case, assignee=chosen, colleagues=colleagues),
            _("The case is assigned to %(name)s.") % {"name": _name(chosen)},
        )
    if action == "request-information":
        text = TextForm(request.POST)
        if not text.is_valid():
            return _case_page(request, case, forms={"request": text}, status=400)
        body = text.cleaned_data["body"]
        return _act(
            request,
            case,
            lambda: services.case_request_information(case=case, body=body),
            _("Your request for more information was sent to the applicant."),
        )
    if action == "answer":
        answer = AnswerForm(request.POST)
        if not answer.is_valid():
            return _case_page(request, case, forms={"answer": answer}, status=400)
        documents = request.FILES.getlist("documents")
        return _act(
            request,
            case,
            lambda: services.case_answer(
                case=case,
                body=answer.cleaned_data["body"],
                outcome=answer.cleaned_data["outcome"],
                documents=documents,
            ),
            _("Your answer was sent to the applicant."),
        )
    if action == "note":
        note = NoteForm(request.POST)
        if not note.is_valid():
            return _case_page(request, case, forms={"note": note}, status=400)
        body = note.cleaned_data["body"]
        return _act(
            request,
            case,
            lambda: services.internal_note_add(case=case, body=body),
            _("Your internal note was added."),
        )
    raise Http404


@require_safe
@_staff_only
def workload_view(request: HttpRequest, desk: Desk) -> HttpResponse:
    led = desk.led
    if not led:
        raise PermissionDenied
    code = request.GET.get("agency", "")
    agency = next((agency for agency in led if agency.code == code), led[0])
    return render(
        request,
        "backoffice/workload.html",
        {"desk": desk, "agency": agency, "led": led, "load": workload(agency=agency)},
    )
