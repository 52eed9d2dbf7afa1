"""The back-office inbox at scale: does a page cost the same with 10,000 cases as with
1,000,000?

    python -m bench.backoffice [--sizes 10000,100000,1000000] [--requests 30] [--keep]
                               [--explain]

Generates cases into a throwaway database (the measured agency's open ones with
bulk_create, the rest with one INSERT … SELECT over a series, some ten times faster; on
PostgreSQL with the table's indexes and foreign keys made again after the insert): a
temporary SQLite file, or, when DATABASE_URL names PostgreSQL, a database
`<that name>_bench_office` on the same server (dropped at the end unless --keep).
The agency measured always has 10,000 open cases; the rest of each size is other
agencies' cases and its own closed ones, as in a portal that has run for years.

For each size, the inbox is requested in-process (Django's test client, a signed-in
clerk): the first page, a deep page (after a cursor from the middle of the list), newest
first, a name search and a reference search; median of --requests requests each, and the
number of queries (which must not change with the size). Prints a table and one line
"BENCH_JSON {...}"; --explain adds the database's plans of the page query.

In `make bench` (bench/run.py, `section()`), it runs in its own process on PostgreSQL:
DATABASE_URL when it names PostgreSQL, else the local server
(postgres://postgres@127.0.0.1:5432) when it answers, in a throwaway database dropped at
the end; only without either on SQLite, and then at 10,000 and 100,000 cases (generating
1,000,000 rows on SQLite takes over five minutes here), which the table says.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/backoffice.py` puts only bench/ on the path
    sys.path.insert(0, str(ROOT))

from bench import protocol  # noqa: E402

OPEN_CASES = 10_000  # the measured agency's open cases, at every size
AGENCIES = 40
BATCH = 5_000
APPLICANTS = 2_000
TARGET_RATIO = 1.5
LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
SIZES = (10_000, 1_000_000)
SQLITE_SIZES = (10_000, 100_000)  # 1,000,000 rows on SQLite: over 5 minutes to generate


class _Databases:
    """One throwaway database per size, each a copy of the one before grown further, so
    that the sizes are measured side by side (in turns, round after round: the noise of
    a shared machine falls on all of them alike). PostgreSQL when DATABASE_URL names it
    (`<that name>_bench_office_<size>` on the same server, copied with CREATE DATABASE …
    TEMPLATE), else SQLite files in a temporary folder."""

    def __init__(self, sizes: list[int], keep: bool) -> None:
        self.keep = keep
        url = os.environ.get("DATABASE_URL", "")
        self.postgres = url.startswith(("postgres://", "postgresql://"))
        if self.postgres:
            import psycopg

            parts = urlsplit(url)
            base = parts.path.lstrip("/") or "postgres"
            self.admin = urlunsplit(parts._replace(path="/postgres"))
            self.names = {size: f"{base}_bench_office_{size}" for size in sizes}
            self.url = urlunsplit(parts._replace(path=f"/{self.names[sizes[0]]}"))
            with psycopg.connect(self.admin, autocommit=True) as connection:
                for name in self.names.values():
                    connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
                connection.execute(f'CREATE DATABASE "{self.names[sizes[0]]}"')
        else:
            self.directory = Path(tempfile.mkdtemp(prefix="ow-bench-office-"))
            self.names = {size: str(self.directory / f"office-{size}.sqlite3") for size in sizes}
            self.url = f"sqlite:///{self.names[sizes[0]]}"

    def use(self, size: int) -> None:
        """Django's connection goes to the database of `size` from the next query on."""
        from django.db import connections

        connection = connections["default"]
        connection.close()
        connection.settings_dict["NAME"] = self.names[size]

    def copy(self, source: int, target: int) -> None:
        """The database of `target` made a copy of that of `source`, and used from now."""
        from django.db import connection

        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
        if self.postgres:
            import psycopg

            with psycopg.connect(self.admin, autocommit=True) as admin:
                admin.execute(
                    f'CREATE DATABASE "{self.names[target]}" TEMPLATE "{self.names[source]}"'
                )
        else:
            shutil.copyfile(self.names[source], self.names[target])
        self.use(target)

    def remove(self) -> None:
        if self.keep:
            print(f"kept databases {', '.join(self.names.values())}")
            return
        from django.db import connections

        connections.close_all()
        if self.postgres:
            import psycopg

            with psycopg.connect(self.admin, autocommit=True) as admin:
                for name in self.names.values():
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        else:
            shutil.rmtree(self.directory, ignore_errors=True)


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


