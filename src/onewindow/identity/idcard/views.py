"""ID-card sign-in over JSON: the challenge and the token (docs/identity.md).

The page's script (frontend/js/idcard.mjs) asks for a challenge, has the card agent sign
it, and posts the token here; the answer names the page to go to, or says in the page's
language why the card was refused.
"""

from __future__ import annotations

import json
from typing import Any, Final

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from onewindow.identity import services as identity_services
from onewindow.identity.models import SignInMethod
from onewindow.identity.webeid import Reason, TokenRejected

from . import refusals, validation
from .services import Refused, card_accept, challenge_issue, challenge_take

# A web-eid:1.0 token with a 4096-bit RSA certificate is some 3 KB; 1.1 adds signing
# certificates. Anything much larger is not a token.
MAX_BODY_BYTES: Final = 32 * 1024


@never_cache
@require_POST
def challenge(request: HttpRequest) -> JsonResponse:
    """A new nonce for this session. `reauth=1` (query or form) when a signed-in person
    proves it is still them; `next`: where to go afterwards."""
    values = request.POST if request.POST else request.GET
    reauth = values.get("reauth") == "1"
    nonce = challenge_issue(request, reauth=reauth, next_path=values.get("next"))
    return JsonResponse({"nonce": nonce})


@never_cache
@require_POST
def token(request: HttpRequest) -> JsonResponse:
    """`{"token": {web-eid token}}` → `{"redirect": url}` or 4xx `{"error", "code"}`."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isdigit() or int(declared) > MAX_BODY_BYTES:
        return _refused(request, Refused(Reason.TOO_LONG, status=413))
    try:
        found = challenge_take(request)
    except Refused as refusal:
        return _refused(request, refusal)
    if len(request.body) > MAX_BODY_BYTES:
        return _refused(request, Refused(Reason.TOO_LONG, status=413))
    body = _token_text(request.body)
    if body is None:
        return _refused(request, Refused(Reason.MALFORMED))
    try:
        card = validation.validate(body, nonce=found.nonce)
        return JsonResponse({"redirect": card_accept(request, card, found)})
    except TokenRejected as rejection:
        return _refused(request, Refused(rejection.reason))
    except Refused as refusal:
        return _refused(request, refusal)


def _token_text(body: bytes) -> str | None:
    """The token of `{"token": {…}}` as JSON text for the validator (which reads it
    strictly), or None if the body is not that shape."""
    try:
        payload: Any = json.loads(body, object_pairs_hook=_no_duplicates)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("token"), dict):
        return None
    return json.dumps(payload["token"])


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    names = [name for name, _ in pairs]
    if len(names) != len(set(names)):
        raise ValueError("a name appears twice")
    return dict(pairs)


def _refused(request: HttpRequest, refusal: Refused) -> JsonResponse:
    identity_services.record_failure(
        request, method=SignInMethod.ID_CARD, reason=refusal.reason, account=refusal.account
    )
    return JsonResponse(
        {"error": refusals.message(refusal.reason), "code": refusal.reason},
        status=refusal.status,
    )
