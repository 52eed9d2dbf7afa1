"""The agencies' endpoint: access reports, verified and answered with signed responses."""

from __future__ import annotations

import datetime
import json

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from owexchange import AGENCIES, ProtocolRefusal, RequestMeta, sign_response, verify_request
from owexchange.messages import REQUEST_ID

from .credentials import portal_credentials
from .replay import SharedReplayCache
from .reports import MAX_REPORT_BYTES, parse_access_report
from .services import access_report_record, message_log_record
from .transport import LoggedMessage

OPERATION = "access-reports"
_replay = SharedReplayCache()


@csrf_exempt
@require_POST
def access_reports(request: HttpRequest) -> HttpResponse:
    """`POST /api/exchange/v1/access-reports`: 202 and every entry in the access log, or a
    signed problem naming the reason; either way both messages are in the message log."""
    received_at = datetime.datetime.now(datetime.UTC)
    credentials = portal_credentials()
    meta: RequestMeta | None = None
    body = b""
    try:
        body = _body(request)
        meta = verify_request(
            method=request.method or "POST",
            url=request.build_absolute_uri(),
            headers=request.headers,
            body=body,
            trust=credentials.trust,
            replay=_replay,
            max_body=MAX_REPORT_BYTES,
        )
        if meta.client not in AGENCIES:
            raise ProtocolRefusal("unknown-client", 403, "Only agencies report accesses.")
        if meta.purpose != "access-report" or meta.user != "system:access-report":
            raise ProtocolRefusal(
                "bad-request",
                detail="An access report has OW-Purpose access-report and "
                "OW-User system:access-report.",
            )
        entries = parse_access_report(body, now=received_at)
    except ProtocolRefusal as refusal:
        request_id = meta.request_id if meta else _claimed_request_id(request)
        response = _signed(
            status=refusal.status,
            payload=refusal.problem(request_id or None),
            request_id=request_id,
            content_type="application/problem+json",
        )
        request_log = _request_log(request, body, meta, received_at)
        request_log.refusal, request_log.detail = refusal.reason, refusal.detail
        message_log_record(messages=[request_log, _response_log(response, request_log)])
        return response
    response = _signed(
        status=202,
        payload={"request_id": meta.request_id, "accepted": len(entries)},
        request_id=meta.request_id,
    )
    request_log = _request_log(request, body, meta, received_at)
    access_report_record(
        agency=meta.client,
        request_id=meta.request_id,
        entries=entries,
        messages=[request_log, _response_log(response, request_log)],
    )
    return response


def _claimed_request_id(request: HttpRequest) -> str:
    """The request id an unverified request names, if it has the protocol's form."""
    claimed = request.headers.get("OW-Request-Id", "")
    return claimed if REQUEST_ID.fullmatch(claimed) else ""


def _body(request: HttpRequest) -> bytes:
    declared = request.META.get("CONTENT_LENGTH") or ""
    too_large = ProtocolRefusal(
        "too-large", detail=f"A report has at most {MAX_REPORT_BYTES} bytes."
    )
    if declared.isdigit() and int(declared) > MAX_REPORT_BYTES:
        raise too_large
    try:
        return request.body
    except RequestDataTooBig:
        raise too_large from None


def _signed(
    *,
    status: int,
    payload: dict[str, object],
    request_id: str,
    content_type: str = "application/json",
) -> HttpResponse:
    credentials = portal_credentials()
    body = json.dumps(payload).encode()
    headers = sign_response(
        status=status,
        body=body,
        request_id=request_id,
        key=credentials.key,
        key_id=credentials.client_id,
        content_type=content_type,
    )
    return HttpResponse(body, status=status, headers=headers)


def _request_log(
    request: HttpRequest, body: bytes, meta: RequestMeta | None, received_at: datetime.datetime
) -> LoggedMessage:
    peer = meta.client if meta else request.headers.get("OW-Client", "")
    return LoggedMessage(
        direction="in",
        kind="request",
        peer=peer[:64],
        operation=OPERATION,
        request_id=meta.request_id if meta else _claimed_request_id(request),
        occurred_at=received_at,
        method=request.method or "",
        url=request.build_absolute_uri()[:500],
        headers=dict(request.headers.items()),
        body=body,
        verified=meta is not None,
    )


def _response_log(response: HttpResponse, request_log: LoggedMessage) -> LoggedMessage:
    return LoggedMessage(
        direction="out",
        kind="response",
        peer=request_log.peer,
        operation=OPERATION,
        request_id=request_log.request_id,
        occurred_at=datetime.datetime.now(datetime.UTC),
        status=response.status_code,
        headers=dict(response.items()),
        body=response.content,
        verified=True,
    )
