"""The Public Service Hall desk (operators only): look a person up, register them or give
them a new one-time password, and print the slip once.

What the operator looked up, and the slip until it is printed, live in the operator's own
session; the one-time password is never stored in clear anywhere else.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ..models import Account
from ..password.forms import error_list
from ..password.services import confirmed_totp_device
from ..roles import Role, role_required
from .forms import LookupForm, RegisterForm, ResetForm
from .services import (
    AlreadyRegistered,
    LookupFailed,
    Person,
    hall_of,
    hall_register,
    hall_reset,
    person_lookup,
    username_suggest,
)
from .slip import Slip, slip_pdf

LOOKUP_SESSION_KEY = "ow_hall_lookup"
SLIP_SESSION_KEY = "ow_hall_slip"
# A registration or reset uses the registry's answer for at most this long.
LOOKUP_SECONDS = 15 * 60


def _operator(request: HttpRequest) -> Account:
    account: Any = request.user
    assert isinstance(account, Account)  # noqa: S101 (role_required signed them in)
    return account


def _looked_up(request: HttpRequest) -> Person | None:
    stored = request.session.get(LOOKUP_SESSION_KEY)
    if not isinstance(stored, dict):
        return None
    if time.time() - float(stored.get("at", 0)) > LOOKUP_SECONDS:
        del request.session[LOOKUP_SESSION_KEY]
        return None
    return Person.from_session(stored["person"])


def _pending_slip(request: HttpRequest) -> Slip | None:
    stored = request.session.get(SLIP_SESSION_KEY)
    return Slip.from_session(stored) if isinstance(stored, dict) else None


@role_required(Role.OPERATOR)
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def hall_desk(request: HttpRequest) -> HttpResponse:
    operator = _operator(request)
    form = LookupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            person = person_lookup(
                operator=operator,
                personal_number=form.cleaned_data["personal_number"],
                request=request,
            )
        except LookupFailed as failure:
            form.add_error(
                "personal_number",
                _("The civil registry has no person with this personal number")
                if failure.not_found
                else _("The civil registry did not answer. Try again in a minute"),
            )
        else:
            request.session[LOOKUP_SESSION_KEY] = {
                "at": time.time(),
                "person": person.to_session(),
            }
            return HttpResponseRedirect(reverse("identity:hall-person"))
    return render(
        request,
        "identity/hall/desk.html",
        {"form": form, "errors": error_list(form), "hall": hall_of(operator)},
    )


def _person_page(
    request: HttpRequest,
    person: Person,
    *,
    register_form: RegisterForm | None = None,
    reset_form: ResetForm | None = None,
) -> HttpResponse:
    account = Account.objects.filter(personal_number=person.personal_number).first()
    slip = _pending_slip(request)
    if slip is not None and slip.personal_number != person.personal_number:
        slip = None
    if account is None and register_form is None:
        register_form = RegisterForm(person=person, initial={"username": username_suggest(person)})
    if account is not None and reset_form is None:
        reset_form = ResetForm(person=person)
    form = register_form if account is None else reset_form
    return render(
        request,
        "identity/hall/person.html",
        {
            "person": person,
            "account": account,
            "has_second_factor": account is not None and confirmed_totp_device(account) is not None,
            "slip": slip,
            "form": form,
            "errors": error_list(form) if form is not None and form.is_bound else [],
            "hall": hall_of(_operator(request)),
        },
    )


def _lookup_again(request: HttpRequest) -> HttpResponse:
    messages.info(request, _("Look the person up again: the registry's answer is too old."))
    return HttpResponseRedirect(reverse("identity:hall-desk"))


@role_required(Role.OPERATOR)
@require_safe
@never_cache
def hall_person(request: HttpRequest) -> HttpResponse:
    person = _looked_up(request)
    if person is None:
        return HttpResponseRedirect(reverse("identity:hall-desk"))
    return _person_page(request, person)


@role_required(Role.OPERATOR)
@require_POST
@never_cache
def hall_register_view(request: HttpRequest) -> HttpResponse:
    person = _looked_up(request)
    if person is None:
        return _lookup_again(request)
    if Account.objects.filter(personal_number=person.personal_number).exists():
        messages.error(request, _("This person already has an account."))
        return HttpResponseRedirect(reverse("identity:hall-person"))
    form = RegisterForm(request.POST, person=person)
    if not form.is_valid():
        return _person_page(request, person, register_form=form)
    operator = _operator(request)
    try:
        account, password = hall_register(
            operator=operator,
            person=person,
            username=form.cleaned_data["username"],
            document=form.document,
            request=request,
        )
    except AlreadyRegistered:
        form.add_error("username", _("This username is taken. Choose another one"))
        return _person_page(request, person, register_form=form)
    _keep_slip(request, account, person, password, kind="registered")
    return HttpResponseRedirect(reverse("identity:hall-person"))


@role_required(Role.OPERATOR)
@require_POST
@never_cache
def hall_reset_view(request: HttpRequest) -> HttpResponse:
    person = _looked_up(request)
    if person is None:
        return _lookup_again(request)
    account = Account.objects.filter(personal_number=person.personal_number).first()
    if account is None:
        return HttpResponseRedirect(reverse("identity:hall-person"))
    form = ResetForm(request.POST, person=person)
    if not form.is_valid():
        return _person_page(request, person, reset_form=form)
    password = hall_reset(
        operator=_operator(request),
        account=account,
        document=form.document,
        remove_second_factor=form.cleaned_data["remove_second_factor"],
        request=request,
    )
    _keep_slip(request, account, person, password, kind="reset")
    return HttpResponseRedirect(reverse("identity:hall-person"))


def _keep_slip(
    request: HttpRequest, account: Account, person: Person, password: str, *, kind: str
) -> None:
    slip = Slip(
        account=account.pk,
        personal_number=person.personal_number,
        username=account.get_username(),
        password=password,
        kind=kind,
        name_ka=person.name("ka"),
        name_en=person.name("en"),
        made_at=timezone.now().isoformat(),
    )
    request.session[SLIP_SESSION_KEY] = slip.to_session()


@role_required(Role.OPERATOR)
@require_POST
@never_cache
def hall_slip(request: HttpRequest) -> HttpResponse:
    """The slip as a PDF, once: the one-time password leaves the session with it."""
    slip = _pending_slip(request)
    if slip is None:
        messages.error(
            request,
            _(
                "The slip has already been printed, so its password is no longer known. If "
                "the slip is lost, give the person a new one-time password."
            ),
        )
        return HttpResponseRedirect(reverse("identity:hall-person"))
    operator = _operator(request)
    name = f"{operator.first_name} {operator.last_name}".strip() or operator.get_username()
    pdf = slip_pdf(slip=slip, operator_name=name, hall=hall_of(operator))
    del request.session[SLIP_SESSION_KEY]
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="slip-{slip.username}.pdf"'
    return response
