"""Reads of the agency back-office: who is staff where, the inbox (keyset pages of an
agency's cases), one case with everything about it, and the supervisor's workload.

This module is the back-office's public read interface to other apps.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db.models import BigIntegerField, Count, F, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.http import Http404

from onewindow.applications.models import Application, InternalNote, Message, StatusChange
from onewindow.catalog.models import Agency

from .models import StaffMembership

if TYPE_CHECKING:
    from onewindow.identity.models import Account

TBILISI = ZoneInfo("Asia/Tbilisi")
Status = Application.Status
OPEN_STATUSES: tuple[str, ...] = (
    Status.SUBMITTED,
    Status.RECEIVED,
    Status.IN_PROGRESS,
    Status.INFORMATION_REQUESTED,
)
# Supervisors and the head may reassign and see the workload; clerks work their own cases.
LEADING_ROLES = frozenset({StaffMembership.Role.SUPERVISOR, StaffMembership.Role.HEAD})
REFERENCE = re.compile(r"^OW-\d{4}-\d{7}$", re.IGNORECASE)
PAGE_SIZE = 25


def today() -> dt.date:
    """Today in Tbilisi: deadlines end at the end of their day there."""
    return dt.datetime.now(TBILISI).date()


def is_overdue(application: Application, on: dt.date) -> bool:
    """Open and past its statutory deadline (the end of `due_on`, Tbilisi time)."""
    return (
        application.status in OPEN_STATUSES
        and application.due_on is not None
        and on > application.due_on
    )


# --- Staff ----------------------------------------------------------------------------


def staff_agencies(account: Account) -> list[tuple[Agency, str]]:
    """The agencies whose back-office `account` works in, with its role there (active
    memberships only; an account without the agency-staff role has none)."""
    if not getattr(account, "is_authenticated", False) or not account.is_active:
        return []
    memberships = (
        StaffMembership.objects.working()
        .filter(account=account)
        .select_related("agency")
        .order_by("agency__position", "agency__code")
    )
    return [(membership.agency, membership.role) for membership in memberships]


@dataclass(frozen=True)
class Case:
    """One of the staff member's agency's cases, and what the staff member may do with it."""

    application: Application
    role: str
    staff: Account

    @property
    def leads(self) -> bool:
        return self.role in LEADING_ROLES

    @property
    def may_work(self) -> bool:
        """Supervisors work every case; a clerk their own and unassigned ones."""
        assignee = self.application.assignee_id
        return self.leads or assignee is None or assignee == self.staff.pk

    @property
    def may_take(self) -> bool:
        return self.application.assignee_id != self.staff.pk and (
            self.leads or self.application.assignee_id is None
        )

    @property
    def is_open(self) -> bool:
        return self.application.status in OPEN_STATUSES

    @property
    def overdue(self) -> bool:
        return is_overdue(self.application, today())


def case_for_staff(
    *, staff: Account, reference: str, agencies: Sequence[tuple[Agency, str]]
) -> Case:
    """The case `reference` if it is one of the staff member's agencies'; else 404 — the
    same answer whether it does not exist or belongs to another agency."""
    roles = {agency.pk: role for agency, role in agencies}
    application = (
        Application.objects.select_related("applicant", "assignee", "service", "agency")
        .filter(reference=reference.upper(), agency_id__in=list(roles))
        .first()
    )
    if application is None:
        raise Http404
    return Case(application=application, role=roles[application.agency_id], staff=staff)


@dataclass(frozen=True)
class CaseFile:
    """What the case page shows besides the application itself."""

    history: list[StatusChange]
    messages: list[Message]
    notes: list[InternalNote]
    attachments: list[Any]
    colleagues: list[Account]


def case_file(case: Case) -> CaseFile:
    """The case's history, thread (with files), internal notes, its own files and the
    agency's active staff (for reassigning): a fixed number of queries."""
    application = case.application
    history = list(StatusChange.objects.filter(application=application).select_related("actor"))
    messages = list(
        Message.objects.filter(application=application)
        .select_related("author")
        .prefetch_related("attachments", "attachments__signature_check")
    )
    notes = list(InternalNote.objects.filter(application=application).select_related("author"))
    attachments = list(
        application.attachments.select_related("signature_check").order_by("field", "uploaded_at")
    )
    colleagues = staff_of(application.agency) if case.leads else []
    return CaseFile(
        history=history,
        messages=messages,
        notes=notes,
        attachments=attachments,
        colleagues=colleagues,
    )


