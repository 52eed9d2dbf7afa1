"""Two-step web signing (docs/signing.md, "The card agent's signing API").

The portal starts with `POST /v1/sign` and opens the dialog. The person chooses an ID card
(or, for a company, a seal device); only then does `GET /v1/sign/<id>` give the portal the
signing certificate. The portal prepares the PDF, posts its digest with a short fingerprint,
and the dialog shows what is signed (title, pages, fingerprint) before asking for the
signing PIN. The signature is the card's own: PKCS#1 v1.5 for RSA, raw r‖s for ECDSA.
The guards are sign-in's: the Origin allow-list, the Host check (middleware), body limits,
expiry after the request TTL, and a cap on open requests. The dialog's own JSON status
(`/v1/sign-dialog/<id>/status`) answers the agent's own pages only, never the portal.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import re
import secrets
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives import serialization
from starlette.requests import Request
from starlette.responses import Response

from .cards import KeySlot, NoCard, NoReader, PinBlocked, WrongPin, algorithm_for
from .certificates import (
    Revocation,
    card_holder,
    is_expired,
    revocation_status,
    seal_holder,
)
from .dialog import (
    PageErrors,
    SignerChoice,
    SigningDocument,
    sign_choose_page,
    sign_done_page,
    sign_error_page,
    sign_pin_page,
    sign_waiting_page,
)
from .guards import MAX_OPEN_REQUESTS, json_body, origin_allowed, origin_refused, submit_dialog_form
from .responses import html_response, json_response
from .texts import LANGUAGES, SIGN_ERROR_MESSAGES, language, text, wrong_pin

if TYPE_CHECKING:
    from .server import CardAgent

MAX_TITLE_CHARACTERS = 200
MAX_PAGES = 100_000
DIGEST_WAIT_SECONDS = 10.0  # how long the dialog's status request is held for the digest
STATUS_STEP_SECONDS = 0.1  # a held status request looks for the digest this often
STATUS_CHECKS_PER_WINDOW = 30  # status requests one signing request may make per window
STATUS_WINDOW_SECONDS = 10.0
MAX_HELD_STATUS = 2  # held status requests at once per signing request (a tab or two)
SAME_ORIGIN_FETCH = ("same-origin", "none")  # Sec-Fetch-Site values of the agent's own pages
HASH_FUNCTIONS = {"SHA-256": "sha256", "SHA-384": "sha384"}
FINGERPRINT_PATTERN = re.compile(r"[0-9A-Fa-f]{4}( [0-9A-Fa-f]{4}){3}")
PERSONAL_NUMBER_PATTERN = re.compile(r"\d{11}")
COMPANY_CODE_PATTERN = re.compile(r"\d{9}")


@dataclass
class SignRequest:
    """One `POST /v1/sign`, until its result is collected or it expires."""

    id: str
    origin: str
    lang: str
    seal: bool
    document: SigningDocument
    started: float
    personal_number: str | None = None
    company_code: str | None = None
    state: str = "waiting"  # waiting → certificate → signed | error
    card_label: str | None = None
    certificate: bytes | None = None
    algorithm: str | None = None
    hash_name: str | None = None
    digest: bytes | None = None
    signature: bytes | None = None
    error: str | None = None
    finished: float | None = None
    digest_arrived: threading.Event = field(default_factory=threading.Event)
    status_checks: list[float] = field(default_factory=list)
    held_status: int = 0

    def finish(self, *, signature: bytes | None = None, error: str | None = None) -> None:
        self.state = "signed" if signature is not None else "error"
        self.signature, self.error, self.finished = signature, error, time.monotonic()
        self.digest_arrived.set()  # a dialog waiting for the digest shows the end at once

    @property
    def pending(self) -> bool:
        return self.state in ("waiting", "certificate")

    @property
    def preparing(self) -> bool:
        """The card is chosen and the portal is making the digest (the dialog waits)."""
        return self.state == "certificate" and self.digest is None

    def may_check_status(self, now: float) -> bool:
        """The dialog's status rate limit: a sliding window per signing request."""
        self.status_checks = [t for t in self.status_checks if now - t < STATUS_WINDOW_SECONDS]
        if len(self.status_checks) >= STATUS_CHECKS_PER_WINDOW:
            return False
        self.status_checks.append(now)
        return True

    def dialog_state(self) -> dict[str, str]:
        """What the waiting page needs to know: wait on, or show the dialog's next page."""
        if self.preparing:
            return {"state": "preparing"}
        if self.state == "certificate":
            return {"state": "ready"}
        if self.state == "error":
            return {"state": "error", "error": self.error or "cancelled"}
        return {"state": "choosing" if self.state == "waiting" else self.state}


