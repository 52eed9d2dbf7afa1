"""Helpers for the card agent's tests: a sign-in through the HTTP API, token verification."""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

ORIGIN = "http://127.0.0.1:8765"
HASHES: dict[str, hashes.HashAlgorithm] = {
    "RS256": hashes.SHA256(),
    "ES256": hashes.SHA256(),
    "ES384": hashes.SHA384(),
}


def new_nonce() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


@dataclass
class SignIn:
    """One sign-in request, driven the way the dialog's form would be."""

    agent_url: str
    id: str
    dialog_url: str
    nonce: str
    origin: str

    def dialog(self, lang: str = "en") -> httpx.Response:
        return httpx.get(self.dialog_url.split("?")[0], params={"lang": lang}, timeout=10)

    def submit(self, **form: str) -> httpx.Response:
        form.setdefault("lang", "en")
        form.setdefault("action", "continue")
        return httpx.post(self.dialog_url.split("?")[0], data=form, timeout=10)

    def enter_pin(self, pin: str) -> httpx.Response:
        return self.submit(step="pin", pin=pin)

    def poll(self, origin: str | None = None) -> httpx.Response:
        return httpx.get(
            f"{self.agent_url}/v1/authenticate/{self.id}",
            headers={"Origin": origin or self.origin},
            timeout=10,
        )


def start_sign_in(agent_url: str, origin: str = ORIGIN, lang: str = "en") -> SignIn:
    nonce = new_nonce()
    response = httpx.post(
        f"{agent_url}/v1/authenticate",
        json={"challengeNonce": nonce, "lang": lang},
        headers={"Origin": origin},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    return SignIn(agent_url, body["id"], body["dialogUrl"], nonce, origin)


def error_code(page: httpx.Response) -> str | None:
    """The final error a dialog page shows (`data-error-code`), if any."""
    found = re.search(r'data-error-code="([a-z-]+)"', page.text)
    return found.group(1) if found else None


def verify_token(token: dict[str, Any], *, origin: str, nonce: str) -> x509.Certificate:
    """Check a web-eid:1.0 token's signature over H(origin) ‖ H(nonce); return its certificate."""
    assert token["format"] == "web-eid:1.0"
    assert token["appVersion"] == "https://onewindow.example/cardagent/1.0.0"
    certificate = x509.load_der_x509_certificate(base64.b64decode(token["unverifiedCertificate"]))
    algorithm = HASHES[token["algorithm"]]
    signed = b""
    for part in (origin, nonce):
        hasher = hashes.Hash(algorithm)
        hasher.update(part.encode())
        signed += hasher.finalize()
    signature = base64.b64decode(token["signature"])
    key = certificate.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        key.verify(signature, signed, padding.PKCS1v15(), algorithm)
    else:
        assert isinstance(key, ec.EllipticCurvePublicKey)
        size = (key.curve.key_size + 7) // 8
        assert len(signature) == 2 * size, "ECDSA must be raw r‖s"
        r, s = int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
        key.verify(utils.encode_dss_signature(r, s), signed, ec.ECDSA(algorithm))
    return certificate


def single_card_pki(pki_dir: Path, label: str, into: Path) -> Path:
    """A PKI folder whose cards.json has only the card `label` (files linked, not copied)."""
    into.mkdir(parents=True)
    cards = json.loads((pki_dir / "cards.json").read_text())
    (into / "cards.json").write_text(json.dumps([c for c in cards if c["label"] == label]))
    for name in ("cards", "private", "idcard-ca.pem", "root-ca.pem"):
        os.symlink(pki_dir / name, into / name)
    return into


DOCUMENT = {"title": "Application for a building permit", "pages": 3}


@dataclass
class Signing:
    """One two-step signing request (docs/signing.md), driven as the portal and dialog would."""

    agent_url: str
    id: str
    dialog_url: str
    origin: str

    def dialog(self, lang: str = "en") -> httpx.Response:
        return httpx.get(self.dialog_url.split("?")[0], params={"lang": lang}, timeout=20)

    def submit(self, **form: str) -> httpx.Response:
        form.setdefault("lang", "en")
        form.setdefault("action", "continue")
        return httpx.post(self.dialog_url.split("?")[0], data=form, timeout=20)

    def choose(self, label: str) -> httpx.Response:
        return self.submit(step="card", card=label)

    def enter_pin(self, pin: str) -> httpx.Response:
        return self.submit(step="pin", pin=pin)

    def poll(self, origin: str | None = None) -> httpx.Response:
        return httpx.get(
            f"{self.agent_url}/v1/sign/{self.id}",
            headers={"Origin": origin or self.origin},
            timeout=10,
        )

    def send_digest(
        self, digest: bytes, hash_function: str, fingerprint: str = "1A2B 3C4D 5E6F 7081"
    ) -> httpx.Response:
        return httpx.post(
            f"{self.agent_url}/v1/sign/{self.id}/digest",
            json={
                "hash": base64.b64encode(digest).decode(),
                "hashFunction": hash_function,
                "fingerprint": fingerprint,
            },
            headers={"Origin": self.origin},
            timeout=10,
        )


def start_signing(
    agent_url: str, origin: str = ORIGIN, *, lang: str = "en", kind: str = "person", **extra: Any
) -> Signing:
    body: dict[str, Any] = {"lang": lang, "kind": kind, "document": DOCUMENT, **extra}
    response = httpx.post(f"{agent_url}/v1/sign", json=body, headers={"Origin": origin}, timeout=10)
    assert response.status_code == 201, response.text
    answer = response.json()
    return Signing(agent_url, answer["id"], answer["dialog"], origin)


def verify_signature(
    certificate: x509.Certificate, algorithm: str, digest: bytes, signature: bytes
) -> None:
    """The card's signature over a digest: PKCS#1 v1.5 for RSA, raw r‖s for ECDSA."""
    prehashed = utils.Prehashed(HASHES[algorithm])
    key = certificate.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        key.verify(signature, digest, padding.PKCS1v15(), prehashed)
        return
    assert isinstance(key, ec.EllipticCurvePublicKey)
    size = (key.curve.key_size + 7) // 8
    assert len(signature) == 2 * size, "ECDSA must be raw r‖s"
    r, s = int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
    key.verify(utils.encode_dss_signature(r, s), digest, ec.ECDSA(prehashed))
