"""First-time registration after an ID-card sign-in: terms of use, e-mail address and
mobile number (each confirmed with a code), then the account — created only at the end.

The registration lives in the session (`pending.PendingRegistration`); each page leads to
the first step not yet done.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from onewindow.identity.account import terms as terms_text
from onewindow.identity.confirmation import CheckResult, check_code, send_code
from onewindow.identity.models import ConfirmationCode, TermsVersion
from onewindow.identity.sms import SmsNotSent
from onewindow.identity.steps import current_terms

from .forms import CodeForm, EmailForm, ErrorListMixin, MobileForm, TermsForm, display_mobile
from .pending import PendingRegistration
from .services import account_register

STEP_COUNT = 4
View = Callable[..., HttpResponse]


def _terms_done(registration: PendingRegistration, terms: TermsVersion | None) -> bool:
    return terms is None or registration.terms_version == terms.version


def first_step_left(registration: PendingRegistration) -> str:
    """The URL of the first step not yet done (the summary when all are)."""
    if not _terms_done(registration, current_terms()):
        return reverse("identity:idcard-register")
    if not registration.email_confirmed:
        return reverse("identity:idcard-register-email")
    if not registration.mobile_confirmed:
        return reverse("identity:idcard-register-mobile")
    return reverse("identity:idcard-register-confirm")


def _registering(view: View) -> View:
    """Only with a registration in progress; others go to the sign-in page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        registration = PendingRegistration.load(request)
        if registration is None or request.user.is_authenticated:
            messages.info(
                request,
                _(
                    "Your registration has expired or was not started. Sign in with your ID "
                    "card to start again."
                ),
            )
            return HttpResponseRedirect(reverse("identity:sign-in"))
        return view(request, registration, *args, **kwargs)

    return never_cache(require_http_methods(["GET", "HEAD", "POST"])(wrapper))


def _page(
    request: HttpRequest, template: str, form: ErrorListMixin | None, **context: Any
) -> HttpResponse:
    errors = form.error_list() if form is not None else []
    return render(
        request,
        f"identity/idcard/{template}",
        {"form": form, "errors": errors, "step_count": STEP_COUNT, **context},
        status=400 if errors else 200,
    )


@_registering
def register(request: HttpRequest, registration: PendingRegistration) -> HttpResponse:
    """Step 1: who the person is (from the Civil Registry) and the terms of use."""
    terms = current_terms()
    form = TermsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and (terms is None or form.is_valid()):
        registration.terms_version = terms.version if terms is not None else None
        registration.save(request)
        return HttpResponseRedirect(reverse("identity:idcard-register-email"))
    language = get_language() or "ka"
    blocks = terms_text.blocks(terms_text.body(terms, language), language) if terms else []
    return _page(
        request,
        "register_terms.html",
        form if terms is not None else None,
        registration=registration,
        terms=terms,
        terms_blocks=blocks,
        step=1,
    )


@dataclass(frozen=True)
class ContactStep:
    """The e-mail step and the mobile step differ only in these."""

    channel: ConfirmationCode.Channel
    field: str  # the form field and the PendingRegistration attribute
    form_class: type[EmailForm] | type[MobileForm]
    step: int
    title: Promise
    hint: Promise
    sent: Promise  # "We sent a code to %(destination)s…"
    not_sent: Promise
    change: Promise
    url_name: str
    next_url_name: str

    def value(self, registration: PendingRegistration) -> str:
        return str(getattr(registration, self.field))

    def shown(self, value: str) -> str:
        return display_mobile(value) if self.channel == ConfirmationCode.Channel.SMS else value

    def confirmed(self, registration: PendingRegistration) -> bool:
        return bool(getattr(registration, f"{self.field}_confirmed"))

    def ready(self, registration: PendingRegistration) -> bool:
        """Whether the steps before this one are done."""
        if not _terms_done(registration, current_terms()):
            return False
        return self.channel == ConfirmationCode.Channel.EMAIL or registration.email_confirmed


EMAIL_STEP = ContactStep(
    channel=ConfirmationCode.Channel.EMAIL,
    field="email",
    form_class=EmailForm,
    step=2,
    title=gettext_lazy("Your e-mail address"),
    hint=gettext_lazy("We will send a code to it now, and notices about your applications later."),
    sent=gettext_lazy(
        "We sent a 6-digit code to %(destination)s. It works for 10 minutes. If it has not "
        "arrived, check your spam folder."
    ),
    not_sent=gettext_lazy(
        "We could not send a code to this e-mail address. Check it, or try again later."
    ),
    change=gettext_lazy("Change the e-mail address"),
    url_name="identity:idcard-register-email",
    next_url_name="identity:idcard-register-mobile",
)
MOBILE_STEP = ContactStep(
    channel=ConfirmationCode.Channel.SMS,
    field="mobile",
    form_class=MobileForm,
    step=3,
    title=gettext_lazy("Your mobile phone number"),
    hint=gettext_lazy("A Georgian mobile number, like 555 12 34 56. We will send a code by SMS."),
    sent=gettext_lazy("We sent a 6-digit code by SMS to %(destination)s. It works for 10 minutes."),
    not_sent=gettext_lazy("We could not send an SMS to this number. Check it, or try again later."),
    change=gettext_lazy("Change the mobile number"),
    url_name="identity:idcard-register-mobile",
    next_url_name="identity:idcard-register-confirm",
)

