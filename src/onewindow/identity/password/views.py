"""Password sign-in: username and password (throttled by django-axes), then a code from
the authenticator app or a recovery code; the new-password and second-factor steps.

The response never tells whether a username exists: an unknown username and a wrong
password get the same page, after the same password hashing (Django's ModelBackend hashes
the given password for unknown usernames too). The person's own login history shows the
refused attempts on their account.
"""

from __future__ import annotations

import io
import time
from base64 import b32encode
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import HASH_SESSION_KEY, authenticate, user_login_failed
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .. import audit, services
from ..account.decorators import reauthenticated_recently
from ..models import Account, AuditEvent, SignInMethod
from ..roles import Role, has_role
from ..steps import Step, complete_step, next_url, pending_steps, safe_next
from . import services as password_services
from .forms import (
    PasswordChangeForm,
    PasswordSignInForm,
    SecondFactorCodeForm,
    TotpConfirmForm,
    error_list,
)

# Between a right password and the code: whose password it was, and since when.
PENDING_SESSION_KEY = "ow_password_pending"
PENDING_SECONDS = 5 * 60
# Recovery codes of a just confirmed app, shown once; and where to go after them.
RECOVERY_CODES_SESSION_KEY = "ow_recovery_codes"
AFTER_CODES_SESSION_KEY = "ow_after_recovery_codes"


def _known_account(username: str) -> Account | None:
    if not username:
        return None
    return Account.objects.filter(username=username).first()


def _sign_in_page(
    request: HttpRequest, form: PasswordSignInForm, next_path: str | None, *, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "identity/sign_in.html",
        {
            "next": next_path or "",
            "cardagent_url": settings.CARDAGENT_URL,
            "password_form": form,
            "password_errors": error_list(form),
        },
        status=status,
    )


def _default_next(account: Account) -> str | None:
    """Operators start at the Public Service Hall desk, everyone else at My data."""
    if has_role(account, Role.OPERATOR):
        return reverse("identity:hall-desk")
    return None


@sensitive_post_parameters("password")
@require_POST
@never_cache
def password_sign_in(request: HttpRequest) -> HttpResponse:
    next_path = safe_next(request, request.POST.get("next"))
    form = PasswordSignInForm(request.POST)
    if not form.is_valid():
        return _sign_in_page(request, form, next_path)
    username = form.cleaned_data["username"]
    account = authenticate(request, username=username, password=form.cleaned_data["password"])
    if not isinstance(account, Account):
        # A locked-out username or address: django-axes' middleware answers with
        # `locked_out` below, which records the attempt.
        if not getattr(request, "axes_locked_out", False):
            services.record_failure(
                request,
                method=SignInMethod.PASSWORD,
                reason="wrong-password",
                account=_known_account(username),
            )
        form.add_error(None, _("The username or password is not right"))
        return _sign_in_page(request, form, next_path)
    next_path = next_path or _default_next(account)
    if password_services.confirmed_totp_device(account) is not None:
        # Not signed in yet: the code comes first.
        request.session.cycle_key()
        request.session[PENDING_SESSION_KEY] = {
            "account": account.pk,
            "at": time.time(),
            "initial": account.must_change_password,
            "next": next_path,
        }
        return HttpResponseRedirect(reverse("identity:password-code"))
    # A one-time password from a Public Service Hall, or an account still without an
    # authenticator app: signed in only to take the steps (new password, app, terms).
    url = services.sign_in(
        request, account, method=SignInMethod.INITIAL_PASSWORD, next_path=next_path
    )
    return HttpResponseRedirect(url)


def _pending(request: HttpRequest) -> tuple[Account, dict[str, Any]] | None:
    pending = request.session.get(PENDING_SESSION_KEY)
    if not isinstance(pending, dict):
        return None
    if time.time() - float(pending.get("at", 0)) > PENDING_SECONDS:
        del request.session[PENDING_SESSION_KEY]
        return None
    account = Account.objects.filter(pk=int(pending.get("account", 0)), is_active=True).first()
    if account is None:
        return None
    return account, pending


