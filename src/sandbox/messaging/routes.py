"""HTTP: the SMS gateway's API and outbox, the mailbox's JSON and HTML pages."""

from __future__ import annotations

from html import escape
from typing import Annotated

from fastapi import APIRouter, FastAPI, Query
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from .store import Mail, Messaging, Sms

PHONE_PATTERN = r"^\+[1-9]\d{7,14}$"  # E.164, e.g. +995555123456


class SmsRequest(BaseModel):
    """A message to send: `to` in E.164, the sender's name, the text."""

    model_config = ConfigDict(extra="forbid")

    to: str = Field(pattern=PHONE_PATTERN, examples=["+995555123456"])
    sender: str = Field(min_length=1, max_length=20, examples=["OneWindow"])
    text: str = Field(min_length=1, max_length=1600)


class SmsAccepted(BaseModel):
    id: str


def install(app: FastAPI) -> Messaging:
    """Add the gateway and the mailbox to `app`; their store is `app.state.messaging`."""
    messaging = Messaging()
    app.state.messaging = messaging
    app.include_router(router(messaging))
    return messaging


def router(messaging: Messaging) -> APIRouter:
    routes = APIRouter()

    @routes.post("/sms-gateway/messages", status_code=201, include_in_schema=False)
    async def send_sms(body: SmsRequest) -> SmsAccepted:
        message = messaging.add_sms(to=body.to, sender=body.sender, text=body.text)
        return SmsAccepted(id=message.id)

    @routes.get("/sms-gateway/messages", include_in_schema=False)
    async def sms_list(
        to: Annotated[str | None, Query(pattern=PHONE_PATTERN)] = None,
    ) -> JSONResponse:
        return JSONResponse([message.as_json() for message in messaging.sms(to)])

    @routes.get("/sms-gateway/", include_in_schema=False)
    async def sms_outbox() -> HTMLResponse:
        return HTMLResponse(_page("SMS gateway — outbox", _sms_rows(messaging.sms())))

    @routes.get("/mailbox/messages", include_in_schema=False)
    async def mail_list(to: Annotated[str | None, Query(max_length=254)] = None) -> JSONResponse:
        return JSONResponse([message.as_json() for message in messaging.mail(to)])

    @routes.get("/mailbox/", include_in_schema=False)
    async def mailbox() -> HTMLResponse:
        return HTMLResponse(_page("Mailbox", _mail_rows(messaging.mail())))

    return routes


_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem;line-height:1.5}"
    "table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;"
    "padding:.5rem;border-bottom:1px solid #b1b4b6}pre{white-space:pre-wrap;margin:0;"
    "font:inherit}"
)


def _page(title: str, rows: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)} (OneWindow sandbox)</title><style>{_STYLE}</style></head>"
        f"<body><main><h1>{escape(title)}</h1>"
        "<p>Messages the sandbox received, newest first. Reload the page to see new ones. "
        "Nothing here is really sent.</p>"
        f"{rows}</main></body></html>"
    )


def _table(headings: tuple[str, ...], body: str, empty: str) -> str:
    if not body:
        return f"<p>{escape(empty)}</p>"
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headings)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _sms_rows(messages: list[Sms]) -> str:
    body = "".join(
        f"<tr><td>{escape(m.received_at)}</td><td>{escape(m.to)}</td>"
        f"<td>{escape(m.sender)}</td><td><pre>{escape(m.text)}</pre></td></tr>"
        for m in messages
    )
    return _table(("Received", "To", "From", "Text"), body, "No SMS yet.")


def _mail_rows(messages: list[Mail]) -> str:
    body = "".join(
        f"<tr><td>{escape(m.received_at)}</td><td>{escape(', '.join(m.to))}</td>"
        f"<td>{escape(m.sender)}</td><td><strong>{escape(m.subject)}</strong>"
        f"<pre>{escape(m.text)}</pre></td></tr>"
        for m in messages
    )
    return _table(("Received", "To", "From", "Message"), body, "No e-mail yet.")
