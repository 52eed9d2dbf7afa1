"""The sandbox is another organisation's system: no imports across the portal boundary."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.sandbox_process import REPOSITORY, RunningSandbox


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            roots.add(node.module.split(".")[0])
    return roots


def test_the_sandbox_never_imports_the_portal() -> None:
    for path in (REPOSITORY / "src" / "sandbox").rglob("*.py"):
        assert "onewindow" not in _imported_roots(path), path


def test_the_portal_never_imports_the_sandbox() -> None:
    for path in (REPOSITORY / "src" / "onewindow").rglob("*.py"):
        if "tests" not in path.relative_to(REPOSITORY).parts:
            assert "sandbox" not in _imported_roots(path), path


def test_the_sandbox_starts_quickly(sandbox: RunningSandbox) -> None:
    # ~1.5 s on an idle two-core machine for 2,000 persons (imports included); a loaded
    # CI machine gets some slack.
    assert sandbox.startup_seconds < 10
