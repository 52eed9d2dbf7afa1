"""The signing step of the apply journey (docs/signing.md, "The signing step").

After "check your answers", a service that needs a signature shows "Sign your
application": what is signed (the answers, the PDF rendition, the files to sign with it)
and "Sign with ID card". The page's script (frontend/js/signing.mjs) asks the card agent
for the card's certificate, posts it here (`prepare` → the digest), has the agent sign the
digest after the PIN, and posts the signature back (`finish` → the signed PDF is kept with
the draft). Every page is the draft owner's only: anyone else's draft or session is 404.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

import structlog
from cryptography import x509
from cryptography.x509.oid import NameOID

from onewindow.applications.selectors import answers_summary, draft_for, draft_ready_to_send
from onewindow.downloads import FileDownload

from . import signed_drafts
from .errors import SigningRefused
from .models import SigningSession

log = structlog.get_logger(__name__)

MAX_JSON_BYTES = 16_384
ORGANIZATION_IDENTIFIER = x509.ObjectIdentifier("2.5.4.97")


def _lang() -> str:
    return "en" if (get_language() or "ka").startswith("en") else "ka"


def _personal(view: Any) -> Any:
    return never_cache(login_required(view, login_url=reverse_lazy("identity:sign-in")))


def _signable_draft(request: HttpRequest, draft_id: str) -> Any:
    """The person's own draft of a service that takes a signature, else 404."""
    draft = draft_for(request.user, draft_id)
    if signed_drafts.requirement(draft) == "none":
        raise Http404
    return draft


def _error(message: str, *, code: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message, "code": code}, status=status)


def _json(request: HttpRequest) -> dict[str, Any] | None:
    if len(request.body) > MAX_JSON_BYTES:
        return None
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return None
    return payload if isinstance(payload, dict) else None


def _b64(value: Any) -> bytes | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None


@_personal
@require_safe
def sign(request: HttpRequest, draft_id: str) -> HttpResponse:
    """What is signed, the files to sign with it, and "Sign with ID card"."""
    draft = _signable_draft(request, draft_id)
    if not draft_ready_to_send(draft):
        return HttpResponseRedirect(reverse("applications:check", args=[draft.pk]))
    lang = _lang()
    attachments = signed_drafts.signable_attachments(draft)
    signed = signed_drafts.current_signature(draft)
    signed_ids = set(signed.attachment_ids) if signed else set()
    # The files ticked when the page opens (all, or those signed last time): the document
    # rendered for them is the one the preview link and "Sign" then use, kept once.
    ticked = [item for item in attachments if not signed or str(item.pk) in signed_ids]
    document = signed_drafts.document(draft, ticked)
    preview_url = reverse("signing:sign-preview", args=[draft.pk])
    if ticked:
        preview_url += "?" + urlencode([("attachment", str(item.pk)) for item in ticked])
    account: Any = request.user
    kind = signed_drafts.kind_for(draft)
    context = {
        "draft": draft,
        "service_title": draft.service.title,
        "summary": answers_summary(draft, lang),
        "attachments": attachments,
        "requirement": signed_drafts.requirement(draft),
        "kind": kind,
        "company_code": draft.acting_for,
        "personal_number": account.personal_number or "",
        "pages": document.pages,
        "preview_url": preview_url,
        "signed": signed,
        "signed_attachments": signed_ids,
        "stale": signed is None and signed_drafts.has_stale_signature(draft),
        "cardagent_url": settings.CARDAGENT_URL,
        "messages_by_code": _agent_messages(kind),
    }
    return render(request, "signing/sign.html", context)


def _agent_messages(kind: str) -> dict[str, str]:
    """The card agent's error codes as sentences in the page's language: a company seals
    with its seal device (and its PIN), a person signs with the ID card."""
    if kind == SigningSession.Kind.SEAL:
        return {
            "cancelled": _("You cancelled sealing. Nothing was sealed."),
            "no-card": _(
                "The card agent found no seal device of the company to seal with. Connect "
                "the company's seal device and try again."
            ),
            "pin-blocked": _(
                "The seal device's PIN is blocked after too many wrong tries. Ask the "
                "provider of the company's seal to unblock it."
            ),
            "expired": _("The card agent waited too long and stopped. Start sealing again."),
            "certificate-invalid": _(
                "The certificate on this seal device has expired or been revoked. Use a "
                "valid seal of the company."
            ),
        }
    return {
        "cancelled": _("You cancelled signing. Nothing was signed."),
        "no-card": _(
            "The card agent found no ID card (or seal device) to sign with. Put the card in "
            "the reader and try again."
        ),
        "pin-blocked": _(
            "The signing PIN is blocked after too many wrong tries. Unblock it with the PUK "
            "code or at a Public Service Hall."
        ),
        "expired": _("The card agent waited too long and stopped. Start signing again."),
        "certificate-invalid": _(
            "The signing certificate on this card has expired or been revoked. Use a valid "
            "ID card or seal."
        ),
    }


