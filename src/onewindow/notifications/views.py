"""The person's inbox, one notice (opening it marks it read), marking read, and the
choice of channels. Every page is the signed-in person's own: someone else's notice is
a 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from onewindow.identity.account.decorators import own_account
from onewindow.identity.models import Account

from . import selectors, services
from .forms import ChannelsForm
from .messages import application_url
from .models import Notification


def _account(request: HttpRequest) -> Account:
    account = request.user
    assert isinstance(account, Account)  # noqa: S101 (own_account: signed in)
    return account


@require_safe
@own_account
def inbox(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    page = selectors.inbox_page(account, request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread": selectors.unread_count(account)},
    )


@require_safe
@own_account
def message(request: HttpRequest, notification_id: int) -> HttpResponse:
    account = _account(request)
    notification = selectors.notification_of(account, notification_id)
    if notification is None:
        raise Http404
    if notification.read_at is None:
        services.notification_mark_read(account=account, notification_id=notification.pk)
    link = ""
    if notification.application is not None:
        staff = notification.event == services.Event.CASE_ESCALATED
        link = application_url(notification.application, staff=staff)
    return render(
        request, "notifications/message.html", {"notification": notification, "link": link}
    )


@require_POST
@own_account
def read(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    if request.POST.get("all"):
        services.notifications_mark_all_read(account=account)
        messages.success(request, _("All notices are marked as read"))
    else:
        try:
            notification_id = int(request.POST.get("notification", ""))
            services.notification_mark_read(account=account, notification_id=notification_id)
        except (ValueError, Notification.DoesNotExist) as error:
            raise Http404 from error
    page = request.POST.get("page", "")
    query = f"?page={int(page)}" if page.isdigit() else ""
    return HttpResponseRedirect(reverse("notifications:inbox") + query)


@require_http_methods(["GET", "HEAD", "POST"])
@own_account
def preferences(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    chosen = services.channels_for(account)
    preference = selectors.channel_preference_of(account)
    initial = {
        "email": preference.email if preference else services.Channel.EMAIL in chosen,
        "sms": preference.sms if preference else False,
    }
    email_confirmed = bool(account.email and account.email_confirmed_at)
    mobile_confirmed = bool(account.mobile and account.mobile_confirmed_at)
    initial["email"] = initial["email"] and email_confirmed
    initial["sms"] = initial["sms"] and mobile_confirmed
    form = ChannelsForm(request.POST or None, account=account, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.channel_preference_set(
            account=account, email=form.cleaned_data["email"], sms=form.cleaned_data["sms"]
        )
        messages.success(request, _("Your choices are saved"))
        return HttpResponseRedirect(reverse("notifications:preferences"))
    # The error summary links to the checkbox, or to the explanation when there is none.
    anchors = {
        "email": "channel-email" if email_confirmed else "channels-missing",
        "sms": "channel-sms" if mobile_confirmed else "channels-missing",
    }
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "account": account,
            "email_confirmed": email_confirmed,
            "mobile_confirmed": mobile_confirmed,
            "errors": [
                (anchors[name], error) for name, errors in form.errors.items() for error in errors
            ],
        },
    )
