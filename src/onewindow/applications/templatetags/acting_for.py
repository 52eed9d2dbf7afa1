"""Whom an application was made for, in the active language: `{{ application|on_behalf_of }}`
("on behalf of Beridze Construction LLC (404123456)") and `{{ application|acting_for_company }}`
("Beridze Construction LLC (404123456)"); both "" for a person's own application."""

from __future__ import annotations

from typing import Any

from django import template

from onewindow.applications.acting_for import company_label
from onewindow.applications.acting_for import on_behalf_of as _on_behalf_of

register = template.Library()


@register.filter
def on_behalf_of(record: Any) -> str:
    """`record`: an Application or a Draft (its `acting_for` and `prefilled`)."""
    return _on_behalf_of(getattr(record, "acting_for", ""), getattr(record, "prefilled", None))


@register.filter
def acting_for_company(record: Any) -> str:
    return company_label(getattr(record, "acting_for", ""), getattr(record, "prefilled", None))