class BadRequest(ValueError):
    """A request the agent refuses with 400 and this message."""


def _document(payload: dict[str, Any], seal: bool) -> SigningDocument:
    document = payload.get("document")
    if not isinstance(document, dict):
        raise BadRequest("document must be {title, pages}")
    title, pages = document.get("title"), document.get("pages")
    if not isinstance(title, str) or not 0 < len(title.strip()) <= MAX_TITLE_CHARACTERS:
        raise BadRequest(f"document.title must be 1 to {MAX_TITLE_CHARACTERS} characters")
    if any(unicodedata.category(character).startswith("C") for character in title):
        raise BadRequest("document.title must not hold control characters")
    if isinstance(pages, bool) or not isinstance(pages, int) or not 0 < pages <= MAX_PAGES:
        raise BadRequest("document.pages must be a positive whole number")
    return SigningDocument(title=title.strip(), pages=pages, seal=seal)


def parse_start(payload: dict[str, Any]) -> tuple[str, bool, str | None, str | None, Any]:
    """`POST /v1/sign`'s body: lang, kind, the optional narrowing, the document."""
    lang, kind = payload.get("lang", "ka"), payload.get("kind", "person")
    if lang not in LANGUAGES:
        raise BadRequest("lang must be ka or en")
    if kind not in ("person", "seal"):
        raise BadRequest("kind must be person or seal")
    personal_number, company_code = payload.get("personal_number"), payload.get("company_code")
    if personal_number is not None and not (
        isinstance(personal_number, str) and PERSONAL_NUMBER_PATTERN.fullmatch(personal_number)
    ):
        raise BadRequest("personal_number must be 11 digits")
    if company_code is not None and not (
        isinstance(company_code, str) and COMPANY_CODE_PATTERN.fullmatch(company_code)
    ):
        raise BadRequest("company_code must be 9 digits")
    return lang, kind == "seal", personal_number, company_code, _document(payload, kind == "seal")


def parse_digest(payload: dict[str, Any], hash_name: str) -> tuple[bytes, str]:
    """`POST /v1/sign/<id>/digest`'s body: the digest (of the card's hash) and fingerprint."""
    function, encoded, fingerprint = (
        payload.get("hashFunction"),
        payload.get("hash"),
        payload.get("fingerprint"),
    )
    if function not in HASH_FUNCTIONS:
        raise BadRequest("hashFunction must be SHA-256 or SHA-384")
    if HASH_FUNCTIONS[function] != hash_name:
        raise BadRequest(f"this card signs {_hash_label(hash_name)} digests, not {function}")
    try:
        digest = base64.b64decode(encoded, validate=True) if isinstance(encoded, str) else b""
    except (binascii.Error, ValueError):
        digest = b""
    expected = 32 if hash_name == "sha256" else 48
    if len(digest) != expected:
        raise BadRequest(f"hash must be the base64 of {expected} bytes")
    if not isinstance(fingerprint, str) or not FINGERPRINT_PATTERN.fullmatch(fingerprint):
        raise BadRequest("fingerprint must be 4 groups of 4 hexadecimal digits")
    return digest, fingerprint.upper()


def _status_response(content: dict[str, Any], status: int = 200) -> Response:
    """JSON for the dialog's own script: never cached, not readable by other sites' pages."""
    answer = json_response(content, status)
    answer.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return answer


def _hash_label(hash_name: str) -> str:
    return next(label for label, name in HASH_FUNCTIONS.items() if name == hash_name)


