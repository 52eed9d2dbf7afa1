"""My data pages: the dashboard, one informational service, the access log and its files.

Whose data a page shows is decided in one place, `_own_person`: the signed-in account's
personal number. No URL, parameter or header can name anyone else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .exports import access_log_csv, access_log_pdf
from .forms import AccessLogFilterForm
from .presentation import TBILISI
from .selectors import (
    access_log_for_account,
    agency_names,
    display_name,
    exchange_agencies,
    log_entries,
)
from .services import Section, personal_data_dashboard, personal_data_service

DASHBOARD_ROWS = 5  # records per table on the dashboard; the service's page shows all
LOG_PAGE_SIZE = 25
PDF_MAX_ENTRIES = 500  # WeasyPrint needs some 4–5 s for 500; the CSV has them all

View = Callable[..., HttpResponse]


def _own_person(view: View) -> View:
    """GET (or HEAD) only; sign-in required (to the sign-in page, with `next`); the account
    must have a personal number; the view gets the account, whose number is the only
    subject. No browser or proxy keeps a copy of the response."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        account: Any = request.user
        if not account.personal_number:
            return render(request, "mydata/no_personal_number.html", status=403)
        return view(request, account, *args, **kwargs)

    signed_in = login_required(wrapper, login_url=reverse_lazy("identity:sign-in"))
    return never_cache(require_safe(signed_in))


@_own_person
def dashboard(request: HttpRequest, account: Any) -> HttpResponse:
    return _dashboard(request, account, one_at_a_time=False)


@_own_person
def dashboard_one_at_a_time(request: HttpRequest, account: Any) -> HttpResponse:
    """The same page with the agencies asked one after another: not routed by the portal,
    only by the benchmark's URLconf (bench/), to compare with the concurrent dashboard."""
    return _dashboard(request, account, one_at_a_time=True)


def _dashboard(request: HttpRequest, account: Any, *, one_at_a_time: bool) -> HttpResponse:
    groups = personal_data_dashboard(
        account=account, row_limit=DASHBOARD_ROWS, one_at_a_time=one_at_a_time
    )
    failed = sum(1 for group in groups for section in group.sections if section.failed)
    return render(request, "mydata/dashboard.html", {"groups": groups, "failed_count": failed})


@_own_person
def service_detail(request: HttpRequest, account: Any, code: str) -> HttpResponse:
    section = personal_data_service(account=account, code=code)
    if section is None:
        raise Http404
    context = {"section": section, "registered_documents": _registered_documents(section)}
    return render(request, "mydata/service_detail.html", context)


def _registered_documents(section: Section) -> list[dict[str, Any]]:
    """The documents registered on the person's property (each gets "Get a sealed copy"),
    from the real-estate answer the page shows; none on other pages."""
    for part in section.parts:
        if (part.operation.agency, part.operation.name) == ("public-registry", "real-estate"):
            data = part.data
            return _documents_of(data) if isinstance(data, Mapping) else []
    return []


def _date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _documents_of(real_estate: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The documents listed on each property of a `real-estate` answer, each with the
    property's cadastral code and address (none when the registry lists none)."""
    documents = []
    for estate in real_estate.get("items", []):
        for document in estate.get("documents", []):
            documents.append(
                {
                    **document,
                    "registered_on": _date(document.get("registered_on")),
                    "cadastral_code": estate["cadastral_code"],
                    "address": estate.get("address", {}).get("text", {}),
                }
            )
    return documents


@_own_person
def access_log(request: HttpRequest, account: Any) -> HttpResponse:
    agencies = agency_names(every_code=True)
    form = AccessLogFilterForm(request.GET, agencies=exchange_agencies(agencies))
    accesses = access_log_for_account(account=account, filters=form.filters())
    page = Paginator(accesses, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    entries = log_entries(account=account, accesses=page.object_list, agencies=agencies)
    query = _filter_query(form)
    return render(
        request,
        "mydata/access_log.html",
        {
            "form": form,
            "errors": form.error_list(),
            "page": page,
            "entries": list(entries),
            "filter_query": query,
            "filtered": bool(query),
        },
    )


@_own_person
def access_log_csv_download(request: HttpRequest, account: Any) -> HttpResponse:
    agencies = agency_names(every_code=True)
    form = AccessLogFilterForm(request.GET, agencies=exchange_agencies(agencies))
    if not form.is_valid():
        return _back_to_log(request)
    accesses = access_log_for_account(account=account, filters=form.filters())
    entries = log_entries(account=account, accesses=accesses.iterator(), agencies=agencies)
    content = access_log_csv(entries)
    return _download(content, "text/csv; charset=utf-8", "csv")


@_own_person
def access_log_pdf_download(request: HttpRequest, account: Any) -> HttpResponse:
    agencies = agency_names(every_code=True)
    form = AccessLogFilterForm(request.GET, agencies=exchange_agencies(agencies))
    if not form.is_valid():
        return _back_to_log(request)
    accesses = access_log_for_account(account=account, filters=form.filters())
    newest = accesses[: PDF_MAX_ENTRIES + 1]
    entries = list(log_entries(account=account, accesses=newest, agencies=agencies))
    truncated = len(entries) > PDF_MAX_ENTRIES
    content = access_log_pdf(
        entries=entries[:PDF_MAX_ENTRIES],
        person_name=display_name(account),
        personal_number=account.personal_number,
        filters_text=form.in_words(),
        truncated_at=PDF_MAX_ENTRIES if truncated else None,
        language=get_language() or "ka",
    )
    return _download(content, "application/pdf", "pdf")


def _download(content: bytes, content_type: str, extension: str) -> HttpResponse:
    today = timezone.now().astimezone(TBILISI).date().isoformat()
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="access-log-{today}.{extension}"'
    return response


def _back_to_log(request: HttpRequest) -> HttpResponse:
    query = request.GET.urlencode()
    return HttpResponseRedirect(reverse("mydata:access_log") + (f"?{query}" if query else ""))


def _filter_query(form: AccessLogFilterForm) -> str:
    """The valid filters as a query string, for pagination and the download links."""
    if not form.is_valid():
        return ""
    return urlencode([(name, form.data[name]) for name in form.fields if form.data.get(name)])
