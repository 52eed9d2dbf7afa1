"""Fail when a Georgian (ka) message has no translation or a fuzzy one."""

from __future__ import annotations

import sys
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[1] / "src" / "onewindow" / "locale" / "ka" / "LC_MESSAGES"


def untranslated(po_file: Path) -> list[str]:
    """msgids whose msgstr (or every plural msgstr[n]) is empty, or that are marked fuzzy."""
    problems: list[str] = []
    entries = po_file.read_text(encoding="utf-8").split("\n\n")
    for entry in entries:
        lines = [line for line in entry.strip().splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid ") for line in lines):
            continue
        msgid = _value(lines, "msgid ")
        if msgid == "":
            continue  # the header
        if any(line.startswith("#,") and "fuzzy" in line for line in lines):
            problems.append(f"fuzzy: {msgid}")
            continue
        strings = [_value(lines, prefix) for prefix in _msgstr_prefixes(lines)]
        if not strings or any(value == "" for value in strings):
            problems.append(f"untranslated: {msgid}")
    return problems


def _msgstr_prefixes(lines: list[str]) -> list[str]:
    return [line.split(" ", 1)[0] + " " for line in lines if line.startswith("msgstr")]


def _value(lines: list[str], prefix: str) -> str:
    collected: list[str] = []
    inside = False
    for line in lines:
        if line.startswith(prefix):
            inside = True
            collected.append(line[len(prefix) :].strip().strip('"'))
        elif inside and line.startswith('"'):
            collected.append(line.strip().strip('"'))
        elif inside:
            break
    return "".join(collected)


def main() -> int:
    problems = [f"{po.name}: {p}" for po in sorted(LOCALE.glob("*.po")) for p in untranslated(po)]
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} Georgian message(s) need a translation.", file=sys.stderr)
        return 1
    print("Every Georgian message is translated.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
