"""Both dialogs' forms go through the same guards (cardagent/guards.py): a form from another
site is refused, an oversized one too, and neither changes the request."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.cardagent.helpers import start_sign_in, start_signing
from tests.cardagent_process import RunningAgent


def _dialog(agent: RunningAgent, kind: str) -> tuple[str, Callable[[], object]]:
    """The dialog's form URL and how the portal sees the request's state."""
    request = start_sign_in(agent.url) if kind == "sign-in" else start_signing(agent.url)
    return request.dialog_url.split("?")[0], lambda: request.poll().json()


@pytest.mark.parametrize("dialog", ["sign-in", "signing"])
def test_a_dialog_form_from_another_site_or_too_large_is_refused(
    agent: RunningAgent, dialog: str
) -> None:
    url, state = _dialog(agent, dialog)
    before = state()
    own = {"Origin": agent.url}
    forged = httpx.post(
        url, data={"action": "cancel"}, headers={"Origin": "http://attacker.example"}
    )
    assert forged.status_code == 403
    oversized = httpx.post(url, data={"action": "cancel", "pad": "x" * 5000}, headers=own)
    assert oversized.status_code == 413
    assert state() == before
    # The same small form from the dialog's own page is taken: the person cancels.
    cancelled = httpx.post(url, data={"action": "cancel", "lang": "en"}, headers=own)
    assert cancelled.status_code == 200
    assert state() != before
