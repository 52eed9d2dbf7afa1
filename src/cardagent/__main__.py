"""`python -m cardagent provision …` (demo cards from the test PKI) and `… serve …` (the agent).

python -m cardagent provision --pki var/idpki --into var/cards [--no-softhsm] [--force]
python -m cardagent serve --cards var/cards --origin http://127.0.0.1:8000 [--port 24727]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from .provision import provision
from .server import LOOPBACK_HOSTS, AgentConfig, create_app

DEFAULT_PORT = 24727


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m cardagent", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    make = commands.add_parser("provision", help="Make demo ID cards from the test PKI.")
    make.add_argument("--pki", type=Path, required=True, help="the test PKI (has cards.json)")
    make.add_argument("--into", type=Path, required=True, help="the cards folder to fill")
    make.add_argument("--no-softhsm", action="store_true", help="soft-card files, not tokens")
    make.add_argument("--force", action="store_true", help="provision again from scratch")

    serve = commands.add_parser("serve", help="Serve the card agent on a loopback port.")
    serve.add_argument("--cards", type=Path, required=True, help="the provisioned cards folder")
    serve.add_argument(
        "--origin", action="append", required=True, help="a site allowed to ask (repeatable)"
    )
    serve.add_argument("--host", default="127.0.0.1", help="a loopback address only")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--module", type=Path, help="a PKCS#11 module (a real card's middleware)")
    serve.add_argument("--ocsp-url", help="ask this OCSP responder, not the certificate's")
    serve.add_argument("--seal-ocsp-url", help="the same for seal certificates")
    serve.add_argument(
        "--card",
        action="append",
        dest="cards_inserted",
        metavar="LABEL",
        help="only this card is in a reader (repeatable; default: every card)",
    )
    serve.add_argument(
        "--request-ttl", type=float, default=300.0, help=argparse.SUPPRESS
    )  # seconds; tests shorten it
    return parser


def _valid_origin(origin: str) -> bool:
    scheme, _, rest = origin.partition("://")
    return scheme in ("http", "https") and bool(rest) and "/" not in rest


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    if arguments.command == "provision":
        started = time.monotonic()
        kind = provision(
            arguments.pki,
            arguments.into,
            use_softhsm=False if arguments.no_softhsm else None,
            force=arguments.force,
        )
        sys.stderr.write(
            f"cardagent: {kind} cards in {arguments.into} ({time.monotonic() - started:.1f} s)\n"
        )
        return 0
    if arguments.host not in LOOPBACK_HOSTS:
        sys.stderr.write("cardagent: --host must be a loopback address (127.0.0.1, ::1)\n")
        return 2
    bad = [origin for origin in arguments.origin if not _valid_origin(origin)]
    if bad:
        sys.stderr.write(f"cardagent: an origin is scheme://host[:port], not {bad[0]!r}\n")
        return 2
    if not arguments.cards.is_dir():
        sys.stderr.write(f"cardagent: no cards folder at {arguments.cards}\n")
        return 2
    import uvicorn

    config = AgentConfig(
        cards_dir=arguments.cards,
        origins=frozenset(arguments.origin),
        host=arguments.host,
        port=arguments.port,
        module=arguments.module,
        ocsp_url=arguments.ocsp_url,
        seal_ocsp_url=arguments.seal_ocsp_url,
        only_cards=frozenset(arguments.cards_inserted) if arguments.cards_inserted else None,
        request_ttl=arguments.request_ttl,
    )
    sys.stderr.write(f"cardagent: listening on {config.base_url} for {sorted(config.origins)}\n")
    uvicorn.run(
        create_app(config),
        host=arguments.host,
        port=arguments.port,
        log_level="warning",
        access_log=False,
        server_header=False,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
