"""Proving it is still you before a sensitive change (`reauth_required`): a password
session enters the password and a current TOTP code; an ID-card session signs in with the
card again (the ID-card sign-in with `reauth=1` sets `ow_reauth_at`)."""

from __future__ import annotations

import time

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from onewindow.identity import services
from onewindow.identity.models import Account, PortalSession, SignInMethod
from onewindow.identity.steps import safe_next

from .decorators import own_account
from .forms import ReauthPasswordForm

FAILURES_SESSION_KEY = "ow_reauth_failures"
# After this many wrong answers in a row the session ends: someone else may be at it.
MAX_FAILURES = 5


def _check(account: Account, password: str, code: str) -> str:
    """ "" if both are right, else the reason code for the login history."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not account.check_password(password):
        return "reauth-wrong-password"
    device = TOTPDevice.objects.filter(user=account, confirmed=True).first()
    if device is None:
        return "reauth-wrong-code"
    allowed, _details = device.verify_is_allowed()
    if not allowed or not device.verify_token(code.strip()):
        return "reauth-wrong-code"
    return ""


@require_http_methods(["GET", "HEAD", "POST"])
@own_account
def reauth(request: HttpRequest) -> HttpResponse:
    account = request.user
    assert isinstance(account, Account)  # noqa: S101 (own_account: signed in)
    next_path = safe_next(request, request.GET.get("next")) or reverse("identity:profile")
    method = str(request.session.get(services.METHOD_SESSION_KEY, ""))
    if method == SignInMethod.ID_CARD:
        query = urlencode({"next": next_path, "reauth": "1"})
        return render(
            request,
            "identity/account/reauth_idcard.html",
            {"idcard_url": f"{reverse('identity:sign-in')}?{query}#id-card"},
        )
    form = ReauthPasswordForm(request.POST if request.method == "POST" else None)
    wrong = ""
    if request.method == "POST" and form.is_valid():
        reason = _check(account, form.cleaned_data["password"], form.cleaned_data["code"])
        if not reason:
            request.session[services.REAUTH_AT_SESSION_KEY] = time.time()
            request.session.pop(FAILURES_SESSION_KEY, None)
            return HttpResponseRedirect(next_path)
        services.record_failure(
            request, method=SignInMethod.PASSWORD, reason=reason, account=account
        )
        failures = int(request.session.get(FAILURES_SESSION_KEY, 0)) + 1
        request.session[FAILURES_SESSION_KEY] = failures
        if failures >= MAX_FAILURES:
            services.sign_out(request, PortalSession.EndReason.SIGNED_OUT)
            messages.warning(
                request, _("You were signed out after too many wrong answers. Sign in again.")
            )
            return HttpResponseRedirect(reverse("identity:sign-in"))
        wrong = _("The password or the code is wrong. Check them and try again")
    errors = form.error_list() or ([("id_password", wrong)] if wrong else [])
    return render(
        request,
        "identity/account/reauth.html",
        {"form": form, "errors": errors, "wrong": wrong, "next": next_path},
    )
