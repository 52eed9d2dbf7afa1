"""`{% extract_request_key kind %}` and `{% copy_request_key registration_number %}`: the
hidden field with the one-time key of a button that issues a sealed document to the
signed-in person (`signing.issue_requests`): pressing it twice issues one document."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from .. import issue_requests

register = template.Library()


@register.simple_tag(takes_context=True)
def extract_request_key(context: template.Context, kind: str) -> SafeString:
    return _hidden_key(context, issue_requests.extract_purpose(kind))


@register.simple_tag(takes_context=True)
def copy_request_key(context: template.Context, registration_number: str) -> SafeString:
    return _hidden_key(context, issue_requests.copy_purpose(str(registration_number)))


def _hidden_key(context: template.Context, purpose: str) -> SafeString:
    request: Any = context.get("request")
    account = getattr(request, "user", None)
    if account is None or not account.is_authenticated:
        return SafeString("")  # the buttons are on signed-in pages only
    return format_html(
        '<input type="hidden" name="{}" value="{}">',
        issue_requests.FIELD,
        issue_requests.request_token(account=account, purpose=purpose),
    )