class SigningApi:
    """The signing endpoints and dialog of one agent (it shares the agent's card readers)."""

    def __init__(self, agent: CardAgent) -> None:
        self.agent = agent
        self.requests: dict[str, SignRequest] = {}
        self.lock = threading.Lock()

    # Requests -----------------------------------------------------------------------------

    def _forget_old(self) -> None:
        now, ttl = time.monotonic(), self.agent.config.request_ttl
        for request_id, sign in list(self.requests.items()):
            if sign.pending and now - sign.started > ttl:
                sign.finish(error="expired")
            if sign.finished is not None and now - sign.finished > ttl:
                del self.requests[request_id]

    def _find(self, request_id: str) -> SignRequest | None:
        with self.lock:
            self._forget_old()
            return self.requests.get(request_id)

    def _own(self, request: Request) -> SignRequest | None:
        """The request, if the caller is the site that started it."""
        sign = self._find(request.path_params["request_id"])
        if sign is None or request.headers.get("origin") != sign.origin:
            return None
        return sign

    # API ----------------------------------------------------------------------------------

    async def start(self, request: Request) -> Response:
        if not origin_allowed(request, self.agent.config.origins, required=True):
            return origin_refused()
        origin = request.headers["origin"]
        payload = await json_body(request)
        if isinstance(payload, Response):
            return payload
        try:
            lang, seal, personal_number, company_code, document = parse_start(payload)
        except BadRequest as error:
            return json_response({"error": str(error)}, 400)
        with self.lock:
            self._forget_old()
            if len(self.requests) >= MAX_OPEN_REQUESTS:
                return json_response({"error": "too many open requests"}, 429)
            request_id = secrets.token_urlsafe(32)
            self.requests[request_id] = SignRequest(
                id=request_id,
                origin=origin,
                lang=lang,
                seal=seal,
                document=document,
                started=time.monotonic(),
                personal_number=personal_number,
                company_code=company_code,
            )
        dialog = f"{self.agent.config.base_url}{self._action(request_id)}?lang={lang}"
        return json_response({"id": request_id, "dialog": dialog}, 201)

    def result(self, request: Request) -> Response:
        sign = self._own(request)
        if sign is None:
            return json_response({"error": "unknown request"}, 404)
        if sign.state == "waiting":
            return json_response({"state": "waiting"})
        if sign.state == "certificate" and sign.certificate is not None:
            return json_response(
                {
                    "state": "certificate",
                    "certificate": base64.b64encode(sign.certificate).decode("ascii"),
                    "algorithm": sign.algorithm,
                    "hash": _hash_label(sign.hash_name or "sha256"),
                }
            )
        with self.lock:  # a final result is given once
            self.requests.pop(sign.id, None)
        if sign.signature is not None:
            signature = base64.b64encode(sign.signature).decode("ascii")
            return json_response({"state": "signed", "signature": signature})
        code = sign.error or "cancelled"
        return json_response(
            {"state": "error", "error": code, "message": SIGN_ERROR_MESSAGES[code]}
        )

    async def digest(self, request: Request) -> Response:
        sign = self._own(request)
        if sign is None:
            return json_response({"error": "unknown request"}, 404)
        payload = await json_body(request)
        if isinstance(payload, Response):
            return payload
        if sign.state != "certificate" or sign.hash_name is None:
            return json_response({"error": f"the request is {sign.state}, not certificate"}, 409)
        if sign.digest is not None:
            return json_response({"error": "the digest was given already"}, 409)
        try:
            digest, fingerprint = parse_digest(payload, sign.hash_name)
        except BadRequest as error:
            return json_response({"error": str(error)}, 400)
        sign.document = SigningDocument(
            title=sign.document.title,
            pages=sign.document.pages,
            seal=sign.document.seal,
            fingerprint=fingerprint,
        )
        sign.digest = digest
        sign.digest_arrived.set()
        return json_response({"state": "certificate"}, 202)

    # Dialog -------------------------------------------------------------------------------

    @staticmethod
    def _action(request_id: str) -> str:
        return f"/v1/sign-dialog/{request_id}"

    @staticmethod
    def _status_url(request_id: str) -> str:
        return f"/v1/sign-dialog/{request_id}/status"

    def dialog_get(self, request: Request) -> Response:
        request_id = request.path_params["request_id"]
        lang = language(request.query_params.get("lang"))
        sign = self._find(request_id)
        if sign is None:
            page = sign_error_page(lang=lang, self_url=self._action(request_id), code=None)
            return html_response(page, 404)
        return self._render(sign, lang, PageErrors())

    async def dialog_status(self, request: Request) -> Response:
        """The waiting page's JSON: `{"state": "preparing"|"ready"|"signed"|"error"|…}`.

        With `?wait=1` the answer is held until the digest arrives or the request ends (at
        most `DIGEST_WAIT_SECONDS`), on the event loop, so waiting dialogs hold no worker
        thread. Only the agent's own pages may ask (Origin and Sec-Fetch-Site), the id is
        the dialog's unguessable one, and each request may ask a bounded number of times.
        """
        refused = self._foreign(request)
        if refused is not None:
            return refused
        sign = self._find(request.path_params["request_id"])
        if sign is None:
            return _status_response({"error": "unknown request"}, 404)
        with self.lock:
            if not sign.may_check_status(time.monotonic()):
                answer = _status_response({"error": "too many status requests"}, 429)
                answer.headers["Retry-After"] = str(int(STATUS_WINDOW_SECONDS))
                return answer
            hold = request.query_params.get("wait") == "1" and sign.held_status < MAX_HELD_STATUS
            if hold:
                sign.held_status += 1
        if hold:
            try:
                await self._until_digest(sign)
            finally:
                with self.lock:
                    sign.held_status -= 1
        self._find(sign.id)  # marks it expired when its time is up
        return _status_response(sign.dialog_state())

    async def _until_digest(self, sign: SignRequest) -> None:
        """Wait until the digest arrives, the request ends or expires, or the hold is over."""
        loop = asyncio.get_running_loop()
        expires = sign.started + self.agent.config.request_ttl
        until = min(loop.time() + DIGEST_WAIT_SECONDS, loop.time() + expires - time.monotonic())
        while sign.preparing and not sign.digest_arrived.is_set() and loop.time() < until:
            await asyncio.sleep(STATUS_STEP_SECONDS)

    def _foreign(self, request: Request) -> Response | None:
        """A refusal for anything but the agent's own pages (the portal reads `/v1/sign/<id>`)."""
        if not origin_allowed(request, self.agent.config.own_origins, required=False):
            return _status_response({"error": "origin-not-allowed"}, 403)
        fetch_site = request.headers.get("sec-fetch-site")
        if fetch_site is not None and fetch_site not in SAME_ORIGIN_FETCH:
            return _status_response({"error": "origin-not-allowed"}, 403)
        return None

    async def dialog_post(self, request: Request) -> Response:
        return await submit_dialog_form(request, self.agent.config.own_origins, self._submit)

    def _submit(self, request_id: str, form: dict[str, str]) -> Response:
        lang = language(form.get("lang"))
        sign = self._find(request_id)
        if sign is None:
            page = sign_error_page(lang=lang, self_url=self._action(request_id), code=None)
            return html_response(page, 404)
        if not sign.pending:
            return self._render(sign, lang, PageErrors())
        if form.get("action") == "cancel":
            sign.finish(error="cancelled")
            return self._render(sign, lang, PageErrors())
        errors = PageErrors()
        if form.get("step") == "card" and sign.state == "waiting":
            self._choose(sign, form.get("card", ""), lang, errors)
            return self._render(sign, lang, errors)
        if form.get("step") == "pin" and sign.state == "certificate" and sign.digest is not None:
            self._sign(sign, form.get("pin", ""), lang, errors)
        return self._render(sign, lang, errors)

    def _candidates(self, sign: SignRequest) -> list[tuple[Any, SignerChoice]]:
        """The cards or seal devices this request may use; raises `NoReader`/`NoCard`."""
        readers = self.agent.readers
        found: list[tuple[Any, SignerChoice]] = []
        for card in readers.seals() if sign.seal else readers.cards():
            certificate = card.certificate(KeySlot.SIGN)
            if sign.seal:
                company = seal_holder(certificate)
                if sign.company_code in (None, company.code):
                    found.append((card, SignerChoice(card.label, company=company)))
            else:
                person = card_holder(certificate)
                if sign.personal_number in (None, person.personal_number):
                    found.append((card, SignerChoice(card.label, person=person)))
        if not found:
            raise NoCard("no card of this person or company")
        return found

    def _choose(self, sign: SignRequest, label: str, lang: str, errors: PageErrors) -> None:
        """The person chose a card: check it, then release its signing certificate."""
        with self.agent.readers.lock:
            try:
                chosen = next(
                    (card for card, _ in self._candidates(sign) if card.label == label), None
                )
            except (NoReader, NoCard):
                sign.finish(error="no-card")
                return
            if chosen is None:
                errors.add("card-0", text("seal_missing" if sign.seal else "card_missing", lang))
                return
            certificate = chosen.certificate(KeySlot.SIGN)
            if chosen.is_blocked():
                sign.finish(error="pin-blocked")
                return
        if is_expired(certificate) or self._revoked(certificate, seal=sign.seal):
            sign.finish(error="certificate-invalid")
            return
        algorithm = algorithm_for(certificate)
        sign.card_label = chosen.label
        sign.certificate = certificate.public_bytes(serialization.Encoding.DER)
        sign.algorithm, sign.hash_name = algorithm.name, algorithm.hash.name
        sign.state = "certificate"

    def _revoked(self, certificate: Any, *, seal: bool) -> bool:
        config = self.agent.config
        status = revocation_status(
            certificate,
            issuers=self.agent.issuers,
            url=config.seal_ocsp_url if seal else config.ocsp_url,
        )
        return status == Revocation.REVOKED

    def _sign(self, sign: SignRequest, pin: str, lang: str, errors: PageErrors) -> None:
        if not re.fullmatch(r"\d{4,12}", pin):
            errors.add("pin", text("pin_missing", lang))
            return
        if sign.digest is None:
            return
        signature: bytes | None = None
        with self.agent.readers.lock:
            try:
                card = next(
                    (card for card, _ in self._candidates(sign) if card.label == sign.card_label),
                    None,
                )
                if card is None:
                    raise NoCard("the chosen card was removed")
                _, signature = card.sign_digest(KeySlot.SIGN, pin, sign.digest)
            except WrongPin as wrong:
                errors.add("pin", wrong_pin(wrong.tries_left, lang))
            except PinBlocked:
                sign.finish(error="pin-blocked")
            except (NoReader, NoCard):
                sign.finish(error="no-card")
        if signature is not None:
            sign.finish(signature=signature)

    def _render(self, sign: SignRequest, lang: str, errors: PageErrors) -> Response:
        action = self._action(sign.id)
        if sign.state == "signed":
            return html_response(sign_done_page(lang=lang, self_url=action, seal=sign.seal))
        if sign.state == "error":
            return html_response(sign_error_page(lang=lang, self_url=action, code=sign.error))
        if sign.preparing:
            waiting = sign_waiting_page(
                lang=lang,
                action=action,
                status_url=self._status_url(sign.id),
                document=sign.document,
            )
            return html_response(waiting)
        with self.agent.readers.lock:
            try:
                candidates = self._candidates(sign)
            except (NoReader, NoCard):
                sign.finish(error="no-card")
                return html_response(sign_error_page(lang=lang, self_url=action, code="no-card"))
            if sign.state == "waiting":
                page = sign_choose_page(
                    lang=lang,
                    action=action,
                    origin=sign.origin,
                    document=sign.document,
                    choices=[choice for _, choice in candidates],
                    errors=errors,
                )
                return html_response(page)
            chosen = next(
                ((card, choice) for card, choice in candidates if card.label == sign.card_label),
                None,
            )
            if chosen is None:
                sign.finish(error="no-card")
                return html_response(sign_error_page(lang=lang, self_url=action, code="no-card"))
            card, choice = chosen
            page = sign_pin_page(
                lang=lang,
                action=action,
                origin=sign.origin,
                document=sign.document,
                signer=choice,
                tries_left=card.tries_left(),
                errors=errors,
            )
        return html_response(page)
