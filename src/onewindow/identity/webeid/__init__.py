"""Web eID authentication-token validation (pure Python, no Django): the public interface.

`validate_token()` checks a token from the card agent (or Web eID) against the challenge
nonce, the site origin, the trusted ID-card CAs and, optionally, OCSP.
"""

from .certificates import DEFAULT_DISALLOWED, TrustedCa, load_trusted_cas
from .errors import Reason, TokenRejected
from .ocsp import OcspChecker
from .validator import ValidatedCard, check_origin, check_token_signature, validate_token

__all__ = [
    "DEFAULT_DISALLOWED",
    "OcspChecker",
    "Reason",
    "TokenRejected",
    "TrustedCa",
    "ValidatedCard",
    "check_origin",
    "check_token_signature",
    "load_trusted_cas",
    "validate_token",
]
