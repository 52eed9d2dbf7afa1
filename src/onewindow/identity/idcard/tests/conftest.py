"""ID-card tests: a test CA of our own that issues whatever card a test needs, an OCSP
responder for it over real HTTP (testpki's responder in a thread), Web eID tokens signed
with the cards' keys, and the portal configured to trust that CA."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from django.test import Client

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from onewindow.identity.idcard import validation
from onewindow.identity.models import Account, TermsAcceptance, TermsVersion
from onewindow.identity.steps import current_terms
from testpki.crl import Revocation
from testpki.ocsp import OcspResponder

ORIGIN = "http://127.0.0.1:8000"  # the portal's origin in these tests (PORTAL_ORIGIN)
NINO = "01001012345"  # demo persons the sandbox knows (docs/demo-data.md)
GIORGI = "01008057492"
UNKNOWN_PERSON = "01999999999"  # not in the sandbox's civil registry (seed 2026)

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "GE"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])  # fmt: skip


@dataclass
class IssuedCard:
    certificate: x509.Certificate
    key: PrivateKey

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)


@dataclass
class CardCa:
    """A CA of ID cards; `issue()` makes cards, `issued` is what its OCSP responder knows."""

    directory: Path
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    responder_key: ec.EllipticCurvePrivateKey
    responder: x509.Certificate
    issued: dict[int, Revocation | None] = field(default_factory=dict)
    ocsp_url: str = ""

    @property
    def pem_file(self) -> Path:
        return self.directory / "idcard-ca.pem"

    def issue(
        self,
        personal_number: str = NINO,
        *,
        given_name: str = "NINO",
        surname: str = "BERIDZE",
        serial_prefix: str = "PNOGE",
        key_type: str = "ec",
        for_signing: bool = False,
        expired: bool = False,
        status: str = "good",  # or "revoked", "unknown" (what the OCSP responder says)
    ) -> IssuedCard:
        key: PrivateKey = (
            ec.generate_private_key(ec.SECP256R1())
            if key_type == "ec"
            else rsa.generate_private_key(public_exponent=65537, key_size=2048)
        )
        now = _now()
        not_after = now - dt.timedelta(days=1) if expired else now + dt.timedelta(days=365)
        subject = x509.Name([
            x509.NameAttribute(NameOID.COUNTRY_NAME, "GE"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{surname},{given_name},{personal_number}"),
            x509.NameAttribute(NameOID.SURNAME, surname),
            x509.NameAttribute(NameOID.GIVEN_NAME, given_name),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, f"{serial_prefix}-{personal_number}"),
        ])  # fmt: skip
        usage = dict.fromkeys(
            ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
             "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only"),
            False,
        )  # fmt: skip
        usage["content_commitment" if for_signing else "digital_signature"] = True
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_after - dt.timedelta(days=730))
            .not_valid_after(not_after)
            .add_extension(x509.KeyUsage(**usage), critical=True)
        )
        if not for_signing:
            builder = builder.add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False
            )
        certificate = builder.sign(self.key, hashes.SHA256())
        if status != "unknown":
            self.issued[certificate.serial_number] = (
                Revocation(certificate.serial_number, now - dt.timedelta(days=2),
                           x509.ReasonFlags.key_compromise)
                if status == "revoked" else None
            )  # fmt: skip
        return IssuedCard(certificate, key)


def _ca_certificate(
    key: ec.EllipticCurvePrivateKey, subject: x509.Name, issuer_key: ec.EllipticCurvePrivateKey,
    issuer: x509.Name, *, ca: bool,
) -> x509.Certificate:  # fmt: skip
    now = _now()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=30))
        .not_valid_after(now + dt.timedelta(days=3650))
    )
    if ca:
        builder = builder.add_extension(
            x509.BasicConstraints(ca=True, path_length=0), critical=True
        )
        builder = builder.add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
    else:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.OCSP_SIGNING]), critical=False
        )
        builder = builder.add_extension(x509.OCSPNoCheck(), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def make_ca(directory: Path, name: str = "OneWindow Unit Test ID-card CA") -> CardCa:
    directory.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = _ca_certificate(key, _name(name), key, _name(name), ca=True)
    responder_key = ec.generate_private_key(ec.SECP256R1())
    responder = _ca_certificate(
        responder_key, _name(f"{name} OCSP"), key, certificate.subject, ca=False
    )
    ca = CardCa(directory, key, certificate, responder_key, responder)
    ca.pem_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return ca


def _ocsp_handler(ca: CardCa) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            responder = OcspResponder(ca.certificate, ca.responder, ca.responder_key, ca.issued)
            answer = responder.respond(body, _now())
            self.send_response(200)
            self.send_header("Content-Type", "application/ocsp-response")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@pytest.fixture(scope="session")
def card_ca(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CardCa]:
    """Our test CA, with its OCSP responder listening on loopback for the whole session."""
    ca = make_ca(tmp_path_factory.mktemp("card-ca"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ocsp_handler(ca))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ca.ocsp_url = f"http://127.0.0.1:{server.server_address[1]}/ocsp"
    yield ca
    server.shutdown()
    server.server_close()


@pytest.fixture
def idcard_settings(settings: Any, card_ca: CardCa) -> Iterator[Any]:
    """The portal trusts `card_ca` and asks its OCSP responder."""
    settings.IDCARD_TRUSTED_CA_FILES = [str(card_ca.pem_file)]
    settings.IDCARD_OCSP_URL = card_ca.ocsp_url
    settings.IDCARD_OCSP_TIMEOUT_SECONDS = 3.0
    settings.IDCARD_OCSP_CACHE_SECONDS = 0
    settings.PORTAL_ORIGIN = ORIGIN
    validation.forget()
    yield settings
    validation.forget()


_ALGORITHMS = {"ES256": hashes.SHA256, "ES384": hashes.SHA384, "RS256": hashes.SHA256,
               "PS256": hashes.SHA256}  # fmt: skip


def make_token(
    card: IssuedCard, nonce: str, *, origin: str = ORIGIN, algorithm: str | None = None
) -> dict[str, Any]:
    """A web-eid:1.0 token: the card's signature over H(origin) ‖ H(nonce)."""
    if algorithm is None:
        algorithm = "ES256" if isinstance(card.key, ec.EllipticCurvePrivateKey) else "RS256"
    digest = _ALGORITHMS[algorithm]()
    data = b"".join(hashlib.new(digest.name, value.encode()).digest() for value in (origin, nonce))
    if isinstance(card.key, ec.EllipticCurvePrivateKey):
        r, s = decode_dss_signature(card.key.sign(data, ec.ECDSA(_ALGORITHMS[algorithm]())))
        size = (card.key.curve.key_size + 7) // 8
        signature = r.to_bytes(size, "big") + s.to_bytes(size, "big")
    elif algorithm.startswith("PS"):
        signature = card.key.sign(
            data, padding.PSS(padding.MGF1(digest), digest.digest_size), _ALGORITHMS[algorithm]()
        )
    else:
        signature = card.key.sign(data, padding.PKCS1v15(), _ALGORITHMS[algorithm]())
    return {
        "unverifiedCertificate": base64.b64encode(card.der).decode(),
        "algorithm": algorithm,
        "signature": base64.b64encode(signature).decode(),
        "format": "web-eid:1.0",
        "appVersion": "https://onewindow.example/cardagent/1.0.0",
    }


