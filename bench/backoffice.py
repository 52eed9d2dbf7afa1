"""The back-office inbox at scale: does a page cost the same with 10,000 cases as with
1,000,000?

    python -m bench.backoffice [--sizes 10000,100000,1000000] [--requests 30] [--keep]
                               [--explain]

Generates cases into a throwaway database (the measured agency's with bulk_create, the
other agencies' with one INSERT … SELECT over a series, some ten times faster): a
temporary SQLite file, or, when DATABASE_URL names PostgreSQL, a database
`<that name>_bench_office` on the same server (dropped at the end unless --keep).
The agency measured always has 10,000 open cases; the rest of each size is other
agencies' cases and its own closed ones, as in a portal that has run for years.

For each size, the inbox is requested in-process (Django's test client, a signed-in
clerk): the first page, a deep page (after a cursor from the middle of the list), newest
first, a name search and a reference search; median of --requests requests each, and the
number of queries (which must not change with the size). Prints a table and one line
"BENCH_JSON {...}"; --explain adds the database's plans of the page query.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
OPEN_CASES = 10_000  # the measured agency's open cases, at every size
AGENCIES = 40
BATCH = 5_000
APPLICANTS = 2_000
TARGET_RATIO = 1.5


def _database(keep: bool) -> tuple[str, Any]:
    """The throwaway database's URL, and how to remove it afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(url)
        name = f"{parts.path.lstrip('/') or 'postgres'}_bench_office"
        admin = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')

        def drop() -> None:
            if keep:
                print(f"kept database {name}")
                return
            from django.db import connections

            connections.close_all()
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}"')

        return urlunsplit(parts._replace(path=f"/{name}")), drop
    directory = tempfile.mkdtemp(prefix="ow-bench-office-")
    path = Path(directory) / "office.sqlite3"

    def remove() -> None:
        if keep:
            print(f"kept database {path}")
            return
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        Path(directory).rmdir()

    return f"sqlite:///{path}", remove


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.config.settings")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["DEBUG"] = "false"
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


class World:
    """The agencies, services, applicants and the clerk of the benchmark."""

    def __init__(self) -> None:
        from django.contrib.auth.models import Group

        from onewindow.backoffice.models import StaffMembership
        from onewindow.catalog.models import Agency, Service
        from onewindow.identity.models import Account

        self.agencies = Agency.objects.bulk_create(
            Agency(code=f"bench-{n}", name_ka=f"უწყება {n}", name_en=f"Agency {n}")
            for n in range(AGENCIES)
        )
        self.services = Service.objects.bulk_create(
            Service(
                code=f"bench-{n}-{k}",
                title_ka=f"მომსახურება {n}-{k}",
                title_en=f"Service {n}-{k}",
                summary_ka="-",
                summary_en="-",
                description_ka="-",
                description_en="-",
                kind=Service.Kind.FUNCTIONAL,
                audience=Service.Audience.PERSON,
                provider=agency,
            )
            for n, agency in enumerate(self.agencies)
            for k in range(3)
        )
        first = ["Nino", "Giorgi", "Tamar", "Levan", "Mariam", "Davit", "Ana", "Irakli"]
        last = ["Beridze", "Kapanadze", "Gelashvili", "Lomidze", "Tsereteli", "Chavchavadze"]
        self.applicants = Account.objects.bulk_create(
            Account(
                username=f"bench-citizen-{n}",
                personal_number=f"{10_000_000_000 + n:011d}",
                first_name=first[n % len(first)],
                last_name=f"{last[n % len(last)]}{n}",
                password="!",  # noqa: S106 (Django's "no usable password")
            )
            for n in range(APPLICANTS)
        )
        self.clerk = Account.objects.create_user(username="bench-clerk", password=None)
        self.clerk.groups.add(Group.objects.get_or_create(name="agency-staff")[0])
        colleagues = [self.clerk]
        for n in range(4):
            colleague = Account.objects.create_user(username=f"bench-clerk-{n}", password=None)
            colleagues.append(colleague)
        for account in colleagues:
            StaffMembership.objects.create(account=account, agency=self.agencies[0], role="clerk")
        self.staff = colleagues
        self.made = 0

    def add(self, count: int, *, agency: int | None, open_only: bool) -> float:
        """Insert `count` cases (of agency number `agency`, or of the others); seconds."""
        from django.utils import timezone

        from onewindow.applications.models import Application

        statuses = ["submitted", "received", "in-progress", "information-requested"]
        closed = ["answered", "closed"]
        now = timezone.now()
        today = timezone.localdate()
        started = time.perf_counter()
        left = count
        while left:
            rows = []
            for _ in range(min(BATCH, left)):
                n = self.made
                self.made += 1
                owner = 0 if agency == 0 else 1 + n % (AGENCIES - 1)
                service = self.services[owner * 3 + n % 3]
                applicant = self.applicants[n % APPLICANTS]
                # The measured agency's extra cases are all answered or closed: its open
                # cases stay OPEN_CASES at every size; the others' are four fifths open.
                is_open = open_only or (agency != 0 and n % 5 != 0)
                status = statuses[n % 4] if is_open else closed[n % 2]
                reference = f"OW-2026-{n + 1:07d}"
                subject = service.title_en
                rows.append(
                    Application(
                        reference=reference,
                        kind="application",
                        applicant=applicant,
                        service=service,
                        agency_id=service.provider_id,
                        language="en",
                        subject=subject,
                        answers={"reason": "bench"},
                        submission_key=uuid.uuid4(),
                        status=status,
                        submitted_at=now - dt.timedelta(minutes=n % 500_000),
                        due_on=today + dt.timedelta(days=(n * 7919) % 60 - 20),
                        assignee=self.staff[n % 6] if owner == 0 and n % 6 < 5 else None,
                        search_text=(
                            f"{reference} {subject} {applicant.first_name} "
                            f"{applicant.last_name} {applicant.personal_number}"
                        ),
                    )
                )
            Application.objects.bulk_create(rows, batch_size=BATCH)
            left -= len(rows)
        return time.perf_counter() - started