def staff_of(agency: Agency) -> list[Account]:
    """The agency's active staff, by name."""
    memberships = (
        StaffMembership.objects.working()
        .filter(agency=agency)
        .select_related("account")
        .order_by("account__last_name", "account__first_name", "account__username")
    )
    return [membership.account for membership in memberships]


# --- The inbox ------------------------------------------------------------------------


class Sort:
    DUE = "due"  # soonest deadline first (cases without one last)
    SUBMITTED = "submitted"  # newest first


@dataclass(frozen=True)
class InboxFilters:
    statuses: tuple[str, ...] = OPEN_STATUSES
    service_id: int | None = None
    due_from: dt.date | None = None
    due_to: dt.date | None = None
    overdue: bool = False
    assignee: str = ""  # "", "mine", "unassigned" or an account id
    search: str = ""
    sort: str = Sort.DUE


@dataclass(frozen=True)
class InboxPage:
    cases: list[Application]
    next_cursor: str | None
    today: dt.date
    overdue_ids: frozenset[int] = field(default_factory=frozenset)
    # The first row's cursor when cases come before this page (for `before=`).
    previous_cursor: str | None = None


def inbox_queryset(
    *, staff: Account, agency_ids: Sequence[int], filters: InboxFilters
) -> QuerySet[Application]:
    """The agencies' cases matching `filters`, in the page order (no cursor, no limit)."""
    cases = _filtered(staff=staff, filters=filters).filter(agency_id__in=list(agency_ids))
    if filters.statuses:
        cases = cases.filter(status__in=filters.statuses)
    return cases.order_by(*_ordering(filters.sort))


def _filtered(*, staff: Account, filters: InboxFilters) -> QuerySet[Application]:
    """Every filter but the agency and the status."""
    cases = Application.objects.all()
    if filters.service_id is not None:
        cases = cases.filter(service_id=filters.service_id)
    if filters.due_from is not None:
        cases = cases.filter(due_on__gte=filters.due_from)
    if filters.due_to is not None:
        cases = cases.filter(due_on__lte=filters.due_to)
    if filters.overdue:
        cases = cases.filter(status__in=OPEN_STATUSES, due_on__lt=today())
    if filters.assignee == "mine":
        cases = cases.filter(assignee=staff)
    elif filters.assignee == "unassigned":
        cases = cases.filter(assignee__isnull=True)
    elif filters.assignee.isdigit():
        cases = cases.filter(assignee_id=int(filters.assignee))
    search = filters.search.strip()
    if search:
        cases = cases.filter(_search(search))
    return cases


def _ordering(sort: str, *, backwards: bool = False) -> tuple[Any, ...]:
    # The directions of the inbox's indexes: (agency, status, due_on, id) and
    # (agency, status, -submitted_at, id). Cases without a deadline come last (PostgreSQL's
    # own ascending order, which its index has). Backwards is the exact reverse, which
    # the same indexes serve read from the other end.
    if sort == Sort.SUBMITTED:
        if backwards:
            return (F("submitted_at").asc(), "-id")
        return (F("submitted_at").desc(), "id")
    if backwards:
        return (F("due_on").desc(nulls_first=True), "-id")
    return (F("due_on").asc(nulls_last=True), "id")


def _search(text: str) -> Q:
    """A reference number finds exactly that case (the unique index); anything else is a
    substring of the search text (subject, applicant's name and number). On PostgreSQL
    `icontains` is `UPPER(search_text) LIKE UPPER('%…%')`, which the index of migration
    0003 serves together with the agency and the status (`_of_agency`); on SQLite
    it is a scan of the agency's cases."""
    if REFERENCE.match(text):
        return Q(reference=text.upper())
    return Q(search_text__icontains=text)


def _of_agency(agency_id: int) -> Q:
    """The agency's cases, for the search: the id compared as a bigint. PostgreSQL's
    search index (migration 0003: agency, status and trigrams in one GIN index) serves
    `agency_id = 1::bigint` but not `agency_id = 1`, an integer literal, which
    btree_gin's int8 operator class cannot compare; without the agency in the index's
    condition the search finds the matching cases of every agency first, a cost growing
    with the whole portal's cases."""
    return Q(agency_id=Cast(Value(int(agency_id)), output_field=BigIntegerField()))


