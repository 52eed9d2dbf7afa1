"""The inbox's search per agency: the cases of every agency the staff member works in and
no other's, in any status asked for; on PostgreSQL through the index of migration 0003
with the agency inside the index's condition (else the search's cost grows with the
whole portal's cases: bench/README.md, the back-office inbox)."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction

import pytest

from onewindow.applications.models import Application
from onewindow.backoffice.selectors import InboxFilters, inbox_page
from onewindow.identity.models import Account

from .conftest import Office, make_agency, make_case, make_service

INDEX = "applications_application_agency_status_search_trgm"


@pytest.fixture
def tamar(db: None) -> Account:
    return Account.objects.create_user(
        username="tamar",
        password=None,
        personal_number="01001077777",
        first_name="Tamar",
        last_name="Abashidze",
    )


def _found(office: Office, agency_ids: list[int], search: str, **filters: Any) -> set[int]:
    page = inbox_page(
        staff=office.supervisor,
        agency_ids=agency_ids,
        filters=InboxFilters(search=search, **filters),
    )
    return {case.pk for case in page.cases}


def test_search_finds_the_cases_of_each_agency_worked_in_and_no_other(
    office: Office, tamar: Account
) -> None:
    third = make_agency("third-test")
    ours = make_case(tamar, office.service)
    theirs = make_case(tamar, office.foreign_service)
    elsewhere = make_case(tamar, make_service("third-service", third, "Permit"))
    make_case(office.citizen, office.service)  # not Tamar's

    both = [office.agency.pk, office.other_agency.pk]
    assert _found(office, both, "abashidze") == {ours.pk, theirs.pk}
    assert _found(office, [office.agency.pk], "ABASHIDZE") == {ours.pk}
    assert _found(office, [third.pk], "Abashidze") == {elsewhere.pk}
    assert _found(office, [], "Abashidze") == set()


def test_search_in_closed_cases_keeps_to_the_statuses_asked_for(
    office: Office, tamar: Account
) -> None:
    open_case = make_case(tamar, office.service)
    closed = make_case(tamar, office.service, status=Application.Status.CLOSED)
    agency = [office.agency.pk]

    assert _found(office, agency, "Abashidze") == {open_case.pk}
    assert _found(office, agency, "Abashidze", statuses=(Application.Status.CLOSED,)) == {closed.pk}
    assert _found(office, agency, "Abashidze", statuses=()) == {open_case.pk, closed.pk}


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's (0003)"
)
@pytest.mark.parametrize("agencies", [1, 2])
def test_postgresql_searches_through_the_agency_status_trigram_index(
    office: Office, tamar: Account, agencies: int
) -> None:
    make_case(tamar, office.service)
    agency_ids = [office.agency.pk, office.other_agency.pk][:agencies]
    statements: list[tuple[str, Any]] = []

    def keep(execute: Any, sql: str, params: Any, *args: Any) -> Any:
        statements.append((sql, params))
        return execute(sql, params, *args)

    with connection.execute_wrapper(keep):
        inbox_page(
            staff=office.supervisor,
            agency_ids=agency_ids,
            filters=InboxFilters(search="Abashidze"),
        )
    sql, params = statements[0]  # the page's keys; the rows come by primary key after
    with transaction.atomic(), connection.cursor() as cursor:
        # A handful of rows, where any plan is cheap: the question is only whether the
        # search index can take the agency into its condition, so it is left alone (the
        # other indexes dropped and table scans off, undone on the way out).
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexname <> %s "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            [Application._meta.db_table, INDEX],
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = [str(row[0]) for row in cursor.fetchall()]
        transaction.set_rollback(True)
    scans = [line for line in plan if f"Bitmap Index Scan on {INDEX}" in line]
    assert len(scans) == agencies, "\n".join(plan)
    conditions = [line for line in plan if "Index Cond:" in line]
    assert all("agency_id = " in line and "search_text" in line for line in conditions), "\n".join(
        plan
    )