@_personal
@require_safe
def preview(request: HttpRequest, draft_id: str) -> HttpResponse:
    """The PDF that will be signed, with the chosen files embedded: the kept rendition,
    the very bytes `prepare` gives the engine."""
    draft = _signable_draft(request, draft_id)
    attachments = signed_drafts.chosen_attachments(draft, request.GET.getlist("attachment"))
    pdf = signed_drafts.document(draft, attachments).pdf
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="application.pdf"'
    return response


@_personal
@require_safe
def signed_pdf(request: HttpRequest, draft_id: str) -> FileDownload:
    """The draft's signed PDF, while it still matches the answers."""
    draft = _signable_draft(request, draft_id)
    session = signed_drafts.current_signature(draft)
    if session is None:
        raise Http404
    return FileDownload(
        session.signed_file.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename="signed-application.pdf",
    )


def _certificate_problem(draft: Any, account: Any, der: bytes) -> str | None:
    """Whether the card is the signer's: the person's own ID card, or the seal of the
    company the draft is for. A translated message, or None."""
    try:
        subject = x509.load_der_x509_certificate(der).subject
    except ValueError:
        return str(SigningRefused("not-a-signing-certificate").message)

    def attribute(oid: x509.ObjectIdentifier) -> str:
        values = subject.get_attributes_for_oid(oid)
        return str(values[0].value) if values else ""

    if draft.acting_for:
        if attribute(ORGANIZATION_IDENTIFIER) != f"NTRGE-{draft.acting_for}":
            return _("This is not the seal of the company you are applying for. Choose its seal.")
        return None
    if attribute(NameOID.SERIAL_NUMBER) != f"PNOGE-{account.personal_number}":
        return _("This ID card is not yours. Sign with your own ID card.")
    return None


@_personal
@require_POST
def prepare(request: HttpRequest, draft_id: str) -> JsonResponse:
    """The card's certificate → the digest for the card to sign, and the fingerprint."""
    draft = _signable_draft(request, draft_id)
    payload = _json(request)
    certificate = _b64(payload.get("certificate")) if payload else None
    ids = payload.get("attachments", []) if payload else []
    if certificate is None or not isinstance(ids, list):
        return _error(
            _("The card agent's answer could not be read. Try again."), code="bad-request"
        )
    if not draft_ready_to_send(draft):
        return _error(
            _("Some answers are missing or need changing. Check your answers first."),
            code="not-ready",
        )
    problem = _certificate_problem(draft, request.user, certificate)
    if problem:
        return _error(problem, code="wrong-signer")
    try:
        started = signed_drafts.start(
            draft, account=request.user, certificate=certificate, attachment_ids=ids
        )
    except SigningRefused as refused:
        log.warning("signing.prepare-refused", draft=str(draft.pk), code=refused.code)
        return _error(refused.message, code=refused.code)
    return JsonResponse(
        {
            "hash": base64.b64encode(started.digest).decode("ascii"),
            "hashFunction": started.hash_function,
            "fingerprint": started.fingerprint,
            "finishUrl": reverse("signing:finish", args=[draft.pk, started.session.pk]),
        }
    )


@_personal
@require_POST
def finish(request: HttpRequest, draft_id: str, session_id: str) -> JsonResponse:
    """The card's signature → the signed PDF (B-LT) kept with the draft."""
    draft = _signable_draft(request, draft_id)
    session = signed_drafts.session_of(request.user, draft, session_id)
    if session is None:
        raise Http404
    payload = _json(request)
    signature = _b64(payload.get("signature")) if payload else None
    if signature is None:
        return _error(
            _("The card agent's answer could not be read. Try again."), code="bad-request"
        )
    try:
        signed_drafts.complete(session, signature)
    except SigningRefused as refused:
        log.warning("signing.finish-refused", draft=str(draft.pk), code=refused.code)
        signed_drafts.fail(session)
        return _error(refused.message, code=refused.code)
    # A new query (not only a fragment), so that the browser loads the page again.
    page = reverse("signing:sign", args=[draft.pk])
    return JsonResponse({"redirect": f"{page}?signed={session.pk}#signed"})
