"""How the benchmark sections talk to `bench/run.py` and to each other.

A section's child process prints its result as one line, `BENCH_JSON {...}` (`emit`), which
the parent finds among the child's progress (`parse`). A child that `bench/run.py` starts
takes `--bench-json` (that line), or `--json` / a table when run by hand (`child_main`). A
section run on its own writes its report beside run.py's (`write_standalone`). A parent
echoes a child's progress as it comes (`echo`); SIGTERM and SIGHUP unwind (`stop_on_signals`).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

PREFIX = "BENCH_JSON "
ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"


def emit(result: dict[str, Any]) -> None:
    """The result line a parent reads (flushed: the parent echoes progress as it comes)."""
    print(PREFIX + json.dumps(result, ensure_ascii=False), flush=True)


def parse(output: str | Iterable[str]) -> dict[str, Any] | None:
    """The result a child printed with `emit`, or None if it printed none."""
    lines = output.splitlines() if isinstance(output, str) else output
    line = next((line for line in lines if line.startswith(PREFIX)), None)
    if line is None:
        return None
    result: dict[str, Any] = json.loads(line.removeprefix(PREFIX))
    return result


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """`--json` (by hand) and `--bench-json` (when bench/run.py runs the section)."""
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--bench-json", action="store_true", help=argparse.SUPPRESS)


def child_main(
    name: str,
    arguments: argparse.Namespace,
    measure: Callable[[], dict[str, Any]],
    print_section: Callable[[dict[str, Any]], None],
) -> int:
    """Run `measure` and hand its result on as `arguments` ask. Under bench/run.py a failure
    is reported as {"error": …} (exit 2) and never timed; by hand it raises."""
    try:
        result = measure()
    except Exception as error:  # any failure: reported, never timed
        if not arguments.bench_json:
            raise
        emit({"error": f"{type(error).__name__}: {error}"})
        return 2
    if arguments.bench_json:
        emit(result)
    elif arguments.json:
        print(json.dumps({name: result}, indent=2, ensure_ascii=False))
    else:
        print_section(result)
    return 0


def exit_on_signal(number: int, frame: object) -> None:
    raise SystemExit(128 + number)  # unwinds through the finally blocks that stop servers


def stop_on_signals(*numbers: int) -> None:
    """These signals (default SIGTERM and SIGHUP) end the process through its `finally`
    blocks, so that servers are stopped and throwaway databases dropped on the way out."""
    for number in numbers or (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, exit_on_signal)


def echo(
    command: list[str],
    *,
    cwd: Path,
    environment: dict[str, str],
    timeout: float,
    hide: tuple[str, ...] = (PREFIX,),
) -> tuple[int, str]:
    """Run `command` in its own process group, echoing its output indented as it comes
    (but the lines starting with `hide`); its exit status and output. Past `timeout`, or
    when interrupted, its group gets SIGTERM (children clean up on their way out)."""
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    with subprocess.Popen(
        command,
        cwd=cwd,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    ) as process:
        try:
            for line in process.stdout or ():
                lines.append(line)
                if not line.startswith(hide):
                    print("  " + line, end="", flush=True)
                if time.monotonic() > deadline:
                    raise subprocess.TimeoutExpired(command, timeout)
        except BaseException:
            os.killpg(process.pid, signal.SIGTERM)
            raise
    return process.wait(), "".join(lines)  # it has ended: wait() only reads its status


def write_standalone(name: str, section: dict[str, Any]) -> int:
    """A section run on its own: bench/results/<name>.json; exit 1 if it failed."""
    report = {"when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), name: section}
    path = RESULTS_DIR / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(f"\nWritten to {path.relative_to(ROOT)} in {section['seconds']:.0f} s.")
    return 1 if "error" in section else 0