def inbox_page(
    *,
    staff: Account,
    agency_ids: Sequence[int],
    filters: InboxFilters,
    after: str = "",
    before: str = "",
    size: int = PAGE_SIZE,
) -> InboxPage:
    """One page of the inbox after the cursor `after` (or, going back, the page that ends
    just before the cursor `before`). Two queries, whatever the number of cases, the
    depth of the page and the direction.

    Keyset pagination, never OFFSET: the page continues from the last row of the one
    before. The cases are found as one UNION ALL of a range of each (agency, status) —
    each part a range of the inbox index, already in page order — so PostgreSQL merges
    the parts (Merge Append) and reads about one page of each, where a single query over
    several statuses would sort all the agency's matching cases. Going back reads the
    same ranges in the reverse order and turns the page round. The page's ids found,
    the rows come with their applicant and assignee (select_related) by primary key.
    """
    backwards = _position(before, filters.sort) is not None
    started = backwards or _position(after, filters.sort) is not None
    conditions = _before(before, filters.sort) if backwards else _after(after, filters.sort)
    base = _filtered(staff=staff, filters=filters)
    statuses = filters.statuses or tuple(Status.values)
    parts: list[QuerySet[Application]] = []
    if filters.search.strip():
        # A search finds few cases through its own index: one part per agency, not per
        # status too. Per agency, because with `agency_id IN (…)` or ORs PostgreSQL
        # keeps the agencies out of the index's condition and filters afterwards.
        position = Q()
        for condition in conditions:
            position |= condition
        parts = [
            base.filter(position, _of_agency(agency_id), status__in=statuses)
            for agency_id in agency_ids
        ]
    else:
        for agency_id in agency_ids:
            for status in statuses:
                cases = base.filter(agency_id=agency_id, status=status)
                parts += [cases.filter(condition) for condition in conditions]
    if not parts:
        return InboxPage(cases=[], next_cursor=None, today=today())
    keys = ("submitted_at", "id") if filters.sort == Sort.SUBMITTED else ("due_on", "id")
    first, *others = (part.order_by().values_list(*keys) for part in parts)
    union = first.union(*others, all=True) if others else first
    page_keys = list(union.order_by(*_ordering(filters.sort, backwards=backwards))[: size + 1])
    more = len(page_keys) > size
    ids = [pk for _key, pk in page_keys[:size]]
    if backwards:
        ids.reverse()
    rows = {
        row.pk: row
        for row in Application.objects.filter(pk__in=ids)
        .select_related("applicant", "assignee")
        .only(*INBOX_COLUMNS)
    }
    cases_on_page = [rows[pk] for pk in ids if pk in rows]
    on = today()
    # Forwards, cases come after the page if there was one more; backwards, the cursor's
    # own case does. Cases come before it if we went back and found one more, or came
    # forward from a cursor.
    has_next = (not backwards and more) or backwards
    has_previous = more if backwards else started
    return InboxPage(
        cases=cases_on_page,
        next_cursor=(
            _cursor_of(cases_on_page[-1], filters.sort) if has_next and cases_on_page else None
        ),
        previous_cursor=(
            _cursor_of(cases_on_page[0], filters.sort) if has_previous and cases_on_page else None
        ),
        today=on,
        overdue_ids=frozenset(row.pk for row in cases_on_page if is_overdue(row, on)),
    )


INBOX_COLUMNS = (
    "reference",
    "kind",
    "subject",
    "status",
    "due_on",
    "submitted_at",
    "agency_id",
    "service_id",
    "acting_for",
    "assignee__first_name",
    "assignee__last_name",
    "assignee__username",
    "applicant__first_name",
    "applicant__last_name",
    "applicant__first_name_ka",
    "applicant__last_name_ka",
    "applicant__username",
)


def _cursor_of(application: Application, sort: str) -> str:
    if sort == Sort.SUBMITTED:
        return f"{application.submitted_at.timestamp():.6f}~{application.pk}"
    due = application.due_on.isoformat() if application.due_on else "-"
    return f"{due}~{application.pk}"


def _position(cursor: str, sort: str) -> tuple[dt.datetime | dt.date | None, int] | None:
    """The cursor's row as (its sort key, its id); None for a missing or broken cursor.
    A case without a deadline has the key None."""
    key, _, raw_id = cursor.partition("~")
    if not raw_id.isdigit():
        return None
    try:
        if sort == Sort.SUBMITTED:
            return dt.datetime.fromtimestamp(float(key), tz=dt.UTC), int(raw_id)
        if key == "-":
            return None, int(raw_id)
        return dt.date.fromisoformat(key), int(raw_id)
    except (ValueError, OverflowError):
        return None


