"""`{% signature_report attachment %}`: the validation report beside a signed file's name
(nothing for files that were not checked: images, documents, unsigned PDFs). While the
background job has not checked the file yet, a sentence says it is being checked.

Lists of files give their attachments with `select_related("signature_check")` (or a
prefetch): the tag itself makes no query then."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import ObjectDoesNotExist

from ..models import SignatureCheck
from ..reports import describe
from ..services import SIGNED_CONTENT_TYPES

register = template.Library()


@register.inclusion_tag("signing/report.html")
def signature_report(attachment: Any) -> dict[str, Any]:
    if getattr(attachment, "content_type", "") not in SIGNED_CONTENT_TYPES:
        return {"report": None}
    try:
        check = attachment.signature_check
    except ObjectDoesNotExist:
        return {"report": None}
    if check.status == SignatureCheck.Status.PENDING:
        return {"report": None, "pending": True}
    if check.status == SignatureCheck.Status.FAILED:
        return {"report": None, "failed": True}
    return {"report": describe(check.as_report()), "id": str(attachment.pk)}
