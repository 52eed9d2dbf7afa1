"""`{% unread_notifications user as count %}` for the header link."""

from __future__ import annotations

from typing import Any

from django import template

from onewindow.identity.models import Account

from .. import selectors

register = template.Library()


@register.simple_tag
def unread_notifications(user: Any) -> int:
    if not isinstance(user, Account):
        return 0
    return selectors.unread_count(user)
