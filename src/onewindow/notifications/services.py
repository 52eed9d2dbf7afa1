"""Notifications: what other rooms call (docs/applications.md). Being built."""

from __future__ import annotations

from typing import Any


def notify_status_change(application: Any, change: Any) -> None:
    """Tell the applicant about a status change (inbox, and e-mail/SMS as they chose)."""