def challenge(client: Client, query: str = "", lang: str = "en") -> str:
    response = client.post(f"/{lang}/sign-in/id-card/challenge{query}")
    assert response.status_code == 200, response.content
    nonce: str = response.json()["nonce"]
    return nonce


def post_token(client: Client, token: Any, lang: str = "en") -> Any:
    return client.post(
        f"/{lang}/sign-in/id-card/token",
        data=json.dumps({"token": token}),
        content_type="application/json",
    )


def sign_in_with(client: Client, card: IssuedCard, lang: str = "en", query: str = "") -> Any:
    """The whole exchange as the page's script does it (the agent's part done here)."""
    nonce = challenge(client, query, lang)
    return post_token(client, make_token(card, nonce), lang)


@pytest.fixture
def terms(db: None) -> TermsVersion:
    """The published terms of use (the migration's first version, or one made here)."""
    return current_terms() or TermsVersion.objects.create(
        version=1,
        body_ka="გამოყენების პირობები: პირველი ვერსია.",
        body_en="Terms of use: the first version.",
        published_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )


def make_person(personal_number: str, first_name: str, last_name: str) -> Account:
    """An account that has accepted the current terms (so no step stands in its way)."""
    account = Account.objects.create_user(
        username=personal_number, password=None, personal_number=personal_number,
        first_name=first_name, last_name=last_name,
    )  # fmt: skip
    terms = current_terms()
    if terms is not None:
        TermsAcceptance.objects.create(account=account, terms=terms)
    return account
