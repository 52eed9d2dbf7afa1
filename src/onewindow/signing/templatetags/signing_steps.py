"""`{{ draft|signature_needed }}`: whether a draft must be signed or sealed before it is
sent (required|optional|none), as `signing.signed_drafts.requirement` decides — so that
"check your answers" offers as its main action what submission will insist on (a letter
for a company must carry its seal)."""

from __future__ import annotations

from typing import Any

from django import template

from ..signed_drafts import requirement

register = template.Library()


@register.filter
def signature_needed(draft: Any) -> str:
    return requirement(draft)
