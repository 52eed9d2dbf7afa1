"""The agent's HTTP API (see docs/identity.md, "The card agent's API") and its dialog.

The portal's page starts a sign-in with `POST /v1/authenticate`, opens the returned dialog
URL in a window, and polls `GET /v1/authenticate/<id>`. The PIN is typed only into the
dialog, which is the agent's own page; it never leaves the agent.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import APP_NAME, VERSION
from .cards import KeySlot, NoCard, NoReader, PinBlocked, WrongPin
from .certificates import Revocation, card_holder, is_expired, load_issuers, revocation_status
from .dialog import CardChoice, PageErrors, choose_card_page, done_page, error_page, pin_page
from .guards import MAX_OPEN_REQUESTS, json_body, origin_allowed, origin_refused, submit_dialog_form
from .pkcs11card import SOFTHSM_MODULE, Pkcs11Reader
from .provision import CA_DIR, SOFTHSM_CONF
from .responses import html_response, json_response
from .signapi import SigningApi
from .softcard import SoftCardReader
from .texts import ERROR_MESSAGES, LANGUAGES, language, text, wrong_pin
from .webeid import authentication_token

STATIC_DIR = Path(__file__).parent / "static"
NONCE_PATTERN = re.compile(r"[A-Za-z0-9+/_-]{43,200}={0,2}")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class AgentConfig:
    cards_dir: Path
    origins: frozenset[str]
    port: int
    host: str = "127.0.0.1"
    module: Path | None = None
    ocsp_url: str | None = None
    seal_ocsp_url: str | None = None
    only_cards: frozenset[str] | None = None
    request_ttl: float = 300.0

    @property
    def base_url(self) -> str:
        host = "[::1]" if self.host == "::1" else "127.0.0.1"
        return f"http://{host}:{self.port}"

    @property
    def own_origins(self) -> frozenset[str]:
        return frozenset(
            f"http://{host}:{self.port}" for host in ("127.0.0.1", "localhost", "[::1]")
        )


@dataclass
class SignInRequest:
    """One `POST /v1/authenticate`, until its result is collected or it expires."""

    id: str
    origin: str
    nonce: str
    lang: str
    started: float
    card_label: str | None = None
    checked_card: str | None = None
    status: str = "pending"
    token: dict[str, Any] | None = None
    error: str | None = None
    finished: float | None = field(default=None)

    def finish(self, *, token: dict[str, Any] | None = None, error: str | None = None) -> None:
        self.status = "done" if token is not None else "error"
        self.token, self.error, self.finished = token, error, time.monotonic()


class Readers:
    """The card readers of this agent: a PKCS#11 module (SoftHSM2 or a real card's), soft cards."""

    def __init__(self, config: AgentConfig) -> None:
        self.readers: list[Pkcs11Reader | SoftCardReader] = []
        softhsm_conf = config.cards_dir / SOFTHSM_CONF
        if config.module is not None or softhsm_conf.is_file():
            self.readers.append(
                Pkcs11Reader(
                    config.module or SOFTHSM_MODULE,
                    config.cards_dir,
                    softhsm_conf=softhsm_conf.resolve() if softhsm_conf.is_file() else None,
                    only=config.only_cards,
                )
            )
        self.readers.append(SoftCardReader(config.cards_dir, only=config.only_cards))
        # One card operation at a time: PKCS#11 was initialised without threading arguments.
        self.lock = threading.RLock()

    def tokens(self) -> list[Any]:
        """Every card and seal device present; `NoReader`/`NoCard` when there is none."""
        found: list[Any] = []
        missing_reader = False
        for reader in self.readers:
            try:
                found.extend(reader.cards())
            except NoReader:
                missing_reader = True
        if found:
            return found
        if missing_reader:
            raise NoReader("no card reader")
        raise NoCard("no card")

    def cards(self) -> list[Any]:
        """The ID cards present (seal devices are not offered for signing in)."""
        cards = [card for card in self.tokens() if not card.is_seal]
        if not cards:
            raise NoCard("no card")
        return cards

    def seals(self) -> list[Any]:
        """The company seal devices present."""
        seals = [card for card in self.tokens() if card.is_seal]
        if not seals:
            raise NoCard("no seal device")
        return seals


def _error_result(code: str) -> dict[str, Any]:
    return {"status": "error", "code": code, "message": ERROR_MESSAGES[code]}