def _verify_code(account: Account, form: SecondFactorCodeForm) -> tuple[Any, str | None]:
    """(the device that accepted the code, None) or (None, why it was refused)."""
    code = form.cleaned_data["code"]
    model: type[TOTPDevice] | type[StaticDevice] = TOTPDevice if form.is_totp else StaticDevice
    devices = list(model.objects.filter(user=account, confirmed=True))
    if not devices:
        return None, "wrong-code"
    for device in devices:
        allowed, _details = device.verify_is_allowed()
        if not allowed:
            return None, "code-throttled"
        if device.verify_token(code):
            return device, None
    return None, "wrong-code" if form.is_totp else "wrong-recovery-code"


@sensitive_post_parameters("code")
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def password_code(request: HttpRequest) -> HttpResponse:
    found = _pending(request)
    if found is None:
        messages.info(request, _("Your sign-in took too long. Sign in again."))
        return HttpResponseRedirect(reverse("identity:sign-in") + "#password")
    account, pending = found
    credentials = {"username": account.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        request.session.pop(PENDING_SESSION_KEY, None)
        return locked_out(request, None, credentials)
    form = SecondFactorCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device, refusal = _verify_code(account, form)
        if device is not None:
            return _code_accepted(request, account, pending, device)
        # A wrong code counts like a wrong password towards the lock-out.
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            request.session.pop(PENDING_SESSION_KEY, None)
            return locked_out(request, None, credentials)
        services.record_failure(
            request, method=SignInMethod.PASSWORD, reason=refusal or "wrong-code", account=account
        )
        if refusal == "code-throttled":
            form.add_error("code", _("Too many wrong codes. Wait a few seconds, then try again."))
        else:
            form.add_error("code", _("The code is not right, or it was already used"))
    return render(
        request,
        "identity/password/code.html",
        {"form": form, "errors": error_list(form)},
    )


def _code_accepted(
    request: HttpRequest, account: Account, pending: dict[str, Any], device: Any
) -> HttpResponse:
    del request.session[PENDING_SESSION_KEY]
    method = SignInMethod.INITIAL_PASSWORD if pending.get("initial") else SignInMethod.PASSWORD
    url = services.sign_in(
        request, account, method=method, next_path=pending.get("next"), otp_device=device
    )
    if isinstance(device, StaticDevice):
        left = password_services.recovery_codes_left(account)
        audit.record(
            AuditEvent.Kind.RECOVERY_CODE_USED,
            actor=account,
            subject=account,
            request=request,
            data={"left": left},
        )
        messages.warning(
            request,
            _(
                "You signed in with a recovery code. It cannot be used again; you have %(left)s "
                "left."
            )
            % {"left": left},
        )
    return HttpResponseRedirect(url)


def locked_out(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """django-axes calls this when an account or address is locked out (after
    AXES_FAILURE_LIMIT failures in a row, for AXES_COOLOFF_TIME)."""
    credentials = getattr(request, "axes_credentials", None)
    for arg in (*args, kwargs.get("credentials")):
        if isinstance(arg, dict):
            credentials = arg
    username = str((credentials or {}).get("username") or request.POST.get("username", ""))
    services.record_failure(
        request,
        method=SignInMethod.PASSWORD,
        reason="locked-out",
        account=_known_account(username.strip()),
        locked_out=True,
    )
    cool_off = get_cool_off(request)
    until = timezone.localtime(timezone.now() + cool_off) if cool_off else None
    minutes = round(cool_off.total_seconds() / 60) if cool_off else None
    return render(
        request,
        "identity/password/locked_out.html",
        {"until": until, "minutes": minutes},
        status=429,
    )


# --- The steps after an initial password, and voluntary changes ------------------------


def _after_voluntary_change() -> str:
    try:
        return reverse("identity:profile")
    except NoReverseMatch:
        return reverse("mydata:dashboard")


@sensitive_post_parameters("current_password", "new_password1", "new_password2")
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    account: Any = request.user
    is_step = Step.CHANGE_PASSWORD in pending_steps(request)
    data = request.POST if request.method == "POST" else None
    form = PasswordChangeForm(account, data, require_current=not is_step)
    if request.method == "POST" and form.is_valid():
        password_services.password_change(
            account=account, new_password=form.cleaned_data["new_password1"], request=request
        )
        # The session stays signed in: its hash follows the new password. (Not
        # update_session_auth_hash: that would change the session's key, which the
        # person's list of sessions knows it by.)
        request.session[HASH_SESSION_KEY] = account.get_session_auth_hash()
        if is_step:
            return HttpResponseRedirect(complete_step(request, Step.CHANGE_PASSWORD))
        messages.success(request, _("Your password has been changed."))
        return HttpResponseRedirect(_after_voluntary_change())
    return render(
        request,
        "identity/password/change.html",
        {"form": form, "errors": error_list(form), "is_step": is_step},
    )


@sensitive_post_parameters("code")
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@login_required
def totp_enrol(request: HttpRequest) -> HttpResponse:
    account: Any = request.user
    steps = pending_steps(request)
    is_step = Step.ENROL_TOTP in steps
    if is_step and steps[0] != Step.ENROL_TOTP:
        return HttpResponseRedirect(next_url(request))  # a new password comes first
    if not is_step and not reauthenticated_recently(request):
        # Setting up or replacing a second factor outside the sign-in steps: prove it is
        # you first (a replaced app stops working once the new one is confirmed).
        query = urlencode({"next": request.path})
        return HttpResponseRedirect(f"{reverse('identity:reauth')}?{query}")
    device = password_services.totp_enrolment_device(account=account)
    form = TotpConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        allowed, _details = device.verify_is_allowed()
        if allowed and device.verify_token(form.cleaned_data["code"]):
            codes = password_services.second_factor_enrol(
                account=account, device=device, request=request
            )
            request.session[RECOVERY_CODES_SESSION_KEY] = codes
            request.session[AFTER_CODES_SESSION_KEY] = complete_step(request, Step.ENROL_TOTP)
            return HttpResponseRedirect(reverse("identity:recovery-codes"))
        if allowed:
            form.add_error("code", _("The code is not right. Enter the code the app shows now."))
        else:
            form.add_error("code", _("Too many wrong codes. Wait a few seconds, then try again."))
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "identity/password/totp_enrol.html",
        {
            "form": form,
            "errors": error_list(form),
            "is_step": is_step,
            "replacing": not is_step
            and password_services.confirmed_totp_device(account) is not None,
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
            "issuer": settings.OTP_TOTP_ISSUER,
        },
    )


@require_safe
@never_cache
@login_required
def totp_qr(request: HttpRequest) -> HttpResponse:
    """The QR code of the signed-in person's authenticator app being set up (SVG, or PNG
    with ?format=png); nobody else's, and nothing once the app is confirmed."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("-id").first()
    if device is None:
        raise Http404
    import qrcode

    if request.GET.get("format") == "png":
        buffer = io.BytesIO()
        qrcode.make(device.config_url, box_size=8, border=4).save(buffer, format="PNG")
        return HttpResponse(buffer.getvalue(), content_type="image/png")
    from qrcode.image.svg import SvgPathFillImage

    image = qrcode.make(device.config_url, image_factory=SvgPathFillImage, box_size=12, border=4)
    return HttpResponse(image.to_string(encoding="unicode"), content_type="image/svg+xml")


@require_safe
@never_cache
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The recovery codes of a just confirmed app: shown once, never stored in clear."""
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    continue_url = request.session.get(AFTER_CODES_SESSION_KEY) or next_url(request)
    return render(
        request,
        "identity/password/recovery_codes.html",
        {
            "codes": [password_services.recovery_code_display(code) for code in codes or []],
            "continue_url": continue_url,
        },
    )
