"""Reading an agency's access report (`POST /api/exchange/v1/access-reports`): the body's
documented shape, checked whole — one malformed entry refuses the report.
"""

from __future__ import annotations

import datetime
import json
from typing import Final

from owexchange import ProtocolRefusal
from owexchange.messages import ON_BEHALF_OF, PERSONAL_NUMBER

from .services import AccessReportEntry

MAX_ENTRIES: Final = 500
# 500 entries of a few hundred bytes each; larger than a query's 64 KiB.
MAX_REPORT_BYTES: Final = 512 * 1024
# The protocol's accessor kinds → the access log's asker kinds.
ACCESSOR_KINDS: Final = {"agency-staff": "agency_staff", "system": "agency"}
REQUIRED: Final = frozenset(
    {"subject", "accessed_at", "accessor", "accessor_kind", "purpose", "data"}
)
OPTIONAL: Final = frozenset({"on_behalf_of"})
MAX_TEXT: Final = 200
FUTURE_TOLERANCE: Final = datetime.timedelta(minutes=5)


def parse_access_report(body: bytes, *, now: datetime.datetime) -> list[AccessReportEntry]:
    """The report's entries; ProtocolRefusal (bad-request, too-large) naming the problem."""
    try:
        report = json.loads(body)
    except ValueError:
        raise _bad("The body is not JSON.") from None
    if not isinstance(report, dict) or set(report) != {"entries"}:
        raise _bad('The body must be {"entries": [...]}.')
    entries = report["entries"]
    if not isinstance(entries, list) or not entries:
        raise _bad("entries must be a list of 1 to 500 accesses.")
    if len(entries) > MAX_ENTRIES:
        raise ProtocolRefusal(
            "too-large", detail=f"{len(entries)} entries; at most {MAX_ENTRIES} per report."
        )
    return [_entry(entry, f"entries[{index}]", now) for index, entry in enumerate(entries)]


def _entry(entry: object, path: str, now: datetime.datetime) -> AccessReportEntry:
    if not isinstance(entry, dict):
        raise _bad(f"{path} must be an object.")
    missing, unknown = REQUIRED - set(entry), set(entry) - REQUIRED - OPTIONAL
    if missing or unknown:
        raise _bad(
            f"{path}: missing {sorted(missing)}, unknown {sorted(unknown)}."
            if missing
            else f"{path}: unknown {sorted(unknown)}."
        )
    subject = entry["subject"]
    if not isinstance(subject, str) or not PERSONAL_NUMBER.fullmatch(subject):
        raise _bad(f"{path}.subject must be an 11-digit personal number.")
    kind = entry["accessor_kind"]
    if kind not in ACCESSOR_KINDS:
        raise _bad(f"{path}.accessor_kind must be one of {sorted(ACCESSOR_KINDS)}.")
    on_behalf_of = entry.get("on_behalf_of") or ""
    if on_behalf_of and (
        not isinstance(on_behalf_of, str) or not ON_BEHALF_OF.fullmatch(on_behalf_of)
    ):
        raise _bad(f"{path}.on_behalf_of must be person:<pn> or company:<code>.")
    return AccessReportEntry(
        personal_number=subject,
        accessed_at=_moment(entry["accessed_at"], f"{path}.accessed_at", now),
        accessor=_text(entry["accessor"], f"{path}.accessor"),
        accessor_kind=ACCESSOR_KINDS[kind],
        purpose=_text(entry["purpose"], f"{path}.purpose"),
        data=_text(entry["data"], f"{path}.data"),
        on_behalf_of=on_behalf_of,
    )


def _moment(value: object, path: str, now: datetime.datetime) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise _bad(f"{path} must be an ISO 8601 date and time with an offset.") from None
    if moment.tzinfo is None:
        raise _bad(f"{path} must be an ISO 8601 date and time with an offset.")
    if moment > now + FUTURE_TOLERANCE:
        raise _bad(f"{path} is in the future.")
    return moment


def _text(value: object, path: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
        raise _bad(f"{path} must be text of 1 to {MAX_TEXT} characters.")
    return value.strip()


def _bad(detail: str) -> ProtocolRefusal:
    return ProtocolRefusal("bad-request", detail=detail)