def _fill_in_database(world: World, count: int, *, own: bool = False) -> float | None:
    """Insert `count` cases of the other agencies (`own`: the measured agency's answered
    and closed ones) with one INSERT … SELECT over a series (generate_series on
    PostgreSQL, a recursive CTE on SQLite): the same rows `World.add` makes, some fifty
    times faster. None when the ids are not consecutive (then the caller falls back to
    bulk_create)."""
    from django.db import connection, transaction

    from onewindow.applications.models import Application
    from onewindow.catalog.models import Service
    from onewindow.identity.models import Account

    applicant_ids = [account.pk for account in world.applicants]
    # The measured agency's three services, or all the others'.
    service_ids = [service.pk for service in (world.services[:3] if own else world.services[3:])]
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
    assignee = "NULL"
    if own:
        # As World.add: answered or closed by turns, five of six assigned to a clerk.
        status = "CASE WHEN n.i %% 2 = 0 THEN 'answered' ELSE 'closed' END"
        whens = " ".join(
            f"WHEN {index} THEN {int(member.pk)}" for index, member in enumerate(world.staff[:5])
        )
        assignee = f"CASE n.i %% 6 {whens} ELSE NULL END"
    now = "now()" if postgres else "strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now')"
    sql = f"""
        INSERT INTO {Application._meta.db_table} (
            reference, kind, applicant_id, acting_for, service_id, agency_id, language,
            subject, answers, prefilled, submission_key, status, outcome, submitted_at,
            due_on, assignee_id, pdf, search_text, updated_at
        )
        SELECT 'OW-2026-' || {number}, 'application', a.id, '', s.id, s.provider_id, 'en',
            s.title_en, '{{"reason": "bench"}}', '{{}}', {key}, {status}, '', {submitted},
            {due}, {assignee}, '',
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


@contextlib.contextmanager
def _indexes_built_after(table: str) -> Iterator[None]:
    """PostgreSQL: the table's indexes (but those of its primary key and unique
    constraints) and foreign keys are dropped for a bulk insert and made again after from
    their own definitions, so the result is the same table. Building an index once is far
    quicker than keeping thirteen up to date through a million inserts, the trigram GIN
    index above all (over seven minutes for 1,000,000 rows here with them in place)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "WHERE i.tablename = %s AND i.schemaname = current_schema() AND NOT EXISTS ("
            "  SELECT 1 FROM pg_constraint c WHERE c.conindid = "
            "  (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)",
            [table],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
            [table],
        )
        foreign_keys = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        for name, _definition in foreign_keys:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for _name, definition in indexes:
                cursor.execute(definition)
            for name, definition in foreign_keys:
                cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
            cursor.execute("RESET maintenance_work_mem")


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _pages(world: World) -> dict[str, str]:
    """The inbox URLs measured; the same cases at every size (the agency's open cases
    are made before the first copy)."""
    from onewindow.applications.models import Application

    cases = Application.objects.filter(agency=world.agencies[0], status__in=["submitted"])
    middle = cases.order_by("due_on", "id")[OPEN_CASES // 8]
    some = cases.order_by("id")[OPEN_CASES // 16]
    return {
        "first page": "/en/office/",
        "deep page": f"/en/office/?after={middle.due_on.isoformat()}~{middle.pk}"
        if middle.due_on
        else "/en/office/",
        "newest first": "/en/office/?sort=submitted",
        "name search": f"/en/office/?q={some.applicant.last_name}",
        "reference": f"/en/office/?q={some.reference}",
    }


def _side_by_side(
    world: World, databases: _Databases, sizes: list[int], requests: int, rounds: int
) -> dict[str, Any]:
    """Every page at every size in turns: each round goes through the sizes (the order
    alternating) and requests each page `requests / rounds` times after one untimed
    request. Per page and size the median of all requests; the ratio of the largest size
    to the smallest is the median of the per-round ratios of medians."""
    from django.test import Client

    databases.use(sizes[0])
    pages = _pages(world)
    clients: dict[int, Any] = {}
    queries: dict[int, dict[str, int]] = {}
    varying: dict[str, list[str]] = {}  # statements run by some requests of a page only
    for size in sizes:
        databases.use(size)
        clients[size] = Client()
        clients[size].force_login(world.clerk)
        queries[size] = {}
        for label, url in pages.items():
            for _ in range(3):  # warm the process, the catalogue and the database's cache
                _expect_ok(clients[size].get(url), url)
            counted = _queries(clients[size], url)
            queries[size][label] = counted["fewest"]
            if counted["sometimes"]:
                varying.setdefault(f"{size} {label}", counted["sometimes"])
    each = max(1, requests // rounds)
    timings: dict[int, dict[str, list[list[float]]]] = {
        size: {label: [[] for _ in range(rounds)] for label in pages} for size in sizes
    }
    for number in range(rounds):
        for size in sizes if number % 2 == 0 else list(reversed(sizes)):
            databases.use(size)
            for label, url in pages.items():
                _expect_ok(clients[size].get(url), url)  # untimed, after the switch
                for _ in range(each):
                    started = time.perf_counter()
                    response = clients[size].get(url)
                    timings[size][label][number].append((time.perf_counter() - started) * 1000)
                    _expect_ok(response, url)
    measured: dict[str, Any] = {
        "rounds": rounds,
        "requests_per_round": each,
        "sizes": {},
        "queries_varying": varying,
    }
    for size in sizes:
        measured["sizes"][size] = {}
        for label in pages:
            every = sorted(t for per_round in timings[size][label] for t in per_round)
            measured["sizes"][size][label] = {
                "median_ms": statistics.median(every),
                "p90_ms": every[max(0, int(len(every) * 0.9) - 1)],
                "queries": queries[size][label],
                "round_medians_ms": [
                    round(statistics.median(per_round), 2) for per_round in timings[size][label]
                ],
            }
    smallest, largest = sizes[0], sizes[-1]
    measured["ratios"] = {
        label: statistics.median(
            statistics.median(timings[largest][label][number])
            / statistics.median(timings[smallest][label][number])
            for number in range(rounds)
        )
        for label in pages
    }
    return measured


def _queries(client: Any, url: str, times: int = 3) -> dict[str, Any]:
    """The SQL statements one request of `url` runs: the fewest of `times` requests (a
    statement that only some requests run — a cache refilled, a session renewed — does
    not depend on the size), the most, and the statements not in every request."""
    from django.db import connection

    runs: list[list[str]] = []
    for _ in range(times):
        statements: list[str] = []

        def count(execute: Any, sql: str, *args: Any, kept: list[str] = statements) -> Any:
            kept.append(sql)
            return execute(sql, *args)

        with connection.execute_wrapper(count):
            _expect_ok(client.get(url), url)
        runs.append(statements)
    common = set.intersection(*(set(run) for run in runs))
    sometimes = sorted({sql[:160] for run in runs for sql in run if sql not in common})
    return {
        "fewest": min(len(run) for run in runs),
        "most": max(len(run) for run in runs),
        "sometimes": sometimes,
    }


def _expect_ok(response: Any, url: str) -> None:
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--requests", type=int, default=30, help="per page and size")
    parser.add_argument("--rounds", type=int, default=5, help="turns over the sizes")
    parser.add_argument("--keep", action="store_true", help="keep the throwaway databases")
    parser.add_argument(
        "--explain", action="store_true", help="print the database's plan of each inbox query"
    )
    options = parser.parse_args()
    protocol.stop_on_signals(signal.SIGTERM)  # the databases are dropped on the way out
    sizes = sorted({int(size) for size in options.sizes.split(",")})
    if sizes[0] < OPEN_CASES or len(sizes) < 2:
        parser.error(f"give two sizes or more, the smallest at least {OPEN_CASES}")
    if not 1 <= options.rounds <= options.requests:
        parser.error("keep --rounds within 1 and --requests")
    databases = _Databases(sizes, options.keep)
    try:
        _setup(databases.url)
        from django.db import connection

        world = World()
        report: dict[str, Any] = {"database": connection.vendor, "sizes": {}}
        total = 0
        for index, size in enumerate(sizes):
            if index:
                databases.copy(sizes[index - 1], size)
            before = total
            seconds = _grow(world, total, size)
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
            report["sizes"][size] = {"generate_s": seconds}
        measured = _side_by_side(world, databases, sizes, options.requests, options.rounds)
        for size in sizes:
            report["sizes"][size]["pages"] = measured["sizes"][size]
        report["ratios"] = measured["ratios"]
        report["queries_varying"] = measured["queries_varying"]
        report["rounds"] = measured["rounds"]
        report["requests_per_round"] = measured["requests_per_round"]
        _print(report, sizes)
        if options.explain:
            databases.use(sizes[-1])
            _explain(world)
        print("BENCH_JSON " + json.dumps(report, default=str))
        return 0 if report["ok"] else 1
    finally:
        databases.remove()


def _grow(world: World, total: int, size: int) -> float:
    """Cases from `total` up to `size`: first the agency's open ones, then a tenth of the
    rest its own answered and closed ones, the others other agencies'. Seconds."""
    from onewindow.applications.models import Application

    started = time.perf_counter()
    with _indexes_built_after(Application._meta.db_table):
        if total == 0:
            world.add(OPEN_CASES, agency=0, open_only=True)
            total = OPEN_CASES
        extra = size - total
        if extra:
            own = extra // 10
            if _fill_in_database(world, own, own=True) is None:
                world.add(own, agency=0, open_only=False)
            if _fill_in_database(world, extra - own) is None:
                world.add(extra - own, agency=None, open_only=False)
    return time.perf_counter() - started


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
    header = [
        "inbox page",
        *(f"{size:,} ms (queries)" for size in sizes),
        "ratio",
        f"≤ {TARGET_RATIO} ×",
        "same queries",
    ]
    table = [header]
    report["ok"] = True
    for label in report["sizes"][smallest]["pages"]:
        cells = [label]
        for size in sizes:
            page = report["sizes"][size]["pages"][label]
            cells.append(f"{page['median_ms']:.1f} ({page['queries']})")
        low = report["sizes"][smallest]["pages"][label]
        ratio = report["ratios"][label]
        same_queries = all(
            report["sizes"][size]["pages"][label]["queries"] == low["queries"] for size in sizes
        )
        report["ok"] = report["ok"] and ratio <= TARGET_RATIO and same_queries
        report.setdefault("same_queries", {})[label] = same_queries
        cells += [
            f"{ratio:.2f}",
            "PASS" if ratio <= TARGET_RATIO else "FAIL",
            "PASS" if same_queries else "FAIL",
        ]
        table.append(cells)
    print(
        f"\nBack-office inbox ({report['database']}): one agency's 10,000 open cases among "
        f"{smallest:,} and {largest:,} cases; median of requests in-process (Django's test "
        f"client, a signed-in clerk), one database per size measured in turns: "
        f"{report['rounds']} rounds × {report['requests_per_round']} requests per page and "
        f"size; ratio: median of the per-round ratios. Targets (issue 5): the median at "
        f"{largest:,} ≤ {TARGET_RATIO} × the median at {smallest:,}, the same number of "
        "queries\n"
    )
    print_table(table)
    if report.get("queries_varying"):
        print(
            "\n  Queries: the fewest of three requests of each page; some requests ran more "
            "(not depending on the size; in the JSON under queries_varying)."
        )


# --- in `make bench` (bench/run.py) ------------------------------------------------------


def section(report: dict[str, Any], *, requests: int = 15) -> dict[str, Any]:
    """Run this benchmark in its own process on PostgreSQL when one is at hand (see the
    module's doc), echo its output, and put the results in `report["backoffice"]`. Never
    raises for a benchmark that could not run: the section then has an "error"."""
    started = time.monotonic()
    url, where = _section_database()
    sizes = SIZES if url else SQLITE_SIZES
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "REDIS_URL")
    }
    if url:
        environment["DATABASE_URL"] = url
    command = [
        sys.executable, "-m", "bench.backoffice", "--sizes", ",".join(map(str, sizes)),
        "--requests", str(requests),
    ]  # fmt: skip
    result: dict[str, Any] = {"database_from": where, "command": " ".join(["python", *command[1:]])}
    print(f"bench: back-office inbox at {', '.join(f'{n:,}' for n in sizes)} cases ({where}) …")
    if not url:
        print(
            "bench:   no PostgreSQL reachable: SQLite at 10,000 and 100,000 cases only "
            "(1,000,000 rows take over five minutes to generate on SQLite); the ratio below "
            "is 100,000 ÷ 10,000, not the issue's 1,000,000 ÷ 10,000.",
            flush=True,
        )
    try:
        output = _echo(command, environment, timeout=900)
        found = protocol.parse(output)
        if found is None:
            result["error"] = "no result:\n" + output[-2000:]
        else:
            result.update(found)
    except (OSError, subprocess.SubprocessError) as error:
        result["error"] = str(error)
    result["seconds"] = round(time.monotonic() - started, 1)
    if "error" in result:
        print(f"\nBack-office inbox: could not run: {result['error']}")
    report["backoffice"] = result
    return result


def _section_database() -> tuple[str, str]:
    """The PostgreSQL URL to make the throwaway databases beside
    (`<name>_bench_office_<size>`), and where it comes from; ("", why) when there is none."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url, "PostgreSQL of DATABASE_URL"
    try:
        import psycopg

        with psycopg.connect(LOCAL_POSTGRES, connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except Exception:  # any failure (not installed, refused, no such role): none to use
        return "", "SQLite (no PostgreSQL reachable)"
    local = urlsplit(LOCAL_POSTGRES)
    name = f"onewindow_{os.getpid()}"  # → onewindow_<pid>_bench_office_<size>, dropped after
    return urlunsplit(local._replace(path=f"/{name}")), "the local PostgreSQL"


def _echo(command: list[str], environment: dict[str, str], timeout: float) -> str:
    """Run `command`, echoing its output but the JSON line and Django's axes chatter (on
    a timeout it gets SIGTERM, and drops its database on the way out)."""
    returncode, output = protocol.echo(
        command,
        cwd=ROOT,
        environment=environment,
        timeout=timeout,
        hide=(protocol.PREFIX, "AXES: "),
    )
    if returncode not in (0, 1):  # 1: a target missed
        raise subprocess.CalledProcessError(returncode, command, output[-3000:])
    return output


if __name__ == "__main__":
    sys.exit(main())
