"""The test PKI's commands (docs/identity.md, docs/signing.md).

python -m testpki init DIR [--force]
python -m testpki serve DIR [--host] [--port]
python -m testpki agency-seals DIR --agencies FILE.json
python -m testpki hsm DIR --into var/hsm
"""

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
    seals = commands.add_parser("agency-seals", help="Issue one seal certificate per agency.")
    seals.add_argument("directory", type=Path)
    seals.add_argument("--agencies", type=Path, required=True, help='[{"code", "name", …}]')
    hsm = commands.add_parser("hsm", help="Import the agency seals into a SoftHSM2 token.")
    hsm.add_argument("directory", type=Path)
    hsm.add_argument("--into", type=Path, required=True, help="the HSM folder, e.g. var/hsm")
    arguments = parser.parse_args(argv)
    if arguments.command == "agency-seals":
        return _agency_seals(arguments.directory, arguments.agencies)
    if arguments.command == "hsm":
        return _hsm(arguments.directory, arguments.into)
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


def _agency_seals(directory: Path, agencies_file: Path) -> int:
    from .agency import BadAgencies, issue_agency_seals, read_agencies
    from .generate import now

    try:
        seals = issue_agency_seals(directory, read_agencies(agencies_file), now=now())
    except (BadAgencies, IncompletePki) as error:
        sys.stderr.write(f"testpki: {error}\n")
        return 1
    sys.stdout.write(f"{len(seals)} agency seals in {directory / layout.AGENCY_SEALS_JSON}\n")
    return 0


def _hsm(directory: Path, into: Path) -> int:
    from .hsm import HsmUnavailable, build_hsm

    try:
        report = build_hsm(directory, into)
    except (HsmUnavailable, IncompletePki) as error:
        sys.stderr.write(f"testpki: {error}\n")
        return 1
    sys.stdout.write(
        f"HSM token agency-seals ({report.conf}): {len(report.labels)} keys, "
        f"{len(report.imported)} imported now\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
