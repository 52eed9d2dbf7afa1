"""The validation report in plain language (Georgian or English): who signed or sealed,
when, in what capacity, whether it holds and, if not, why — one sentence per problem code
of `signing.validation` (docs/signing.md, "Validation")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Final

from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .validation import Report, SignatureReport, TimestampReport

PROBLEM_SENTENCES: Final[dict[str, Promise]] = {
    "modified-after-signing": gettext_lazy(
        "The document was changed after it was signed, so the signature no longer matches it."
    ),
    "not-whole-document": gettext_lazy(
        "The signature does not cover the whole document: parts were added or changed later."
    ),
    "certificate-revoked": gettext_lazy(
        "The certificate used to sign had been revoked when the document was signed."
    ),
    "certificate-expired": gettext_lazy(
        "The certificate used to sign had expired or was not yet valid when the document "
        "was signed."
    ),
    "certificate-untrusted": gettext_lazy(
        "The certificate was not issued by a trusted authority, so we cannot tell who signed."
    ),
    "revocation-unknown": gettext_lazy(
        "We could not check whether the certificate was valid when the document was signed. "
        "Try again later."
    ),
    "timestamp-invalid": gettext_lazy(
        "The timestamp on the signature is not valid, so the time of signing is not confirmed."
    ),
    "bad-signature": gettext_lazy("The signature itself is damaged or does not match the signer."),
    "unsupported": gettext_lazy("This kind of signature cannot be checked by the portal."),
}
FILE_SENTENCES: Final[dict[str, Promise]] = {
    "too-large": gettext_lazy("The file is too large to be checked."),
    "damaged": gettext_lazy("The file is damaged, so its signatures cannot be checked."),
    "zip-bomb": gettext_lazy("The container unpacks to too much data to be checked."),
    "no-signature": gettext_lazy("The file has no signature."),
    "not-a-pdf": gettext_lazy("The file is not a PDF document, although it may be named like one."),
    "unsigned": gettext_lazy("The document is not signed."),
}
LEVELS: Final[dict[str, Promise]] = {
    "B-B": gettext_lazy("basic signature, without a confirmed time"),
    "B-T": gettext_lazy("signature with a time confirmed by a timestamp"),
    "B-LT": gettext_lazy("long-term validation data included"),
    "B-LTA": gettext_lazy("long-term validation data included, protected by an archive timestamp"),
}
STATUSES: Final[dict[str, tuple[Promise, str]]] = {
    "valid": (gettext_lazy("Valid"), "govuk-tag--green"),
    "invalid": (gettext_lazy("Not valid"), "govuk-tag--red"),
    "indeterminate": (gettext_lazy("Cannot be confirmed yet"), "govuk-tag--yellow"),
}


@dataclass
class SignatureText:
    """One signature's report as sentences in the active language."""

    who: str
    when: str
    status: str
    status_class: str
    level: str
    problems: list[str]
    files: list[str] = field(default_factory=list)


@dataclass
class ReportText:
    valid: bool
    headline: str
    status_class: str
    file_problems: list[str]
    signatures: list[SignatureText]
    timestamps: list[str]


def _name(signature: SignatureReport) -> str:
    if translation.get_language() == "ka" and signature.signer_name_ka:
        return signature.signer_name_ka
    return signature.signer_name or _("an unknown signer")


def _date_and_time(moment: dt.datetime) -> tuple[str, str]:
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return formats.date_format(local, "j F Y"), formats.time_format(local, "H:i")


def who(signature: SignatureReport) -> str:
    """ "Signed by NINO BERIDZE (personal number 01001012345)" or "Sealed by …"."""
    name = _name(signature)
    identifier = signature.identifier
    if signature.capacity == "seal":
        if identifier.startswith("NTRGE-"):
            return _("Sealed by %(name)s (identification code %(code)s)") % {
                "name": name,
                "code": identifier.removeprefix("NTRGE-"),
            }
        return _("Sealed by %(name)s") % {"name": name}
    if identifier.startswith("PNOGE-"):
        return _("Signed by %(name)s (personal number %(number)s)") % {
            "name": name,
            "number": identifier.removeprefix("PNOGE-"),
        }
    return _("Signed by %(name)s") % {"name": name}


def when(signature: SignatureReport) -> str:
    """ "on 22 November 2026 at 10:14 (time confirmed by a timestamp)"."""
    if signature.signed_at is None:
        return _("The time of signing is not known.")
    date, time = _date_and_time(signature.signed_at)
    if signature.time_source == "timestamp":
        return _("on %(date)s at %(time)s (time confirmed by a timestamp)") % {
            "date": date,
            "time": time,
        }
    return _("on %(date)s at %(time)s (time stated by the signer, not confirmed)") % {
        "date": date,
        "time": time,
    }


def sentence(signature: SignatureReport) -> str:
    """The whole line: who and when."""
    return f"{who(signature)} {when(signature)}"


def _signature(signature: SignatureReport) -> SignatureText:
    label, css = STATUSES.get(signature.status, STATUSES["invalid"])
    return SignatureText(
        who=who(signature),
        when=when(signature),
        status=str(label),
        status_class=css,
        level=str(LEVELS.get(signature.level, LEVELS["B-B"])),
        problems=[
            str(PROBLEM_SENTENCES.get(code, PROBLEM_SENTENCES["unsupported"]))
            for code in signature.problems
        ],
        files=[name for name in signature.files if name != "document"],
    )


def _timestamp(timestamp: TimestampReport) -> str:
    if timestamp.timestamped_at is None:
        return _("A document timestamp that cannot be read.")
    date, time = _date_and_time(timestamp.timestamped_at)
    if timestamp.status == "valid":
        return _("Archive timestamp of %(date)s at %(time)s: valid.") % {"date": date, "time": time}
    return _("Archive timestamp of %(date)s at %(time)s: not valid.") % {"date": date, "time": time}


def describe(report: Report) -> ReportText:
    """The report in the active language, ready for `signing/report.html`."""
    file_problems = [
        str(FILE_SENTENCES[code]) for code in report.problems if code in FILE_SENTENCES
    ]
    if report.format in ("not-a-pdf", "unsigned") and not report.signatures:
        file_problems.insert(0, str(FILE_SENTENCES[report.format]))
    if report.valid:
        count = len(report.signatures)
        headline = (
            _("The signature is valid.")
            if count == 1
            else _("All %(count)s signatures are valid.") % {"count": count}
        )
        css = "govuk-tag--green"
    elif (
        report.signatures
        and all(s.status != "invalid" for s in report.signatures)
        and not report.problems
    ):
        headline = _("The signatures cannot be confirmed yet.")
        css = "govuk-tag--yellow"
    else:
        headline = _("Not valid: this file must not be accepted as signed.")
        css = "govuk-tag--red"
    return ReportText(
        valid=report.valid,
        headline=headline,
        status_class=css,
        file_problems=file_problems,
        signatures=[_signature(signature) for signature in report.signatures],
        timestamps=[_timestamp(timestamp) for timestamp in report.timestamps],
    )
