"""`python -m sandbox serve`: the test PKI, the population, the app, and uvicorn.

The HTTP protocol is uvicorn's own with one change: a request to an agency that is `down`
has its connection closed before any byte of a response (see `sandbox.faults`).
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import uvicorn

from owexchange import DEFAULT_PARTIES
from owexchange.pki import ensure_test_pki

from .app import AgencyDesk, create_app, record_unanswered
from .faults import FaultBoard
from .messaging.smtp import start_smtp
from .population import generate


def dropping_protocol(
    board: FaultBoard, desks: Mapping[str, AgencyDesk] | None = None
) -> type[object] | str:
    """uvicorn's httptools protocol that drops the connections of `down` agencies (after
    logging the request in the agency's message log: it did arrive)."""
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:  # no httptools: `down` falls back to hanging (FaultInjection)
        return "auto"

    class DroppingProtocol(HttpToolsProtocol):
        faults: ClassVar[FaultBoard] = board
        agency_desks: ClassVar[Mapping[str, AgencyDesk]] = desks or {}
        dropped = False

        def on_headers_complete(self) -> None:
            path = urlsplit(self.url.decode("latin-1")).path
            if self.faults.is_down(path):
                headers = {
                    name.decode("latin-1"): value.decode("latin-1") for name, value in self.headers
                }
                record_unanswered(self.agency_desks, path, headers, "down")
                self.dropped = True
                self.transport.abort()
                return
            super().on_headers_complete()

        def on_body(self, body: bytes) -> None:
            if not self.dropped:
                super().on_body(body)

        def on_message_complete(self) -> None:
            if not self.dropped:
                super().on_message_complete()

    return DroppingProtocol


def serve(
    *,
    host: str,
    port: int,
    persons: int,
    seed: int,
    pki_dir: Path,
    var_dir: Path | None,
    faults: FaultBoard,
    log_level: str = "warning",
    smtp_port: int = 0,
) -> None:
    started = time.perf_counter()
    ensure_test_pki(pki_dir, DEFAULT_PARTIES)
    population = generate(seed=seed, persons=persons)
    gc.freeze()  # the population lives as long as the process: out of the collector's way
    app = create_app(population=population, pki_dir=pki_dir, var_dir=var_dir, faults=faults)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        http=dropping_protocol(faults, app.state.sandbox.desks),  # type: ignore[arg-type]
        lifespan="off",
        log_level=log_level,
        access_log=False,
        timeout_graceful_shutdown=2,
    )
    sys.stderr.write(
        f"Sandbox agencies: {len(population.persons)} persons (seed {seed}) ready in "
        f"{time.perf_counter() - started:.2f} s at http://{host}:{port}/{{agency-id}}/\n"
    )
    # The mailbox's SMTP server (sandbox.messaging), beside the HTTP one, on loopback only.
    mailbox = start_smtp(app.state.messaging, smtp_port) if smtp_port else None
    try:
        uvicorn.Server(config).run()
    finally:
        if mailbox is not None:
            mailbox.stop()
