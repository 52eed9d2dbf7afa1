"""The person's own issued documents: a sealed registry extract, or a sealed copy of one
registered document, asked for from My data; and downloading what was issued to them.

An extract or a copy is always asked about the signed-in account's own personal number
(no parameter can name anyone else), as on the My data pages it is asked from; a copy's
registration number is only passed on, and the registry answers for a document of the
person's own property only. Each button press is issued once: its form's one-time key
(`issue_requests`) sent again gets the same answer, with the document issued the first
time."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from onewindow.downloads import FileDownload

from . import copies, issue_requests, services
from .models import IssuedDocument


@never_cache
@require_POST
@login_required
def extract(request: HttpRequest, kind: str) -> HttpResponse:
    """Issue a sealed extract of the person's data in that registry; then My documents."""
    account: Any = request.user
    if kind not in services.EXTRACTS:
        raise Http404
    if not account.personal_number:
        return render(request, "mydata/no_personal_number.html", status=403)
    service_code = services.EXTRACTS[kind][0]
    try:
        key = _request_key(request, account, issue_requests.extract_purpose(kind))
        document = issue_requests.issued_for(account=account, key=key) or services.issue_extract(
            account=account, kind=kind, language=get_language() or "ka", request_key=key
        )
    except services.IssuingRefused as refused:
        messages.error(request, refused.message)
        return HttpResponseRedirect(reverse("mydata:service", args=[service_code]))
    messages.success(
        request,
        _("Your sealed extract is ready: %(title)s. Find it under Sealed documents below.")
        % {"title": document.title_in(get_language() or "ka")},
    )
    return HttpResponseRedirect(reverse("applications:documents") + "#issued-title")


@never_cache
@require_POST
@login_required
def registry_copy(request: HttpRequest, registration_number: str) -> HttpResponse:
    """Issue a sealed copy of one registered document of the person's property; then My
    documents. Refused (with a message, nothing issued) for anyone else's document."""
    account: Any = request.user
    if not account.personal_number:
        return render(request, "mydata/no_personal_number.html", status=403)
    language = get_language() or "ka"
    try:
        key = _request_key(request, account, issue_requests.copy_purpose(registration_number))
        document = issue_requests.issued_for(
            account=account, key=key
        ) or copies.issue_registry_copy(
            account=account, registration_number=registration_number, request_key=key
        )
    except services.IssuingRefused as refused:
        messages.error(request, refused.message)
        return HttpResponseRedirect(reverse("mydata:service", args=["real-estate"]))
    messages.success(
        request,
        _("Your sealed copy is ready: %(title)s. Find it under Sealed documents below.")
        % {"title": document.title_in(language)},
    )
    return HttpResponseRedirect(reverse("applications:documents") + "#issued-title")


def _request_key(request: HttpRequest, account: Any, purpose: str) -> str:
    """The one-time key of the press of the button that sent this POST (`IssuingRefused`
    when there is none or it is not this person's key for this button)."""
    return issue_requests.request_key(
        request.POST.get(issue_requests.FIELD, ""), account=account, purpose=purpose
    )


@never_cache
@require_safe
@login_required
def download(request: HttpRequest, pk: uuid.UUID) -> HttpResponseBase:
    """An issued document, to the person it was issued to only (others: not found)."""
    account: Any = request.user
    document = IssuedDocument.objects.filter(pk=pk, issued_to=account).first()
    if document is None:
        raise Http404
    return FileDownload(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{document.title_in(get_language() or 'ka')}.pdf",
        content_type="application/pdf",
    )
