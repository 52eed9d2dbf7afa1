"""Attachment pages: add and remove a draft's files (a form that works without JavaScript,
and JSON for fetch), download a file to those allowed, and "My documents"."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from onewindow.applications.drafts import draft_files_changed, form_of
from onewindow.applications.models import Attachment, Draft, Message
from onewindow.identity.models import Account

from . import selectors, services
from .checks import FILE_TYPES, Limits

PAGE_SIZE = 25
FIELD_MAX_LENGTH = 80


def _safe_next(request: HttpRequest, candidate: str | None) -> str | None:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


def _account(request: HttpRequest) -> Account:
    if not isinstance(request.user, Account):  # login_required comes first
        raise Http404
    return request.user


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _own_draft(request: HttpRequest, draft_id: uuid.UUID) -> Draft:
    # Someone else's draft is "not found", never "forbidden": it does not tell it exists.
    return get_object_or_404(Draft, pk=draft_id, owner=_account(request))


def _answers_follow(draft: Draft) -> None:
    """A file added or removed here changes the answer of its form question too."""
    schema = form_of(draft.service)
    if schema is not None:
        draft_files_changed(draft, schema=schema)


def _described(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": str(attachment.id),
        "name": attachment.name,
        "size": attachment.size,
        "content_type": attachment.content_type,
        "field": attachment.field,
        "url": reverse("applications:attachment", args=[attachment.id]),
        "delete_url": reverse(
            "applications:attachment-delete", args=[attachment.draft_id, attachment.id]
        ),
    }


def _upload_page(
    request: HttpRequest, draft: Draft, *, field: str, next_url: str | None, error: str = ""
) -> HttpResponse:
    limits = Limits.from_settings()
    files = draft.attachments.all()
    if field:
        files = files.filter(field=field)
    return render(
        request,
        "applications/attachments/upload.html",
        {
            "draft": draft,
            "field": field,
            "next": next_url or "",
            "error": error,
            "files": files,
            "max_file_bytes": limits.file_bytes,
            "max_application_bytes": limits.application_bytes,
            "accept": ",".join(
                [f".{ext}" for kind in FILE_TYPES for ext in kind.extensions]
                + [kind.content_type for kind in FILE_TYPES]
            ),
        },
        status=400 if error else 200,
    )


class SizeLimitHandler(FileUploadHandler):
    """Stops reading an upload as soon as it passes the per-file limit, so a huge body is
    never written to a temporary file whole."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.too_large = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self.too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


@csrf_exempt  # the CSRF check reads the body: it runs below, after the limit is in place
@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def upload(request: HttpRequest, draft: uuid.UUID) -> HttpResponse:
    limiter = SizeLimitHandler(request, Limits.from_settings().file_bytes)
    request.upload_handlers.insert(0, limiter)
    return _upload(request, draft, limiter)


@csrf_protect
def _upload(request: HttpRequest, draft: uuid.UUID, limiter: SizeLimitHandler) -> HttpResponse:
    own = _own_draft(request, draft)
    source = request.POST if request.method == "POST" else request.GET
    field = str(source.get("field", ""))[:FIELD_MAX_LENGTH]
    next_url = _safe_next(request, source.get("next"))
    if request.method != "POST":
        return _upload_page(request, own, field=field, next_url=next_url)
    uploaded = request.FILES.get("file")
    try:
        if limiter.too_large:
            raise services.AttachmentRefused(
                "too-large",
                _("The file must be smaller than %(limit)s")
                % {"limit": filesizeformat(limiter.limit)},
            )
        if uploaded is None:
            raise services.AttachmentRefused("missing", _("Select a file"))
        attachment = services.attachment_store(
            uploaded, uploaded_by=_account(request), draft=own, field=field
        )
    except services.AttachmentRefused as refused:
        if _wants_json(request):
            return JsonResponse({"error": refused.reason, "message": refused.message}, status=400)
        return _upload_page(request, own, field=field, next_url=next_url, error=refused.message)
    _answers_follow(own)
    if _wants_json(request):
        return JsonResponse(_described(attachment), status=201)
    messages.success(request, _("%(name)s has been uploaded") % {"name": attachment.name})
    if next_url:
        return HttpResponseRedirect(next_url)
    query = f"?field={field}" if field else ""
    return HttpResponseRedirect(reverse("applications:attachment-upload", args=[own.pk]) + query)


