"""The OneWindow data-exchange protocol (docs/exchange-protocol.md), without Django.

Both the portal (`onewindow.exchange`) and the agencies (`sandbox`, or a real agency's
adapter) sign and verify their messages with it.
"""

from __future__ import annotations

from .errors import REASONS, ProtocolRefusal, ResponseTampered
from .keys import TrustStore, load_private_key
from .messages import DocumentRef, QueryBody, RequestMeta, Subject
from .parties import AGENCIES, AGENCY_OPERATIONS, DEFAULT_PARTIES, PORTAL, PURPOSES
from .replay import ReplayCache
from .signing import (
    CLOCK_SKEW_SECONDS,
    MAX_BODY_BYTES,
    SIGNATURE_LIFETIME_SECONDS,
    sign_request,
    sign_response,
    verify_request,
    verify_response,
)

__all__ = [
    "AGENCIES",
    "AGENCY_OPERATIONS",
    "CLOCK_SKEW_SECONDS",
    "DEFAULT_PARTIES",
    "MAX_BODY_BYTES",
    "PORTAL",
    "PURPOSES",
    "REASONS",
    "SIGNATURE_LIFETIME_SECONDS",
    "DocumentRef",
    "ProtocolRefusal",
    "QueryBody",
    "ReplayCache",
    "RequestMeta",
    "ResponseTampered",
    "Subject",
    "TrustStore",
    "load_private_key",
    "sign_request",
    "sign_response",
    "verify_request",
    "verify_response",
]
