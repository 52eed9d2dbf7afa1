"""The request guards the sign-in and the signing API share: origins, body limits, bodies.

Both APIs refuse the same things with the same answers, so a change to one guard reaches
both (docs/identity.md and docs/signing.md: "same guards as sign-in").
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from .responses import json_response

MAX_BODY_BYTES = 4096
MAX_OPEN_REQUESTS = 64


def origin_allowed(request: Request, allowed: frozenset[str], *, required: bool) -> bool:
    """Whether the request's Origin is on the list; a request without one passes if optional.

    The portal's API calls must name an allowed origin; the dialog's own form posts and
    fetches may come without one (a top-level navigation), but never from another site.
    """
    origin = request.headers.get("origin")
    if origin is None:
        return not required
    return origin in allowed


def origin_refused() -> Response:
    return json_response({"error": "origin-not-allowed"}, 403)


async def json_body(request: Request) -> dict[str, Any] | Response:
    """An API call's JSON object, or the refusal: wrong type 415, too large 413, else 400."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return json_response({"error": "content-type must be application/json"}, 415)
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        return json_response({"error": "request too large"}, 413)
    try:
        payload = json.loads(body)
    except ValueError:
        return json_response({"error": "malformed JSON"}, 400)
    if not isinstance(payload, dict):
        return json_response({"error": "malformed request"}, 400)
    return payload


async def submit_dialog_form(
    request: Request,
    own_origins: frozenset[str],
    submit: Callable[[str, dict[str, str]], Response],
) -> Response:
    """A dialog page's form post, if it came from the agent's own page: `submit(id, form)`.

    `submit` gets the first value of each field and runs in a worker thread, since the card
    operations behind it block.
    """
    if not origin_allowed(request, own_origins, required=False):
        return origin_refused()
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        return json_response({"error": "request too large"}, 413)
    form = {key: values[0] for key, values in parse_qs(body.decode("utf-8", "replace")).items()}
    return await run_in_threadpool(submit, request.path_params["request_id"], form)
