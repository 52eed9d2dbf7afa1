"""Sending SMS through a provider's HTTP API (the sandbox SMS gateway by default).

The provider interface: POST {SMS_PROVIDER_URL}/messages with JSON
{"to": "+9955XXXXXXXX", "sender": "...", "text": "..."} → 201 {"id": "..."}.
A real provider is another class with the same `send()`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

import httpx


class SmsNotSent(Exception):
    """The provider did not accept the message."""


@dataclass(frozen=True)
class HttpSmsProvider:
    base_url: str
    sender: str
    timeout: float = 5.0

    def send(self, to: str, text: str) -> str:
        try:
            response = httpx.post(
                f"{self.base_url.rstrip('/')}/messages",
                json={"to": to, "sender": self.sender, "text": text},
                timeout=self.timeout,
            )
        except httpx.HTTPError as error:
            raise SmsNotSent(str(error)) from error
        if response.status_code != 201:
            raise SmsNotSent(f"provider answered {response.status_code}")
        return str(response.json().get("id", ""))


def provider() -> HttpSmsProvider:
    return HttpSmsProvider(settings.SMS_PROVIDER_URL, settings.SMS_SENDER)
