"""Catalogue pages: home, categories, services, agencies, search and type-ahead."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from onewindow.mydata.selectors import my_data_url

from .models import Service
from .selectors import catalog

SEARCH_PAGE_SIZE = 20
MAX_QUERY_LENGTH = 200


def home(request: HttpRequest) -> HttpResponse:
    snapshot = catalog()
    categories = [
        (category, len(snapshot.services_by_category.get(category.code, ())))
        for category in snapshot.categories
    ]
    return render(
        request,
        "catalog/home.html",
        {
            "categories": categories,
            "popular_services": snapshot.popular_services(8),
            "service_count": len(snapshot.services),
            "agency_count": len(snapshot.agencies),
            "catalog_token": snapshot.token,
        },
    )


def category_detail(request: HttpRequest, code: str) -> HttpResponse:
    snapshot = catalog()
    category = snapshot.categories_by_code.get(code)
    if category is None:
        raise Http404
    services = snapshot.services_by_category.get(code, ())
    groups = [
        (kind, label, [service for service in services if service.kind == kind])
        for kind, label in Service.Kind.choices
    ]
    return render(
        request,
        "catalog/category_detail.html",
        {
            "category": category,
            "groups": [group for group in groups if group[2]],
            "catalog_token": snapshot.token,
        },
    )


def service_detail(request: HttpRequest, code: str) -> HttpResponse:
    snapshot = catalog()
    service = snapshot.services_by_code.get(code)
    if service is None:
        raise Http404
    return render(
        request,
        "catalog/service_detail.html",
        {
            "service": service,
            "main_category": service.category_list[0] if service.category_list else None,
            "start_url": _start_url(request, service),
            "catalog_token": snapshot.token,
        },
    )


def _start_url(request: HttpRequest, service: Service) -> str:
    """Where "Start now" leads: an informational service to its My data page, a service
    with an online form to its application (both have visitors sign in first); the
    others to the sign-in page, for now."""
    if url := my_data_url(service.code):
        return url
    if service.kind == Service.Kind.FUNCTIONAL and service.form:
        return reverse("applications:start", args=[service.code])
    return reverse("identity:sign-in") + "?next=" + request.path


def agency_list(request: HttpRequest) -> HttpResponse:
    snapshot = catalog()
    agencies = [
        (agency, len(snapshot.services_by_agency.get(agency.code, ())))
        for agency in snapshot.agencies
    ]
    return render(request, "catalog/agency_list.html", {"agencies": agencies})


def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    snapshot = catalog()
    agency = snapshot.agencies_by_code.get(code)
    if agency is None:
        raise Http404
    return render(
        request,
        "catalog/agency_detail.html",
        {
            "agency": agency,
            "services": snapshot.services_by_agency.get(code, ()),
            "catalog_token": snapshot.token,
        },
    )


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    snapshot = catalog()
    error = ""
    if len(query) > MAX_QUERY_LENGTH:
        error = _("Enter a search of %(limit)s characters or fewer.") % {"limit": MAX_QUERY_LENGTH}
        query = query[:MAX_QUERY_LENGTH]
    results = [service for service, _hit in snapshot.search(query)] if query and not error else []
    kinds = [
        (value, label, sum(1 for service in results if service.kind == value))
        for value, label in Service.Kind.choices
    ]
    if kind in Service.Kind.values:
        results = [service for service in results if service.kind == kind]
    else:
        kind = ""
    page = Paginator(results, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    suggestions = (
        snapshot.index.spelling_suggestions(query) if query and not results and not error else []
    )
    return render(
        request,
        "catalog/search.html",
        {
            "query": query,
            "kind": kind,
            "kinds": kinds,
            "page": page,
            "result_count": len(results),
            "error": error,
            "spelling_suggestions": suggestions,
            "categories": snapshot.categories if query and not results else (),
            "catalog_token": snapshot.token,
        },
        status=200,
    )


def suggest(request: HttpRequest) -> JsonResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    services = catalog().suggest(query, limit=8) if query else []
    kinds = dict(Service.Kind.choices)
    return JsonResponse(
        {
            "query": query,
            "suggestions": [
                {
                    "title": service.title,
                    "url": reverse("catalog:service_detail", args=[service.code]),
                    "kind": str(kinds[service.kind]),
                }
                for service in services
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )
