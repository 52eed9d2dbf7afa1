"""The agent's responses: JSON that is never cached, HTML dialog pages under a strict CSP."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, Response

# connect-src: the signing dialog's waiting page asks the agent's own status URL by fetch.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HTML_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # the form POST then carries our Origin, not "null"
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "unsafe-none",
}


def json_response(content: dict[str, Any], status: int = 200) -> JSONResponse:
    return JSONResponse(
        content,
        status_code=status,
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )


def html_response(content: str, status: int = 200) -> Response:
    return Response(content, status_code=status, media_type="text/html", headers=HTML_HEADERS)