def _fill_in_database(world: World, count: int) -> float | None:
    """Insert `count` cases of the other agencies with one INSERT … SELECT over a series
    (generate_series on PostgreSQL, a recursive CTE on SQLite): the same rows `World.add`
    makes, some fifty times faster. None when the ids are not consecutive (then the caller
    falls back to bulk_create)."""
    from django.db import connection, transaction

    from onewindow.applications.models import Application
    from onewindow.catalog.models import Service
    from onewindow.identity.models import Account

    applicant_ids = [account.pk for account in world.applicants]
    service_ids = [service.pk for service in world.services[3:]]  # not the measured agency's
    for ids in (applicant_ids, service_ids):
        if ids != list(range(ids[0], ids[0] + len(ids))):
            return None
    first, last = world.made, world.made + count - 1
    postgres = connection.vendor == "postgresql"
    series = (
        "generate_series(%s, %s) AS n(i)"
        if postgres
        else "(WITH RECURSIVE s(i) AS (SELECT %s UNION ALL SELECT i + 1 FROM s WHERE i < %s) "
        "SELECT i FROM s) AS n"
    )
    number = "lpad((n.i + 1)::text, 7, '0')" if postgres else "printf('%%07d', n.i + 1)"
    key = "gen_random_uuid()" if postgres else "lower(hex(randomblob(16)))"
    submitted = (
        "now() - (n.i %% 500000) * interval '1 minute'"
        if postgres
        else "strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now', '-' || (n.i %% 500000) || ' minutes')"
    )
    due = (
        "current_date + ((n.i::bigint * 7919) %% 60 - 20)::int"
        if postgres
        else "date('now', ((n.i * 7919) %% 60 - 20) || ' days')"
    )
    status = (
        "CASE WHEN n.i %% 5 = 0 THEN (CASE WHEN n.i %% 2 = 0 THEN 'answered' ELSE 'closed' END) "
        "ELSE (CASE n.i %% 4 WHEN 0 THEN 'submitted' WHEN 1 THEN 'received' "
        "WHEN 2 THEN 'in-progress' ELSE 'information-requested' END) END"
    )
    now = "now()" if postgres else "strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now')"
    sql = f"""
        INSERT INTO {Application._meta.db_table} (
            reference, kind, applicant_id, acting_for, service_id, agency_id, language,
            subject, answers, prefilled, submission_key, status, outcome, submitted_at,
            due_on, assignee_id, pdf, search_text, updated_at
        )
        SELECT 'OW-2026-' || {number}, 'application', a.id, '', s.id, s.provider_id, 'en',
            s.title_en, '{{"reason": "bench"}}', '{{}}', {key}, {status}, '', {submitted},
            {due}, NULL, '',
            'OW-2026-' || {number} || ' ' || s.title_en || ' ' || a.first_name || ' '
                || a.last_name || ' ' || a.personal_number,
            {now}
        FROM {series}
        JOIN {Account._meta.db_table} a ON a.id = %s + n.i %% %s
        JOIN {Service._meta.db_table} s ON s.id = %s + n.i %% %s
    """  # noqa: S608 (table names and SQL written here, no outside input)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                first,
                last,
                applicant_ids[0],
                len(applicant_ids),
                service_ids[0],
                len(service_ids),
            ],
        )
    world.made += count
    return time.perf_counter() - started


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _measure(world: World, requests: int) -> dict[str, dict[str, Any]]:
    from django.test import Client

    from onewindow.applications.models import Application

    client = Client()
    client.force_login(world.clerk)
    cases = Application.objects.filter(agency=world.agencies[0], status__in=["submitted"])
    middle = cases.order_by("due_on", "id")[OPEN_CASES // 8]
    some = cases.order_by("id")[OPEN_CASES // 16]
    pages = {
        "first page": "/en/office/",
        "deep page": f"/en/office/?after={middle.due_on.isoformat()}~{middle.pk}"
        if middle.due_on
        else "/en/office/",
        "newest first": "/en/office/?sort=submitted",
        "name search": f"/en/office/?q={some.applicant.last_name}",
        "reference": f"/en/office/?q={some.reference}",
    }
    results: dict[str, dict[str, Any]] = {}
    for label, url in pages.items():
        for _ in range(3):  # warm the process, the catalogue and the database's cache
            _expect_ok(client.get(url), url)
        queries = _queries(client, url)
        timings = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            _expect_ok(response, url)
        results[label] = {
            "median_ms": statistics.median(timings),
            "p90_ms": sorted(timings)[int(len(timings) * 0.9) - 1],
            "queries": queries,
        }
    return results


def _queries(client: Any, url: str) -> int:
    """The number of SQL statements one request of `url` runs."""
    from django.db import connection

    statements: list[str] = []

    def count(execute: Any, sql: str, *args: Any) -> Any:
        statements.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(count):
        _expect_ok(client.get(url), url)
    return len(statements)


def _expect_ok(response: Any, url: str) -> None:
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the throwaway database")
    parser.add_argument(
        "--explain", action="store_true", help="print the database's plan of each inbox query"
    )
    options = parser.parse_args()
    sizes = sorted(int(size) for size in options.sizes.split(","))
    if sizes[0] < OPEN_CASES:
        parser.error(f"the smallest size must be at least {OPEN_CASES}")
    url, remove = _database(options.keep)
    try:
        _setup(url)
        from django.db import connection

        world = World()
        report: dict[str, Any] = {"database": connection.vendor, "sizes": {}}
        total = 0
        for size in sizes:
            seconds = 0.0
            before = total
            if total == 0:
                seconds += world.add(OPEN_CASES, agency=0, open_only=True)
                total = OPEN_CASES
            extra = size - total
            if extra:
                # A tenth of the rest: the agency's own closed and answered cases.
                own = extra // 10
                seconds += world.add(own, agency=0, open_only=False)
                filled = _fill_in_database(world, extra - own)
                if filled is None:
                    filled = world.add(extra - own, agency=None, open_only=False)
                seconds += filled
                total = size
            started = time.perf_counter()
            _analyze()
            analyze = time.perf_counter() - started
            print(
                f"{size:>9,} cases: generated in {seconds:.1f} s "
                f"({(size - before) / max(seconds, 1e-9):,.0f} rows/s), "
                f"ANALYZE {analyze:.1f} s",
                flush=True,
            )
            report["sizes"][size] = {
                "generate_s": seconds,
                "pages": _measure(world, options.requests),
            }
        _print(report, sizes)
        if options.explain:
            _explain(world)
        print("BENCH_JSON " + json.dumps(report, default=str))
        return 0 if report["ok"] else 1
    finally:
        remove()


class _Keep:
    """An execute wrapper that keeps each statement and its parameters."""

    def __init__(self, statements: list[tuple[str, Any]]) -> None:
        self.statements = statements

    def __call__(self, execute: Any, sql: str, params: Any, *args: Any) -> Any:
        self.statements.append((sql, params))
        return execute(sql, params, *args)


def _explain(world: World) -> None:
    """The database's plan of the inbox page's first query (the ids of the page)."""
    from django.db import connection

    from onewindow.applications.models import Application
    from onewindow.backoffice.selectors import InboxFilters, Sort, inbox_page

    some = Application.objects.filter(agency=world.agencies[0]).order_by("id")[OPEN_CASES // 16]
    for label, filters in (
        ("first page", InboxFilters()),
        ("newest first", InboxFilters(sort=Sort.SUBMITTED)),
        ("name search", InboxFilters(search=some.applicant.last_name)),
    ):
        statements: list[tuple[str, Any]] = []
        with connection.execute_wrapper(_Keep(statements)):
            inbox_page(staff=world.clerk, agency_ids=[world.agencies[0].pk], filters=filters)
        sql, params = statements[0]
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN ANALYZE {sql}", params)
            plan = "\n".join(str(row[0]) for row in cursor.fetchall())
        print(f"\n{label}:\n{plan}")


def _print(report: dict[str, Any], sizes: list[int]) -> None:
    from bench.run import print_table

    smallest, largest = sizes[0], sizes[-1]
    header = ["inbox page", *(f"{size:,} ms (q)" for size in sizes), "ratio", "target"]
    table = [header]
    report["ok"] = True
    for label in report["sizes"][smallest]["pages"]:
        cells = [label]
        for size in sizes:
            page = report["sizes"][size]["pages"][label]
            cells.append(f"{page['median_ms']:.1f} ({page['queries']})")
        low = report["sizes"][smallest]["pages"][label]
        high = report["sizes"][largest]["pages"][label]
        ratio = high["median_ms"] / low["median_ms"]
        same_queries = all(
            report["sizes"][size]["pages"][label]["queries"] == low["queries"] for size in sizes
        )
        ok = ratio <= TARGET_RATIO and same_queries
        report["ok"] = report["ok"] and ok
        report.setdefault("ratios", {})[label] = ratio
        cells += [f"{ratio:.2f}", f"≤ {TARGET_RATIO} {'pass' if ok else 'FAIL'}"]
        table.append(cells)
    print(f"\nBack-office inbox ({report['database']}), median of requests in-process\n")
    print_table(table)


if __name__ == "__main__":
    sys.exit(main())
