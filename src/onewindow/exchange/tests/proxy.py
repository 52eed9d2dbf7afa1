"""A reverse proxy on loopback in front of the sandbox agencies, for what the sandbox
itself never does: answers changed on the way (tampered, re-signed by another agency,
wrong echoes, oversized, wrong shape) and a gateway that fails before the agency is asked.

The proxy passes the portal's Host header on, so the agency verifies the request against
the URL the portal signed. Re-signing uses the agency keys of the sandbox's test PKI.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from owexchange import load_private_key, sign_response

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "date", "server"}
ZERO_ID = "00000000-0000-4000-8000-000000000000"


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class TamperingProxy:
    upstream: str  # the sandbox's root URL
    pki: Path
    # agency id → what to do to its answers (see `change`)
    modes: dict[str, str] = field(default_factory=dict)
    # agency id → the `data` an agency should have answered instead (re-signed by it)
    data: dict[str, Any] = field(default_factory=dict)
    gateway_failures: dict[str, int] = field(default_factory=dict)
    forwarded: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.lock = threading.Lock()
        self.client = httpx.Client(timeout=10, trust_env=False)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def agency_url(self, agency: str) -> str:
        return f"{self.url}/{agency}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.client.close()

    def answer(self, path: str, headers: dict[str, str], body: bytes) -> Reply:
        agency = path.split("/")[1]
        with self.lock:
            failing = self.gateway_failures.get(agency, 0)
            if failing:
                self.gateway_failures[agency] = failing - 1
        if failing:  # a gateway in front of the agency, unsigned
            return Reply(502, {"Content-Type": "text/plain"}, b"Bad Gateway")
        upstream = self.client.post(f"{self.upstream}{path}", headers=headers, content=body)
        with self.lock:
            self.forwarded.append(agency)
        reply = Reply(
            upstream.status_code,
            {k: v for k, v in upstream.headers.items() if k.lower() not in HOP_BY_HOP},
            upstream.content,
        )
        if agency in self.data:
            envelope = json.loads(reply.body)
            envelope["data"] = self.data[agency]
            reply = self._resigned(reply, json.dumps(envelope).encode(), agency)
        change = CHANGES.get(self.modes.get(agency, ""))
        return change(self, reply, agency) if change else reply

    def _resigned(self, reply: Reply, body: bytes, signer: str, media: str = "") -> Reply:
        headers = sign_response(
            status=reply.status,
            body=body,
            request_id=_header(reply, "ow-request-id"),
            key=load_private_key(self.pki, signer),
            key_id=signer,
            content_type=media or _header(reply, "content-type"),
        )
        return Reply(reply.status, headers, body)


def _header(reply: Reply, name: str) -> str:
    return next(value for key, value in reply.headers.items() if key.lower() == name)


def _without(reply: Reply, name: str) -> dict[str, str]:
    return {key: value for key, value in reply.headers.items() if key.lower() != name}


def _echo(key: str, value: object) -> Callable[[TamperingProxy, Reply, str], Reply]:
    def change(proxy: TamperingProxy, reply: Reply, agency: str) -> Reply:
        envelope = json.loads(reply.body)
        envelope[key] = value
        return proxy._resigned(reply, json.dumps(envelope).encode(), agency)

    return change


CHANGES: dict[str, Callable[[TamperingProxy, Reply, str], Reply]] = {
    # Changed on the way: the agency's signature no longer matches.
    "body": lambda p, r, a: Reply(r.status, r.headers, r.body.replace(b'"data"', b'"data" ')),
    "status": lambda p, r, a: Reply(203, r.headers, r.body),
    "request-id": lambda p, r, a: Reply(
        r.status, _without(r, "ow-request-id") | {"OW-Request-Id": ZERO_ID}, r.body
    ),
    # Correctly signed, but by another agency.
    "signer": lambda p, r, a: p._resigned(r, r.body, "revenue" if a != "revenue" else "tbilisi"),
    # Signed by the agency, but not the documented answer.
    "echo-request-id": _echo("request_id", ZERO_ID),
    "echo-subject": _echo("subject", {"type": "person", "id": "99999999999"}),
    "echo-operation": _echo("operation", "something-else"),
    "huge": lambda p, r, a: p._resigned(r, b" " * (2 * 1024 * 1024) + r.body, a),
    "html": lambda p, r, a: p._resigned(r, b"<html>maintenance</html>", a, "text/html"),
}


def _handler(proxy: TamperingProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return None

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            reply = proxy.answer(self.path, headers, body)
            try:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):  # the portal gave up
                pass

    return Handler