def _after(cursor: str, sort: str) -> list[Q]:
    """The rows after the cursor's row in the page order, as conditions that are each a
    range of the index (their union is the rest of the list); a missing or broken cursor
    is the first page."""
    position = _position(cursor, sort)
    if position is None:
        return [Q()]
    key, pk = position
    if sort == Sort.SUBMITTED:
        return [Q(submitted_at__lt=key), Q(submitted_at=key, id__gt=pk)]
    if key is None:  # among the cases without a deadline, which come last
        return [Q(due_on__isnull=True, id__gt=pk)]
    return [Q(due_on=key, id__gt=pk), Q(due_on__gt=key), Q(due_on__isnull=True)]


def _before(cursor: str, sort: str) -> list[Q]:
    """The rows before the cursor's row in the page order, as ranges of the index (the
    mirror of `_after`); the cursor must be valid (`_position`)."""
    position = _position(cursor, sort)
    if position is None:
        return [Q()]
    key, pk = position
    if sort == Sort.SUBMITTED:
        return [Q(submitted_at__gt=key), Q(submitted_at=key, id__lt=pk)]
    if key is None:  # every case with a deadline comes before those without
        return [Q(due_on__isnull=True, id__lt=pk), Q(due_on__isnull=False)]
    return [Q(due_on=key, id__lt=pk), Q(due_on__lt=key)]


# --- Workload (supervisors) --------------------------------------------------------------


@dataclass(frozen=True)
class Load:
    name: str
    open: int
    overdue: int
    due_this_week: int
    assignee_id: int | None = None


@dataclass(frozen=True)
class Workload:
    by_clerk: list[Load]
    by_service: list[Load]
    overdue: list[Application]
    today: dt.date


OVERDUE_LIST_SIZE = 100


def workload(*, agency: Agency) -> Workload:
    """Open cases, overdue ones and those due within seven days, per clerk (and
    unassigned) and per service; the agency's overdue cases, oldest deadline first.
    Four queries, grouped in the database whatever the number of cases."""
    on = today()
    week_end = on + dt.timedelta(days=7)
    open_cases = Application.objects.filter(agency=agency, status__in=OPEN_STATUSES)
    counts = {
        "open": Count("id"),
        "overdue": Count("id", filter=Q(due_on__lt=on)),
        "due_this_week": Count("id", filter=Q(due_on__gte=on, due_on__lt=week_end)),
    }
    per_assignee: dict[int | None, dict[str, Any]] = {
        row["assignee"]: dict(row)
        for row in open_cases.order_by().values("assignee").annotate(**counts)
    }
    by_clerk = [
        Load(
            name=_account_name(account),
            assignee_id=account.pk,
            **_counts(per_assignee.pop(account.pk, None)),
        )
        for account in staff_of(agency)
    ]
    unassigned = per_assignee.pop(None, None)
    # Cases assigned to people no longer on the agency's staff.
    for assignee_id, row in per_assignee.items():
        by_clerk.append(Load(name=f"#{assignee_id}", assignee_id=assignee_id, **_counts(row)))
    if unassigned is not None:
        by_clerk.append(Load(name="", assignee_id=None, **_counts(unassigned)))
    titles: dict[int, dict[str, Any]] = {
        row["service"]: dict(row)
        for row in open_cases.order_by().values("service").annotate(**counts)
    }
    services = _service_titles(list(titles))
    by_service = sorted(
        (
            Load(name=services.get(service_id, str(service_id)), **_counts(row))
            for service_id, row in titles.items()
        ),
        key=lambda load: (-load.open, load.name),
    )
    overdue = list(
        open_cases.filter(due_on__lt=on)
        .select_related("assignee", "applicant")
        .order_by("due_on", "id")[:OVERDUE_LIST_SIZE]
    )
    return Workload(by_clerk=by_clerk, by_service=by_service, overdue=overdue, today=on)


def _counts(row: dict[str, Any] | None) -> dict[str, int]:
    if row is None:
        return {"open": 0, "overdue": 0, "due_this_week": 0}
    return {key: int(row[key]) for key in ("open", "overdue", "due_this_week")}


def _service_titles(ids: list[int]) -> dict[int, str]:
    from django.utils.translation import get_language

    from onewindow.catalog.selectors import catalog

    english = not (get_language() or "ka").startswith("ka")
    wanted = set(ids)
    return {
        service.pk: (service.title_en if english else service.title_ka)
        for service in catalog().services
        if service.pk in wanted
    }


def _account_name(account: Account) -> str:
    return account.get_full_name() or account.get_username()
