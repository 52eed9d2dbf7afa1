"""The in-process half of the benchmark, run by bench/run.py in the benchmark's environment.

    python -m bench.inprocess prepare --static-out PATH [--search-reps N]
        Render the home page into PATH (the static copy), pick a real service, check the
        benchmark's URLs, and time the search engine in-process; prints one line
        "BENCH_JSON {...}".
    python -m bench.inprocess profile [--path /ka/] [--requests N]
        cProfile of N requests through Django's test client (DEBUG off), top functions.

Needs DJANGO_SETTINGS_MODULE=bench.settings and the environment bench/run.py sets up (a
throwaway database holding the catalogue); it never touches the project's own var/.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import math
import os
import pstats
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

# Realistic searches: Georgian (with case endings, plurals, several words), English,
# Georgian typed in Latin letters (national romanisation and the Latin keyboard layout),
# typos, and words that are not in the catalogue at all.
SEARCH_QUERIES = [
    "ამონაწერი",
    "ამონაწერი საჯარო რეესტრიდან",
    "პასპორტი",
    "პასპორტის აღება",
    "პირადობის მოწმობა",
    "დაბადების მოწმობა",
    "ქორწინების რეგისტრაცია",
    "მართვის მოწმობა",
    "მშენებლობის ნებართვა",
    "მიწის ნაკვეთის რეგისტრაცია",
    "ბიზნესის რეგისტრაცია",
    "სოციალური დახმარება",
    "პენსია",
    "ნასამართლეობის ცნობა",
    "გადასახადის გადახდა",
    "ჯარიმები",
    "საარქივო ცნობა",
    "passport",
    "birth certificate",
    "driving licence",
    "company registration",
    "extract from the public registry",
    "construction permit",
    "social assistance",
    "pension",
    "pay a fine",
    "criminal record certificate",
    "amonaweri",
    "pasporti",
    "dabadebis mowmoba",
    "mshenebloba",
    "sazogadoebrivi reestri",
    "martvis mowmoba",
    "amonats'eri",
    "pasprt",
    "regstration",
    "sertificate",
    "ამონაწრი",
    "quantum chromodynamics",
    "ზონა 7",
]
# What people type before they finish a word (the suggestion endpoint).
SUGGEST_INPUTS = [
    "am",
    "amonaw",
    "ამონ",
    "პასპ",
    "pas",
    "pasp",
    "bir",
    "birth cer",
    "dab",
    "მშენ",
    "mshen",
    "reg",
    "registr",
    "სოც",
    "soci",
    "ნებარ",
    "drivi",
    "ცნობ",
    "pen",
    "ქორწ",
]
SEARCH_TARGET_MS = 5.0
TIMING_ROUNDS = 5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    prepare = commands.add_parser("prepare")
    prepare.add_argument("--static-out", type=Path, required=True)
    prepare.add_argument("--search-reps", type=int, default=100)
    prepare.add_argument("--search-seconds", type=float, default=12.0)
    prepare.add_argument("--ka-query", default="ამონაწერი")
    prepare.add_argument("--latin-query", default="amonaweri")
    prepare.add_argument("--suggest-query", default="amonaw")
    profile = commands.add_parser("profile")
    profile.add_argument("--path", action="append", default=[])
    profile.add_argument("--requests", type=int, default=300)
    profile.add_argument("--top", type=int, default=25)
    arguments = parser.parse_args()

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    if arguments.command == "prepare":
        result = prepare_run(arguments)
        print("BENCH_JSON " + json.dumps(result, ensure_ascii=False))
    else:
        profile_run(arguments.path or ["/ka/"], arguments.requests, arguments.top)
    return 0


# --- prepare -------------------------------------------------------------------------


def prepare_run(arguments: argparse.Namespace) -> dict[str, Any]:
    from django.conf import settings

    from onewindow.catalog import selectors
    from onewindow.catalog.models import Service, SynonymGroup
    from onewindow.catalog.search import SearchIndex

    if settings.DEBUG:
        raise SystemExit("DEBUG is on; the benchmark measures the portal as in production.")
    _clear_analysis_caches()
    started = time.perf_counter()
    snapshot = selectors.catalog()
    snapshot_ms = (time.perf_counter() - started) * 1000

    real = [service for service in snapshot.services if not service.is_generated]
    if not real:
        raise SystemExit("The catalogue holds no services from catalog/*.yaml.")
    service_code = real[0].code  # the most popular real service

    documents = [selectors._document(service) for service in snapshot.services]
    synonyms = [tuple(group.terms) for group in SynonymGroup.objects.all()]
    build = _time_builds(SearchIndex, documents, synonyms)

    client = _client()
    home = client.get("/ka/")
    if home.status_code != 200:
        raise SystemExit(f"GET /ka/ answered {home.status_code}; expected 200.")
    arguments.static_out.parent.mkdir(parents=True, exist_ok=True)
    arguments.static_out.write_bytes(home.content)

    index = snapshot.index
    checks = {
        "ka_query_hits": len(index.search(arguments.ka_query)),
        "latin_query_hits": len(index.search(arguments.latin_query)),
        "suggest_hits": len(index.suggest(arguments.suggest_query)),
    }
    timings = _time_search(index, arguments.search_reps, arguments.search_seconds)
    return {
        "services": len(snapshot.services),
        "services_in_database": Service.objects.filter(is_active=True).count(),
        "services_from_yaml": len(real),
        "service_code": service_code,
        "service_title": real[0].title_ka,
        "home_bytes": len(home.content),
        "snapshot_build_ms": round(snapshot_ms, 1),
        "index_build": build,
        "checks": checks,
        "search": timings,
    }


def _client() -> Any:
    from django.test import Client

    return Client(HTTP_HOST="127.0.0.1")


def _clear_analysis_caches() -> None:
    """Forget every word analysed so far, as in a freshly started process: clear every
    functools cache at module level in the search package."""
    for cached in _module_caches():
        cached.cache_clear()


def _module_caches() -> list[Any]:
    import importlib
    import pkgutil

    import onewindow.catalog.search as package

    caches: dict[int, Any] = {}
    for module_info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if hasattr(value, "cache_clear"):
                caches[id(value)] = value
    return list(caches.values())


def _index_caches(index: Any) -> list[tuple[str, Any]]:
    """The query caches of one index: cached callables on the instance or its class."""
    found = [(name, value) for name, value in vars(index).items() if hasattr(value, "cache_clear")]
    for name in dir(type(index)):
        value = getattr(type(index), name, None)
        if hasattr(value, "cache_clear"):
            found.append((name, value))
    return found


def _time_builds(
    index_class: Any, documents: list[Any], synonyms: list[tuple[str, ...]]
) -> dict[str, Any]:
    """Index build time: once with no word analysed yet (a new process), then rebuilds."""
    _clear_analysis_caches()
    started = time.perf_counter_ns()
    index_class.build(documents, synonyms)
    first = (time.perf_counter_ns() - started) / 1e6
    rebuilds = []
    for _ in range(4):
        started = time.perf_counter_ns()
        index_class.build(documents, synonyms)
        rebuilds.append((time.perf_counter_ns() - started) / 1e6)
    return {
        "documents": len(documents),
        "synonym_groups": len(synonyms),
        "first_ms": round(first, 1),
        "rebuild_median_ms": round(sorted(rebuilds)[len(rebuilds) // 2], 1),
    }


def _time_search(index: Any, reps: int, seconds: float) -> dict[str, Any]:
    caches = _index_caches(index)
    if not caches:
        method = "the index keeps no query cache (none found), so index.search(q) is timed as is"
    else:
        names = ", ".join(f"index.{name}" for name, _ in caches)
        method = (
            f"index.search(q) timed with perf_counter_ns right after {names}.cache_clear() "
            "(the index's query cache), so every call is a real search; the per-word "
            "analysis caches stay warm, as in a running process"
        )

    def clear_query_cache() -> None:
        for _name, cached in caches:
            cached.cache_clear()

    def clear_all() -> None:
        clear_query_cache()
        _clear_analysis_caches()

    for query in SEARCH_QUERIES:  # warm the per-word analysis as a running process has
        index.search(query)
    search = _time_calls(index.search, SEARCH_QUERIES, reps, seconds * 0.6, clear_query_cache)
    cold = _time_calls(index.search, SEARCH_QUERIES, max(1, reps // 3), seconds * 0.2, clear_all)
    suggest = _time_calls(index.suggest, SUGGEST_INPUTS, reps, seconds * 0.2, clear_query_cache)
    return {
        "method": f"{method}; p50/p99 are medians over {TIMING_ROUNDS} rounds of each "
        "round's percentile",
        "query_caches": [name for name, _ in caches],
        "analysis_caches": sorted(
            f"{cached.__module__}.{cached.__qualname__}" for cached in _module_caches()
        ),
        "target_ms": SEARCH_TARGET_MS,
        "search": search,
        "search_all_caches_cold": cold,
        "suggest": suggest,
        "hits": {query: len(index.search(query)) for query in SEARCH_QUERIES},
    }


def _time_calls(
    function: Callable[[str], object],
    inputs: Iterable[str],
    reps: int,
    seconds: float,
    before: Callable[[], None],
    rounds: int = TIMING_ROUNDS,
) -> dict[str, Any]:
    """Call `function` on every input `reps` times in shuffled orders, in `rounds` rounds
    (fewer if `seconds` run out); `before` runs untimed ahead of each call.

    Percentiles are taken per round and the median over the rounds is reported, so that
    a burst of noise from the shared machine spoils one round, not the result. Wall time
    (perf_counter_ns) is the measure; the thread's CPU time is kept alongside, to tell a
    slow search from a preempted one.
    """
    order = list(inputs)
    by_input: dict[str, list[int]] = {text: [] for text in order}
    rng = random.Random(20240601)
    deadline = time.perf_counter() + seconds
    per_round = max(1, reps // rounds)
    wall_all: list[int] = []
    stats: list[tuple[float, float, float]] = []
    for _ in range(rounds):
        wall: list[int] = []
        cpu: list[int] = []
        for _ in range(per_round):
            rng.shuffle(order)
            for text in order:
                before()
                cpu_started = time.thread_time_ns()
                started = time.perf_counter_ns()
                function(text)
                elapsed = time.perf_counter_ns() - started
                cpu.append(time.thread_time_ns() - cpu_started)
                wall.append(elapsed)
                by_input[text].append(elapsed)
        wall.sort()
        cpu.sort()
        stats.append((_percentile(wall, 50), _percentile(wall, 99), _percentile(cpu, 99)))
        wall_all.extend(wall)
        if time.perf_counter() > deadline:
            break
    wall_all.sort()
    slowest = sorted(
        ((_percentile(sorted(times), 50), text) for text, times in by_input.items() if times),
        reverse=True,
    )[:5]

    def median_ms(column: int) -> float:
        return round(statistics.median(row[column] for row in stats) / 1e6, 3)

    return {
        "inputs": len(by_input),
        "rounds": len(stats),
        "samples": len(wall_all),
        "p50_ms": median_ms(0),
        "p99_ms": median_ms(1),
        "cpu_p99_ms": median_ms(2),
        "p99_per_round_ms": [round(row[1] / 1e6, 3) for row in stats],
        "p99_pooled_ms": round(_percentile(wall_all, 99) / 1e6, 3),
        "max_ms": round(wall_all[-1] / 1e6, 3),
        "slowest_median_ms": {text: round(value / 1e6, 3) for value, text in slowest},
    }


def _percentile(ordered: list[int], percent: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[rank - 1]


# --- profile -------------------------------------------------------------------------


def profile_run(paths: list[str], requests: int, top: int) -> None:
    client = _client()
    for path in paths:
        for _ in range(20):  # warm up: catalogue snapshot, templates, translations
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"GET {path} answered {response.status_code}; expected 200.")
        started = time.perf_counter()
        for _ in range(requests):
            client.get(path)
        plain_ms = (time.perf_counter() - started) * 1000 / requests
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(requests):
            client.get(path)
        profiler.disable()
        print(f"\n=== GET {path}: {plain_ms:.2f} ms per request through the test client ===")
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats(order).print_stats(top)
            print(f"--- sorted by {order} ---")
            print(_trim_stats(out.getvalue()))


def _trim_stats(text: str) -> str:
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if line.lstrip().startswith("ncalls"):
            return "\n".join(lines[number - 1 :])
    return text


if __name__ == "__main__":
    sys.exit(main())