class CardAgent:
    def __init__(self, config: AgentConfig) -> None:
        self.config = config
        self.readers = Readers(config)
        self.issuers = load_issuers(config.cards_dir / CA_DIR)
        self.requests: dict[str, SignInRequest] = {}
        self.requests_lock = threading.Lock()
        self.signing = SigningApi(self)

    # Requests -----------------------------------------------------------------------------

    def _forget_old(self) -> None:
        now = time.monotonic()
        for request_id, sign_in in list(self.requests.items()):
            if now - sign_in.started > self.config.request_ttl and sign_in.status == "pending":
                sign_in.finish(error="timeout")
            if sign_in.finished is not None and now - sign_in.finished > self.config.request_ttl:
                del self.requests[request_id]

    def _find(self, request_id: str) -> SignInRequest | None:
        with self.requests_lock:
            self._forget_old()
            return self.requests.get(request_id)

    # API ----------------------------------------------------------------------------------

    def status(self, request: Request) -> Response:
        with self.readers.lock:
            try:
                count = len(self.readers.cards())
            except (NoReader, NoCard):
                count = 0
        return json_response({"app": APP_NAME, "version": VERSION, "cards": count})

    async def authenticate(self, request: Request) -> Response:
        if not origin_allowed(request, self.config.origins, required=True):
            return origin_refused()
        origin = request.headers["origin"]
        payload = await json_body(request)
        if isinstance(payload, Response):
            return payload
        nonce, lang = payload.get("challengeNonce"), payload.get("lang", "ka")
        if not isinstance(nonce, str) or not NONCE_PATTERN.fullmatch(nonce) or len(nonce) < 44:
            return json_response(
                {"error": "challengeNonce must be base64 of at least 44 characters"}, 400
            )
        if lang not in LANGUAGES:
            return json_response({"error": "lang must be ka or en"}, 400)
        with self.requests_lock:
            self._forget_old()
            if len(self.requests) >= MAX_OPEN_REQUESTS:
                return json_response({"error": "too many open requests"}, 429)
            request_id = secrets.token_urlsafe(32)
            self.requests[request_id] = SignInRequest(
                id=request_id, origin=origin, nonce=nonce, lang=lang, started=time.monotonic()
            )
        dialog_url = f"{self.config.base_url}/v1/dialog/{request_id}?lang={lang}"
        return json_response({"id": request_id, "dialogUrl": dialog_url}, 201)

    def result(self, request: Request) -> Response:
        sign_in = self._find(request.path_params["request_id"])
        if sign_in is None or request.headers.get("origin") != sign_in.origin:
            return json_response({"error": "unknown request"}, 404)
        if sign_in.status == "pending":
            return json_response({"status": "pending"})
        with self.requests_lock:
            self.requests.pop(sign_in.id, None)
        if sign_in.token is not None:
            return json_response({"status": "done", "token": sign_in.token})
        return json_response(_error_result(sign_in.error or "cancelled"))

    # Dialog -------------------------------------------------------------------------------

    def dialog_get(self, request: Request) -> Response:
        request_id = request.path_params["request_id"]
        lang = language(request.query_params.get("lang"))
        sign_in = self._find(request_id)
        if sign_in is None:
            return html_response(
                error_page(lang=lang, self_url=self._action(request_id), code=None), 404
            )
        return self._render(sign_in, lang, PageErrors())

    async def dialog_post(self, request: Request) -> Response:
        return await submit_dialog_form(request, self.config.own_origins, self._dialog_submit)

    def _dialog_submit(self, request_id: str, form: dict[str, str]) -> Response:
        lang = language(form.get("lang"))
        sign_in = self._find(request_id)
        if sign_in is None:
            return html_response(
                error_page(lang=lang, self_url=self._action(request_id), code=None), 404
            )
        if sign_in.status != "pending":
            return self._render(sign_in, lang, PageErrors())
        if form.get("action") == "cancel":
            sign_in.finish(error="cancelled")
            return self._render(sign_in, lang, PageErrors())
        errors = PageErrors()
        if form.get("step") == "card":
            if form.get("card"):
                sign_in.card_label = form["card"]
            else:
                errors.add("card-0", text("card_missing", lang))
            return self._render(sign_in, lang, errors)
        pin = form.get("pin", "")
        if not re.fullmatch(r"\d{4,12}", pin):
            errors.add("pin", text("pin_missing", lang))
            return self._render(sign_in, lang, errors)
        token: dict[str, Any] | None = None
        with self.readers.lock:
            try:
                card = self._chosen_card(sign_in)
                if card is None or sign_in.checked_card != card.label:
                    # The PIN is asked only after the card's checks; start from there.
                    return self._render(sign_in, lang, errors)
                token = authentication_token(
                    card, pin=pin, origin=sign_in.origin, nonce=sign_in.nonce
                )
            except WrongPin as wrong:
                errors.add("pin", wrong_pin(wrong.tries_left, lang))
            except (NoReader, NoCard, PinBlocked) as problem:
                sign_in.finish(error=problem.code)
        if token is not None:
            sign_in.finish(token=token)
        return self._render(sign_in, lang, errors)

    def _action(self, request_id: str) -> str:
        return f"/v1/dialog/{request_id}"

    def _chosen_card(self, sign_in: SignInRequest) -> Any:
        """The card whose PIN page was shown; raises when there is no reader or card."""
        return next(
            (card for card in self.readers.cards() if card.label == sign_in.card_label), None
        )

    def _render(self, sign_in: SignInRequest, lang: str, errors: PageErrors) -> Response:
        action = self._action(sign_in.id)
        if sign_in.status == "done":
            return html_response(done_page(lang=lang, self_url=action))
        if sign_in.status == "error":
            return html_response(error_page(lang=lang, self_url=action, code=sign_in.error))
        with self.readers.lock:
            try:
                cards = self.readers.cards()
            except (NoReader, NoCard) as problem:
                sign_in.finish(error=problem.code)
                return html_response(error_page(lang=lang, self_url=action, code=sign_in.error))
            chosen = next((card for card in cards if card.label == sign_in.card_label), None)
            if chosen is None and len(cards) > 1:
                sign_in.card_label = None
                choices = [
                    CardChoice(card.label, card_holder(card.certificate(KeySlot.AUTH)))
                    for card in cards
                ]
                page = choose_card_page(
                    lang=lang, action=action, origin=sign_in.origin, choices=choices, errors=errors
                )
                return html_response(page)
            card = chosen or cards[0]
            sign_in.card_label = card.label
            certificate = card.certificate(KeySlot.AUTH)
            problem_code = self._card_problem(sign_in, card, certificate)
            if problem_code is not None:
                sign_in.finish(error=problem_code)
                return html_response(error_page(lang=lang, self_url=action, code=problem_code))
            page = pin_page(
                lang=lang,
                action=action,
                origin=sign_in.origin,
                card_label=card.label,
                holder=card_holder(certificate),
                tries_left=card.tries_left(),
                errors=errors,
            )
        return html_response(page)

    def _card_problem(self, sign_in: SignInRequest, card: Any, certificate: Any) -> str | None:
        """Checks made before asking for the PIN: dates, revocation (once), a blocked PIN."""
        if is_expired(certificate):
            return "certificate-expired"
        if card.is_blocked():
            return "pin-blocked"
        if sign_in.checked_card != card.label:
            status = revocation_status(certificate, issuers=self.issuers, url=self.config.ocsp_url)
            if status == Revocation.REVOKED:
                return "certificate-revoked"
            sign_in.checked_card = card.label
        return None


