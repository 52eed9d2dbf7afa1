"""`python -m sandbox serve …` and `python -m sandbox report-accesses …`.

Every option has an environment variable: SANDBOX_HOST, SANDBOX_PORT, SANDBOX_PERSONS,
SANDBOX_SEED, SANDBOX_PKI_DIR, SANDBOX_VAR_DIR, SANDBOX_FAULTS (JSON, see sandbox.faults),
SANDBOX_SMTP_PORT.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import httpx

from .faults import FaultConfigError
from .population import DEFAULT_PERSONS, DEFAULT_SEED


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="Serve the nine sandbox agencies over HTTP.")
    serve.add_argument("--host", default=_env("SANDBOX_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(_env("SANDBOX_PORT", "8100")))
    serve.add_argument(
        "--persons", type=int, default=int(_env("SANDBOX_PERSONS", str(DEFAULT_PERSONS)))
    )
    serve.add_argument("--seed", type=int, default=int(_env("SANDBOX_SEED", str(DEFAULT_SEED))))
    serve.add_argument("--pki", type=Path, default=Path(_env("SANDBOX_PKI_DIR", "var/pki")))
    serve.add_argument("--var", type=Path, default=Path(_env("SANDBOX_VAR_DIR", "var/sandbox")))
    serve.add_argument(
        "--faults",
        default=_env("SANDBOX_FAULTS", "{}"),
        help='JSON, e.g. {"revenue": {"fail": true}}',
    )
    serve.add_argument(
        "--smtp-port",
        type=int,
        default=int(_env("SANDBOX_SMTP_PORT", "8025")),
        help="The mailbox's SMTP server on 127.0.0.1 (0: none).",
    )
    serve.add_argument("--log-level", default="warning")
    report = commands.add_parser(
        "report-accesses", help="Send signed access reports of every agency to the portal."
    )
    report.add_argument("--portal", default="http://127.0.0.1:8000")
    report.add_argument("--count", type=int, default=3, help="Entries per agency (at most 500).")
    report.add_argument("--pki", type=Path, default=Path(_env("SANDBOX_PKI_DIR", "var/pki")))
    report.add_argument("--seed", type=int, default=int(_env("SANDBOX_SEED", str(DEFAULT_SEED))))
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    if arguments.command == "serve":
        from .app import parse_fault_env
        from .server import serve

        try:
            faults = parse_fault_env(arguments.faults)
        except FaultConfigError as error:
            sys.stderr.write(f"SANDBOX_FAULTS: {error}\n")
            return 2
        serve(
            host=arguments.host,
            port=arguments.port,
            persons=arguments.persons,
            seed=arguments.seed,
            pki_dir=arguments.pki,
            var_dir=arguments.var,
            faults=faults,
            log_level=arguments.log_level,
            smtp_port=arguments.smtp_port,
        )
        return 0
    from .access_reports import report_accesses

    try:
        results = report_accesses(
            portal=arguments.portal,
            pki_dir=arguments.pki,
            count=arguments.count,
            seed=arguments.seed,
        )
    except httpx.HTTPError as error:
        sys.stderr.write(f"The portal at {arguments.portal} did not answer: {error}\n")
        return 1
    for result in results:
        outcome = "accepted" if result.problem is None else result.problem
        sys.stdout.write(f"{result.agency}: {result.entries} entries, {result.status}, {outcome}\n")
    return 0 if all(result.problem is None for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
