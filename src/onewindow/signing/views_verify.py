"""The public verification page (`/verify/`): is this issued document authentic and
unchanged? Anyone may ask, without signing in, with the verification code printed on the
document (or its QR code, which opens this page with the code) or with the file itself.

What the page reveals is what the document itself says on its face, no more: the title,
the issuing agency and the date (titles never carry the person's name), and for an
uploaded file the validation report of its own signatures.

The code is the capability. Whoever has the code has the document (it is printed on every
page), so the page also offers the sealed original for download to whoever gives the
code: a reader holding a printout or a forwarded copy can then compare it with what the
agency really issued. The code is 12 random characters (≈2**59 possibilities) and every
check counts against a per-address rate limit, so codes cannot be found by guessing; a
file upload never leads to a download (a changed copy names its original's code, but
"changed" must not become a way to fetch the original).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any, Final

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from onewindow.downloads import FileDownload

from . import issued
from .models import IssuedDocument

MAX_FILE_BYTES: Final = 20 * 1024 * 1024
_RATE_PREFIX: Final = "signing:verify-rate"


def rate_limit() -> tuple[int, int]:
    """(checks, seconds) one address may make: `VERIFY_RATE_LIMIT`, default 30 / 10 min."""
    checks, seconds = getattr(settings, "VERIFY_RATE_LIMIT", (30, 600))
    return int(checks), int(seconds)


def _over_the_limit(request: HttpRequest) -> bool:
    """Count this check for the client's address (a fixed window in the cache shared by
    every worker) and say whether it is one too many."""
    checks, seconds = rate_limit()
    address = request.META.get("REMOTE_ADDR") or "unknown"
    key = f"{_RATE_PREFIX}:{address}:{int(time.time() // seconds)}"
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        count = 1
    return int(count) > checks


class VerifyForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Verification code"), required=False, max_length=40)
    file = forms.FileField(label=gettext_lazy("Or upload the file"), required=False)

    def clean_code(self) -> str:
        typed = str(self.cleaned_data.get("code") or "").strip()
        if not typed:
            return ""
        code = issued.normalise(typed)
        if code is None:
            raise forms.ValidationError(
                _(
                    "Enter the verification code as it is printed on the document: 12 "
                    "letters and digits, like ABCD-EFGH-JKMN"
                )
            )
        return code

    def clean_file(self) -> UploadedFile[bytes] | None:
        uploaded: UploadedFile[bytes] | None = self.cleaned_data.get("file")
        if uploaded is None:
            return None
        if (uploaded.size or 0) > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The selected file must be smaller than 20 MB"))
        head = uploaded.read(1024)
        uploaded.seek(0)
        if b"%PDF-" not in head:
            raise forms.ValidationError(_("The selected file must be a PDF"))
        return uploaded

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not cleaned.get("code") and not cleaned.get("file"):
            raise forms.ValidationError(
                _("Enter the verification code or choose the file to check"), code="empty"
            )
        if cleaned.get("code") and cleaned.get("file"):
            raise forms.ValidationError(
                _("Enter a verification code or choose a file, not both"), code="both"
            )
        return cleaned

    def error_list(self) -> list[tuple[str, str]]:
        """(anchor, message) pairs for the GOV.UK error summary."""
        pairs = [("verify-code", str(message)) for message in self.non_field_errors()]
        for name, anchor in (("code", "verify-code"), ("file", "verify-file")):
            pairs += [(anchor, str(message)) for message in self.errors.get(name, [])]
        return pairs


@dataclass(frozen=True)
class FileCheck:
    """What the page says about an uploaded file."""

    verdict: str  # authentic | changed | unknown
    document: IssuedDocument | None
    report: Any  # signing.validation.Report, or None when it could not be made


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The form; a `code` in the query (the QR code's link) is checked at once."""
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
    elif "code" in request.GET:
        form = VerifyForm({"code": request.GET.get("code", "")})
    else:
        return _page(request, VerifyForm())
    if _over_the_limit(request):
        return _page(request, VerifyForm(), limited=True, status=429)
    if not form.is_valid():
        return _page(request, form, status=400)
    code: str = form.cleaned_data["code"]
    if code:
        document = _issued_with(code)
        if document is None:
            form.add_error(
                "code",
                _("No document was issued with this code. Check the code and try again"),
            )
            return _page(request, form, status=404)
        return _page(request, VerifyForm(initial={"code": issued.shown(code)}), document=document)
    return _page(request, VerifyForm(), file_check=_check_file(form.cleaned_data["file"]))


@never_cache
@require_safe
def verify_download(request: HttpRequest, code: str) -> HttpResponseBase:
    """The sealed original, to whoever has its code (see the module's docstring)."""
    normal = issued.normalise(code)
    if _over_the_limit(request):
        return _page(request, VerifyForm(), limited=True, status=429)
    document = _issued_with(normal) if normal else None
    if document is None:
        raise Http404
    return FileDownload(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{document.title_in(get_language() or 'ka')}.pdf",
        content_type="application/pdf",
    )


def _issued_with(code: str) -> IssuedDocument | None:
    return IssuedDocument.objects.select_related("agency").filter(code=code).first()


def _check_file(uploaded: UploadedFile[bytes]) -> FileCheck:
    """By the file's SHA-256 first (an unchanged copy is byte for byte the issued file);
    else by the code the file names (a changed copy); else not one of ours. The validation
    report says what the file's own signatures are worth in either case."""
    data = b"".join(uploaded.chunks())
    digest = hashlib.sha256(data).hexdigest()
    document = IssuedDocument.objects.select_related("agency").filter(sha256=digest).first()
    verdict = "authentic"
    if document is None:
        named = issued.code_in_file(data)
        original = _issued_with(named) if named else None
        verdict = "changed" if original is not None else "unknown"
        document = original
    return FileCheck(verdict=verdict, document=document, report=_report(data, uploaded.name))


def _report(data: bytes, filename: str | None) -> Any:
    from . import validation

    try:
        return validation.validate(data, filename=filename or "")
    except Exception:  # the verdict stands without the report
        import structlog

        structlog.get_logger(__name__).exception("signing.verify-report-failed")
        return None


def _page(
    request: HttpRequest,
    form: VerifyForm,
    *,
    document: IssuedDocument | None = None,
    file_check: FileCheck | None = None,
    limited: bool = False,
    status: int = 200,
) -> HttpResponse:
    checks, seconds = rate_limit()
    return render(
        request,
        "signing/verify.html",
        {
            "form": form,
            "errors": form.error_list() if form.is_bound else [],
            "document": document,
            "file_check": file_check,
            "limited": limited,
            "limit_minutes": max(1, seconds // 60),
            "limit_checks": checks,
            "language": get_language() or "ka",
        },
        status=status,
    )