def _static(name: str, media_type: str) -> Callable[[Request], Response]:
    content = (STATIC_DIR / name).read_bytes()

    def serve(request: Request) -> Response:
        return Response(
            content,
            media_type=media_type,
            headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"},
        )

    return serve


class GuardMiddleware(BaseHTTPMiddleware):
    """The Host check (DNS rebinding) everywhere; CORS with an exact allowlist on the API."""

    def __init__(self, app: Any, config: AgentConfig) -> None:
        super().__init__(app)
        self.config = config
        self.hosts = frozenset(
            f"{host}:{config.port}" for host in ("127.0.0.1", "localhost", "[::1]")
        )

    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if request.headers.get("host", "").lower() not in self.hosts:
            return json_response({"error": "host-not-allowed"}, 403)
        path = request.url.path
        if not (
            path in ("/v1/status", "/v1/sign") or path.startswith(("/v1/authenticate", "/v1/sign/"))
        ):
            return await call_next(request)
        if not origin_allowed(request, self.config.origins, required=False):
            return origin_refused()
        origin = request.headers.get("origin")
        if request.method == "OPTIONS":
            if origin is None:
                return origin_refused()
            headers = {
                "Access-Control-Allow-Origin": origin,
                "Access-Control-Allow-Methods": "GET, POST",
                "Access-Control-Allow-Headers": "Content-Type",
                "Access-Control-Max-Age": "600",
                "Vary": "Origin",
            }
            if request.headers.get("access-control-request-private-network") == "true":
                headers["Access-Control-Allow-Private-Network"] = "true"
            return Response(status_code=204, headers=headers)
        response = await call_next(request)
        response.headers["Vary"] = "Origin"
        if origin is not None:
            response.headers["Access-Control-Allow-Origin"] = origin
        return response


def create_app(config: AgentConfig) -> Starlette:
    agent = CardAgent(config)
    routes = [
        Route("/v1/status", agent.status, methods=["GET"]),
        Route("/v1/authenticate", agent.authenticate, methods=["POST"]),
        Route("/v1/authenticate/{request_id}", agent.result, methods=["GET"]),
        Route("/v1/dialog/{request_id}", agent.dialog_get, methods=["GET"]),
        Route("/v1/dialog/{request_id}", agent.dialog_post, methods=["POST"]),
        Route("/v1/sign", agent.signing.start, methods=["POST"]),
        Route("/v1/sign/{request_id}", agent.signing.result, methods=["GET"]),
        Route("/v1/sign/{request_id}/digest", agent.signing.digest, methods=["POST"]),
        Route("/v1/sign-dialog/{request_id}", agent.signing.dialog_get, methods=["GET"]),
        Route("/v1/sign-dialog/{request_id}", agent.signing.dialog_post, methods=["POST"]),
        Route("/v1/sign-dialog/{request_id}/status", agent.signing.dialog_status, methods=["GET"]),
        Route("/v1/static/dialog.css", _static("dialog.css", "text/css"), methods=["GET"]),
        Route("/v1/static/dialog.js", _static("dialog.js", "text/javascript"), methods=["GET"]),
    ]
    return Starlette(routes=routes, middleware=[Middleware(GuardMiddleware, config=config)])