CODE_ERRORS: dict[CheckResult, Promise] = {
    CheckResult.WRONG: gettext_lazy("The code is not right. Check it and try again"),
    CheckResult.EXPIRED: gettext_lazy("The code has expired or was already used. Send a new code"),
    CheckResult.TOO_MANY: gettext_lazy("You entered a wrong code too many times. Send a new code"),
}


def _send(request: HttpRequest, step: ContactStep, destination: str) -> bool:
    try:
        send_code(request, step.channel, destination)
    except (SmsNotSent, smtplib.SMTPException, OSError):
        return False
    return True


def _contact(
    request: HttpRequest, registration: PendingRegistration, step: ContactStep
) -> HttpResponse:
    if not step.ready(registration):
        return HttpResponseRedirect(first_step_left(registration))
    value = step.value(registration)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    address_form: Any = step.form_class(initial={step.field: step.shown(value)} if value else None)
    code_form = CodeForm()
    if action == "send":
        address_form = step.form_class(request.POST)
        if address_form.is_valid():
            destination = address_form.cleaned_data[step.field]
            if _send(request, step, destination):
                setattr(registration, step.field, destination)
                setattr(registration, f"{step.field}_confirmed", False)
                registration.save(request)
                return HttpResponseRedirect(reverse(step.url_name))
            address_form.add_error(step.field, str(step.not_sent))
        return _contact_page(request, registration, step, address_form=address_form)
    if action == "resend" and value:
        if _send(request, step, value):
            messages.success(
                request,
                _("We sent a new code to %(destination)s.") % {"destination": step.shown(value)},
            )
            return HttpResponseRedirect(reverse(step.url_name))
        code_form.add_error("code", str(step.not_sent))
        return _contact_page(request, registration, step, code_form=code_form)
    if action == "confirm" and value:
        code_form = CodeForm(request.POST)
        if code_form.is_valid():
            result = check_code(request, step.channel, value, code_form.cleaned_data["code"])
            if result == CheckResult.CONFIRMED:
                setattr(registration, f"{step.field}_confirmed", True)
                registration.save(request)
                return HttpResponseRedirect(reverse(step.next_url_name))
            code_form.add_error("code", str(CODE_ERRORS[result]))
        return _contact_page(request, registration, step, code_form=code_form)
    if request.method == "POST":
        return HttpResponseRedirect(reverse(step.url_name))
    if value and not step.confirmed(registration) and request.GET.get("change") != "1":
        return _contact_page(request, registration, step, code_form=code_form)
    return _contact_page(request, registration, step, address_form=address_form)


def _contact_page(
    request: HttpRequest,
    registration: PendingRegistration,
    step: ContactStep,
    *,
    address_form: Any = None,
    code_form: CodeForm | None = None,
) -> HttpResponse:
    value = step.value(registration)
    form = code_form if code_form is not None else address_form
    return _page(
        request,
        "register_contact.html",
        form,
        registration=registration,
        contact=step,
        step=step.step,
        code_form=code_form,
        address_form=address_form,
        sent=str(step.sent) % {"destination": step.shown(value)} if value else "",
    )


@_registering
def register_email(request: HttpRequest, registration: PendingRegistration) -> HttpResponse:
    """Step 2: an e-mail address, confirmed with a code sent to it."""
    return _contact(request, registration, EMAIL_STEP)


@_registering
def register_mobile(request: HttpRequest, registration: PendingRegistration) -> HttpResponse:
    """Step 3: a Georgian mobile number, confirmed with a code sent by SMS."""
    return _contact(request, registration, MOBILE_STEP)


@_registering
def register_confirm(request: HttpRequest, registration: PendingRegistration) -> HttpResponse:
    """Step 4: check the details and create the account (and sign in)."""
    left = first_step_left(registration)
    if left != reverse("identity:idcard-register-confirm"):
        return HttpResponseRedirect(left)
    if request.method == "POST":
        try:
            return HttpResponseRedirect(
                account_register(request, registration=registration, terms=current_terms())
            )
        except IntegrityError:
            PendingRegistration.clear(request)
            messages.info(
                request,
                _("You already have an account. Sign in with your ID card."),
            )
            return HttpResponseRedirect(reverse("identity:sign-in"))
    return _page(
        request,
        "register_confirm.html",
        None,
        registration=registration,
        mobile_shown=display_mobile(registration.mobile),
        step=4,
    )
