"""Pressing the buttons that issue a sealed document, as a browser does: each form's
one-time request key read from the page it is on (`signing.issue_requests`)."""

from __future__ import annotations

import re
from typing import Any

from onewindow.signing import issue_requests

KEY_FIELD = re.compile(r'<input type="hidden" name="request_key" value="([^"]+)">')


def form_key(page: str, action: str) -> str:
    """The one-time key of the form on `page` that posts to `action`."""
    form = re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', page, re.S)
    assert form is not None, f"no form for {action}"
    [key] = KEY_FIELD.findall(form.group(0))
    return key


def press(client: Any, page_url: str, action: str, **kwargs: Any) -> Any:
    """Open `page_url` and press the button whose form posts to `action`."""
    page = client.get(page_url).content.decode()
    return client.post(action, {issue_requests.FIELD: form_key(page, action)}, **kwargs)


def crafted_key(account: Any, purpose: str) -> dict[str, str]:
    """The POST data of a form the page does not show (a made-up registration number),
    with a valid key of the account's: what only a hand-made request sends."""
    return {issue_requests.FIELD: issue_requests.request_token(account=account, purpose=purpose)}
