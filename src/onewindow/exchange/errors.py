"""Typed errors of the exchange: why an agency's answer is missing, for people and for logs.

`reason` is a code for logs and tests; `message` is what a person is shown (translated).
"""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ExchangeError(Exception):
    """An agency's answer is missing or unusable; one section of a page shows `message`."""

    default_message: ClassVar[Promise] = _(
        "The information could not be received from the agency. Please try again later."
    )

    def __init__(self, reason: str, detail: str = "", *, agency: str = "") -> None:
        self.reason = reason
        self.detail = detail or reason
        self.agency = agency
        super().__init__(f"{agency or 'exchange'}: {reason}: {self.detail}")

    @property
    def message(self) -> Promise:
        return self.default_message


class AgencyUnavailable(ExchangeError):
    """No answer: timeout, connection refused, a server error, or the circuit is open."""

    default_message = _(
        "The agency's service is not available at the moment. Please try again later."
    )


class AgencyRefused(ExchangeError):
    """The agency answered with a problem (4xx) naming its reason."""

    default_message = _("The agency refused the request.")


class SubjectNotFound(AgencyRefused):
    """The agency holds no record of the person or company asked about."""

    default_message = _("The agency holds no record about this person or company.")


class ResponseTampered(ExchangeError):
    """The answer's signature, signer, digest or request id does not match; not used."""

    default_message = _("The agency's answer could not be verified, so it is not shown.")


class MalformedResponse(ExchangeError):
    """The answer is not the documented JSON (envelope, echo or data shape); not used."""

    default_message = _("The agency's answer was not in the expected form, so it is not shown.")


class AppendOnlyViolation(Exception):
    """Code tried to change or delete an entry of an append-only log."""


class ExchangeNotConfigured(ImproperlyConfigured):
    """The portal's exchange key or the trusted certificates are missing."""
