"""Changing the e-mail address or mobile number: re-authenticate, get a code at the new
address or number, enter it; only then the account changes (audit `contact-changed`)."""

from __future__ import annotations

import smtplib

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from onewindow.identity import audit
from onewindow.identity.confirmation import CheckResult, check_code, send_code
from onewindow.identity.models import Account, AuditEvent, ConfirmationCode
from onewindow.identity.sms import SmsNotSent

from .decorators import reauth_required
from .forms import CodeForm, EmailChangeForm, MobileChangeForm

PENDING_SESSION_KEY = "ow_contact_pending"


def mask_email(email: str) -> str:
    if not email:
        return ""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_mobile(mobile: str) -> str:
    if not mobile:
        return ""
    return f"{mobile[:5]}***{mobile[-3:]}" if len(mobile) > 8 else "***"


def _account(request: HttpRequest) -> Account:
    account = request.user
    assert isinstance(account, Account)  # noqa: S101 (reauth_required: signed in)
    return account


@require_http_methods(["GET", "HEAD", "POST"])
@reauth_required
def contact(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    post = request.POST if request.method == "POST" else None
    channel = post.get("channel") if post else None
    email_form = EmailChangeForm(
        post if channel == "email" else None, current=account.email, prefix="email"
    )
    mobile_form = MobileChangeForm(
        post if channel == "sms" else None, current=account.mobile, prefix="mobile"
    )
    form = email_form if channel == "email" else mobile_form if channel == "sms" else None
    send_error = ""
    if form is not None and channel and form.is_valid():
        destination = str(next(iter(form.cleaned_data.values())))
        try:
            send_code(request, ConfirmationCode.Channel(channel), destination)
        except (SmsNotSent, smtplib.SMTPException, OSError):
            send_error = _("We could not send the code. Nothing was changed. Try again later.")
        else:
            request.session[PENDING_SESSION_KEY] = {"channel": channel, "destination": destination}
            return HttpResponseRedirect(reverse("identity:contact-confirm"))
    errors = form.error_list() if form is not None else []
    return render(
        request,
        "identity/account/contact.html",
        {
            "account": account,
            "email_form": email_form,
            "mobile_form": mobile_form,
            "errors": errors,
            "send_error": send_error,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@reauth_required
def contact_confirm(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    pending = request.session.get(PENDING_SESSION_KEY)
    if not pending:
        return HttpResponseRedirect(reverse("identity:contact"))
    channel = ConfirmationCode.Channel(pending["channel"])
    destination = str(pending["destination"])
    form = CodeForm(request.POST if request.method == "POST" else None)
    code_error = ""
    if request.method == "POST" and form.is_valid():
        result = check_code(request, channel, destination, str(form.cleaned_data["code"]))
        if result == CheckResult.CONFIRMED:
            _change(request, account, channel, destination)
            del request.session[PENDING_SESSION_KEY]
            messages.success(
                request,
                _("Your e-mail address was changed.")
                if channel == ConfirmationCode.Channel.EMAIL
                else _("Your mobile number was changed."),
            )
            return HttpResponseRedirect(reverse("identity:profile"))
        code_error = {
            CheckResult.WRONG: _("The code is wrong. Check it and try again"),
            CheckResult.EXPIRED: _("The code has expired. Ask for a new code"),
            CheckResult.TOO_MANY: _("You entered a wrong code too many times. Ask for a new code"),
        }[result]
    errors = form.error_list() or ([("id_code", code_error)] if code_error else [])
    return render(
        request,
        "identity/account/contact_confirm.html",
        {
            "form": form,
            "errors": errors,
            "code_error": code_error,
            "is_email": channel == ConfirmationCode.Channel.EMAIL,
            "destination": destination,
        },
    )


@transaction.atomic
def _change(
    request: HttpRequest, account: Account, channel: ConfirmationCode.Channel, destination: str
) -> None:
    now = timezone.now()
    if channel == ConfirmationCode.Channel.EMAIL:
        old, new = mask_email(account.email), mask_email(destination)
        account.email, account.email_confirmed_at = destination, now
        account.save(update_fields=["email", "email_confirmed_at"])
    else:
        old, new = mask_mobile(account.mobile), mask_mobile(destination)
        account.mobile, account.mobile_confirmed_at = destination, now
        account.save(update_fields=["mobile", "mobile_confirmed_at"])
    audit.record(
        AuditEvent.Kind.CONTACT_CHANGED,
        actor=account,
        subject=account,
        request=request,
        data={"channel": str(channel), "old": old, "new": new},
    )
