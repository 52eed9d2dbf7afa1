"""`python -m testpki init DIR [--force]` and `python -m testpki serve DIR [--host] [--port]`."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import layout
from .generate import ensure
from .model import IncompletePki


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m testpki", description="The ID-card test PKI (not for production)."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    init = commands.add_parser("init", help="Create the test PKI unless it is complete already.")
    init.add_argument("directory", nargs="?", type=Path, default=Path(layout.DEFAULT_DIRECTORY))
    init.add_argument("--force", action="store_true", help="Regenerate everything.")
    serve = commands.add_parser("serve", help="Serve OCSP, CRLs and timestamps.")
    serve.add_argument("directory", nargs="?", type=Path, default=Path(layout.DEFAULT_DIRECTORY))
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=layout.DEFAULT_PORT)
    arguments = parser.parse_args(argv)
    if arguments.command == "init":
        started = time.monotonic()
        pki = ensure(arguments.directory, force=arguments.force)
        sys.stdout.write(
            f"Test PKI in {pki.directory} ({len(pki.cards)} cards, {len(pki.seals)} seals, "
            f"generated {pki.generated_at.isoformat()}; {time.monotonic() - started:.2f} s)\n"
        )
        return 0
    from .server import serve as run_server

    try:
        run_server(arguments.directory, arguments.host, arguments.port)
    except IncompletePki as error:
        sys.stderr.write(f"{error} Run `python -m testpki init {arguments.directory}` first.\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
