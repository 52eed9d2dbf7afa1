"""What a person must do right after signing in, before any service.

`sign_in()` works out the steps once and keeps them in the session; `LoginStepsMiddleware`
lets a session with steps left reach only those steps (and signing out); each step's view
calls `complete_step()` when it is done, which leads on to the next step or where the
person was going.
"""

from __future__ import annotations

from enum import StrEnum

from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from .models import Account, SignInMethod, TermsAcceptance, TermsVersion

STEPS_SESSION_KEY = "ow_steps"
NEXT_SESSION_KEY = "ow_next"


class Step(StrEnum):
    CHANGE_PASSWORD = "change-password"  # noqa: S105 (a step's name, not a password)
    ENROL_TOTP = "enrol-totp"
    ACCEPT_TERMS = "accept-terms"


# The URL name of each step's page, in the order the steps are taken.
STEP_URL_NAMES = {
    Step.CHANGE_PASSWORD: "identity:password-change",
    Step.ENROL_TOTP: "identity:totp-enrol",
    Step.ACCEPT_TERMS: "identity:accept-terms",
}

# Pages a session with steps left may still open (besides the steps themselves).
ALWAYS_ALLOWED = frozenset(
    {
        "identity:sign-out",
        "identity:signed-out",
        "identity:session-status",
        "identity:session-extend",
        "identity:recovery-codes",
        "identity:totp-qr",
        "set_language",
    }
)


def current_terms() -> TermsVersion | None:
    """The newest published version of the terms of use (None before the first)."""
    return TermsVersion.objects.filter(published_at__isnull=False).order_by("-version").first()


def has_accepted(account: Account, terms: TermsVersion) -> bool:
    return TermsAcceptance.objects.filter(account=account, terms=terms).exists()


def outstanding_steps(account: Account, method: str) -> list[Step]:
    steps: list[Step] = []
    if method in (SignInMethod.PASSWORD, SignInMethod.INITIAL_PASSWORD):
        if account.must_change_password:
            steps.append(Step.CHANGE_PASSWORD)
        # A password alone is one factor: every password account has a TOTP device.
        from django_otp.plugins.otp_totp.models import TOTPDevice

        if not TOTPDevice.objects.filter(user=account, confirmed=True).exists():
            steps.append(Step.ENROL_TOTP)
    terms = current_terms()
    if terms is not None and not has_accepted(account, terms):
        steps.append(Step.ACCEPT_TERMS)
    return steps


def safe_next(request: HttpRequest, candidate: str | None) -> str | None:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


def pending_steps(request: HttpRequest) -> list[str]:
    return list(request.session.get(STEPS_SESSION_KEY, []))


def next_url(request: HttpRequest) -> str:
    """Where to go now: the first step left, else where the person was going, else My data."""
    steps = pending_steps(request)
    if steps:
        return reverse(STEP_URL_NAMES[Step(steps[0])])
    return request.session.pop(NEXT_SESSION_KEY, None) or reverse("mydata:dashboard")


def complete_step(request: HttpRequest, step: Step) -> str:
    """Mark a step done and return the URL to go to next."""
    steps = [s for s in pending_steps(request) if s != step]
    request.session[STEPS_SESSION_KEY] = steps
    return next_url(request)