@login_required
@require_POST
def delete(request: HttpRequest, draft: uuid.UUID, attachment: uuid.UUID) -> HttpResponse:
    own = _own_draft(request, draft)
    row = get_object_or_404(Attachment, pk=attachment, draft=own, application__isnull=True)
    name = row.name
    services.attachment_delete(attachment=row)
    _answers_follow(own)
    if _wants_json(request):
        return HttpResponse(status=204)
    messages.success(request, _("%(name)s has been removed") % {"name": name})
    next_url = _safe_next(request, request.POST.get("next"))
    return HttpResponseRedirect(
        next_url or reverse("applications:attachment-upload", args=[own.pk])
    )


@login_required
@require_safe
def download(request: HttpRequest, attachment: uuid.UUID) -> FileResponse:
    row = (
        Attachment.objects.select_related("application", "message__application", "draft")
        .filter(pk=attachment)
        .first()
    )
    if row is None or not services.attachment_visible_to(request.user, row):
        raise Http404
    return services.attachment_response(request, row)


# My documents pages its two lists on their own: `page` the files, `sealed-page` the
# sealed documents (a link to one list's next page keeps the other's place).
SEALED_PAGE = "sealed-page"


@login_required
@require_safe
def documents(request: HttpRequest) -> HttpResponse:
    """My documents: the files of the person's applications and the sealed documents
    agencies issued to them. One search box narrows both lists, and the page says how many
    of each it found; each list pages on its own."""
    from onewindow.signing.selectors import issued_documents_of

    account = _account(request)
    query = " ".join(str(request.GET.get("q", "")).split())[:100]
    page = Paginator(selectors.documents_of(account, query=query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    sealed = Paginator(issued_documents_of(account, query=query), PAGE_SIZE).get_page(
        request.GET.get(SEALED_PAGE)
    )
    rows = []
    for document in page.object_list:
        message = document.message
        application = document.application or (message.application if message else None)
        from_agency = message is not None and message.direction == Message.Direction.TO_CITIZEN
        rows.append({"file": document, "application": application, "from_agency": from_agency})
    return render(
        request,
        "applications/attachments/documents.html",
        {
            "page": page,
            "documents": rows,
            "query": query,
            "issued": sealed.object_list,
            "issued_page": sealed,
            "found": _found(query, files=page.paginator.count, sealed=sealed.paginator.count),
            "nothing_found": bool(query) and not page.paginator.count + sealed.paginator.count,
            # Each list's page links keep the search and the other list's page.
            "files_query": _kept(q=query, **{SEALED_PAGE: sealed.number}),
            "sealed_query": _kept(q=query, page=page.number),
        },
    )


def _found(query: str, *, files: int, sealed: int) -> str:
    """After a search, what it found, for the page's status region: "2 files and 1 sealed
    document match “extract”." Each count is its own plural (ngettext), so each language
    words its numbers its own way."""
    if not query:
        return ""
    if not files and not sealed:
        return _("No files or sealed documents match “%(query)s”.") % {"query": query}
    files_found = ngettext("%(count)s file", "%(count)s files", files) % {"count": files}
    sealed_found = ngettext("%(count)s sealed document", "%(count)s sealed documents", sealed) % {
        "count": sealed
    }
    return _("%(files)s and %(sealed)s match “%(query)s”.") % {
        "files": files_found,
        "sealed": sealed_found,
        "query": query,
    }


def _kept(**values: str | int) -> str:
    """A query string of the values worth keeping in a link (a search, a page past the
    first), for the pagination links of the other list."""
    kept = {name: value for name, value in values.items() if value and value != 1}
    return urlencode(kept)
