"""The citizen's "My applications": the list, an application's page (deadline, history,
thread, reply, escalation) and its PDF.

Every page is the signed-in person's own: an application is found through its applicant
(`selectors.application_for`), so anyone else's reference, also agency staff's, is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from onewindow.downloads import FileDownload
from onewindow.identity.models import Account
from onewindow.signing import selectors as signing_selectors

from .. import deadlines
from ..attachments.checks import AttachmentRefused
from ..correspondence import CorrespondenceRefused, can_escalate, escalate, message_send
from ..models import Application, Message, StatusChange
from .forms import ApplicationFilterForm, ReplyForm
from .selectors import application_for, my_applications, thread_of

PAGE_SIZE = 20

STATUS_TAGS: dict[str, str] = {
    Application.Status.SUBMITTED: "govuk-tag--blue",
    Application.Status.RECEIVED: "govuk-tag--blue",
    Application.Status.IN_PROGRESS: "govuk-tag--light-blue",
    Application.Status.INFORMATION_REQUESTED: "govuk-tag--orange",
    Application.Status.ANSWERED: "govuk-tag--green",
    Application.Status.CLOSED: "govuk-tag--grey",
}

sign_in_required = login_required(login_url=reverse_lazy("identity:sign-in"))


def _account(request: HttpRequest) -> Account:
    account = request.user
    assert isinstance(account, Account)  # noqa: S101 (sign_in_required: signed in)
    return account


def _optional_url(name: str, *args: Any) -> str:
    """The URL of another part's page, or "" until that part provides it."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _row(application: Application, today: Any) -> dict[str, Any]:
    return {
        "application": application,
        "tag": STATUS_TAGS.get(application.status, "govuk-tag--grey"),
        "deadline": deadlines.deadline_state(application, today),
    }


@never_cache
@require_safe
@sign_in_required
def application_list(request: HttpRequest) -> HttpResponse:
    form = ApplicationFilterForm(request.GET)
    status, search = form.filters()
    page = Paginator(
        my_applications(request.user, status=status, search=search), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    today = deadlines.tbilisi_today()
    query = urlencode(
        [(name, value) for name, value in (("status", status), ("q", search)) if value]
    )
    return render(
        request,
        "applications/archive/list.html",
        {
            "form": form,
            "errors": form.error_list(),
            "page": page,
            "rows": [_row(application, today) for application in page.object_list],
            "filter_query": query,
            "filtered": bool(query),
            "start_letter_url": _optional_url(
                "applications:start", "correspondence-public-agencies"
            ),
            "start_request_url": _optional_url("applications:start", "public-information-request"),
        },
    )


def _detail(
    request: HttpRequest,
    application: Application,
    *,
    form: ReplyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    today = deadlines.tbilisi_today()
    thread = thread_of(application)
    unread = [
        m.pk for m in thread if m.direction == Message.Direction.TO_CITIZEN and m.read_at is None
    ]
    if unread:
        Message.objects.filter(pk__in=unread).update(read_at=timezone.now())
    history = list(StatusChange.objects.filter(application=application).order_by("at", "id"))
    statuses = dict(Application.Status.choices)
    return render(
        request,
        "applications/archive/detail.html",
        {
            "application": application,
            "tag": STATUS_TAGS.get(application.status, "govuk-tag--grey"),
            "deadline": deadlines.deadline_state(application, today),
            "history": [
                {"change": change, "label": statuses.get(change.to_status, change.to_status)}
                for change in history
            ],
            "thread": [
                {
                    "message": message,
                    "unread": message.pk in unread,
                    "files": [
                        {
                            "attachment": file,
                            "url": _optional_url("applications:attachment", file.pk),
                        }
                        for file in message.attachments.all()
                    ],
                }
                for message in thread
            ],
            "files": [  # sent with the application (the form's file questions)
                {"attachment": file, "url": _optional_url("applications:attachment", file.pk)}
                for file in application.attachments.filter(message=None)
                .select_related("signature_check")  # the report beside each file
                .order_by("uploaded_at", "id")
            ],
            "can_reply": deadlines.is_open(application),
            "form": form or ReplyForm(),
            "can_escalate": can_escalate(application, today),
            "has_pdf": bool(application.pdf),
            "signed_by": signing_selectors.signatures_of(application),
        },
        status=status,
    )


@never_cache
@require_safe
@sign_in_required
def application_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return _detail(request, application_for(request.user, reference))


@never_cache
@require_POST
@sign_in_required
def application_reply(request: HttpRequest, reference: str) -> HttpResponse:
    application = application_for(request.user, reference)
    form = ReplyForm(request.POST, request.FILES)
    if not deadlines.is_open(application):
        messages.error(request, _("This application is closed: you can no longer write about it."))
        return HttpResponseRedirect(reverse("applications:detail", args=[reference]))
    if form.is_valid():
        files = [form.cleaned_data["attachment"]] if form.cleaned_data.get("attachment") else []
        try:
            message_send(
                application,
                author=_account(request),
                direction=Message.Direction.TO_AGENCY,
                body=form.cleaned_data["body"],
                attachments=files,
            )
        except CorrespondenceRefused:
            form.add_error("body", _("Your message could not be sent. Check it and try again."))
        except AttachmentRefused as refused:
            form.add_error("attachment", refused.message)
        else:
            messages.success(request, _("Your message was sent to the agency."))
            return HttpResponseRedirect(
                reverse("applications:detail", args=[reference]) + "#thread"
            )
    return _detail(request, application, form=form, status=400)


@never_cache
@require_POST
@sign_in_required
def application_escalate(request: HttpRequest, reference: str) -> HttpResponse:
    application = application_for(request.user, reference)
    try:
        escalate(application, by=_account(request))
    except CorrespondenceRefused as refused:
        if refused.code == "already-escalated":
            messages.info(
                request, _("You have already sent this application to the head of the agency.")
            )
        else:
            messages.error(
                request,
                _(
                    "You can send an application to the head of the agency only once its "
                    "answer is overdue."
                ),
            )
    else:
        messages.success(request, _("We sent your application to the head of the agency."))
    return HttpResponseRedirect(reverse("applications:detail", args=[reference]))


@never_cache
@require_safe
@sign_in_required
def application_pdf(request: HttpRequest, reference: str) -> HttpResponseBase:
    application = application_for(request.user, reference)
    if not application.pdf:
        raise Http404
    try:
        handle = application.pdf.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileDownload(
        handle,
        as_attachment=True,
        filename=f"{application.reference}.pdf",
        content_type="application/pdf",
    )
