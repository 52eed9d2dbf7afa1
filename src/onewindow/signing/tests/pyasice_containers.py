"""Test helpers: ASiC-E containers made by an independent European tool, pyasice (Thorgate,
Estonia; BDOC 2.1 / XAdES-LT as DigiDoc makes them), signed with the session test PKI's
card keys and finalised with its real TSA and OCSP responder. Nothing here uses the portal's
validation code; the two work-arounds below are in docs/signing.md (Validation, task interop)."""

from __future__ import annotations

import importlib
import io
import sys
import types
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from unittest import mock

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.x509 import ocsp
from cryptography.x509.oid import NameOID

from testpki import Card, TestPki
from testpki.model import load_private_key

from .conftest import device_signature
from .self_made import self_made_signing_certificate

# (digest, "SHA-256"|"SHA-384") → the signature as a card returns it: PKCS#1 v1.5 for RSA,
# raw r‖s for ECDSA (what XML-DSig's ds:SignatureValue holds).
SignFunction = Callable[[bytes, str], bytes]


# --- Importing pyasice -----------------------------------------------------------------------


class _AsnCertificate:
    """What pyasice reads of oscrypto's `Certificate`: `.asn1` and `.public_key.algorithm`."""

    def __init__(self, asn1: asn1_x509.Certificate) -> None:
        self.asn1 = asn1

    @property
    def public_key(self) -> Any:
        return self.asn1.public_key  # asn1crypto's PublicKeyInfo: .algorithm is "rsa" | "ec"


def _load_certificate(source: Any) -> _AsnCertificate:
    """oscrypto's `load_certificate` for what pyasice passes: DER or PEM bytes, a path, an
    asn1crypto certificate, or one already loaded."""
    if isinstance(source, _AsnCertificate):
        return source
    if isinstance(source, asn1_x509.Certificate):
        return _AsnCertificate(source)
    data = Path(source).read_bytes() if isinstance(source, str) else bytes(source)
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    return _AsnCertificate(asn1_x509.Certificate.load(data))


def _pyasice() -> types.ModuleType:
    try:
        return importlib.import_module("pyasice")
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError(
            "pyasice is not installed: `make setup` installs requirements/interop.txt "
            "(pip install --no-deps -r requirements/interop.txt)"
        ) from error


def _oscrypto_loads() -> bool:
    try:
        importlib.import_module("oscrypto.asymmetric")
    except Exception:  # oscrypto.errors.LibraryNotFoundError, or no oscrypto at all
        return False
    return True


def _import_pyasice() -> types.ModuleType:
    """pyasice imports `oscrypto.asymmetric` for two helpers (loading a certificate, reading
    its key algorithm). oscrypto 1.3.0, the newest on PyPI, cannot read OpenSSL's version
    from 3.0.10 on (wbond/oscrypto#75, fixed only on its master) and fails on import. Where
    it fails, pyasice is imported against a stand-in built on asn1crypto that is visible
    only while pyasice imports: no other module (pyhanko-certvalidator imports oscrypto's
    trust list lazily) ever sees it. Where oscrypto works, it is used as it is."""
    if _oscrypto_loads():
        return _pyasice()
    stand_in = types.ModuleType("oscrypto.asymmetric")
    stand_in.Certificate = _AsnCertificate  # type: ignore[attr-defined]
    stand_in.load_certificate = _load_certificate  # type: ignore[attr-defined]
    sys.modules["oscrypto.asymmetric"] = stand_in
    try:
        return _pyasice()  # its submodules bind the stand-in now
    finally:
        del sys.modules["oscrypto.asymmetric"]
        oscrypto = sys.modules.get("oscrypto")
        if oscrypto is not None and getattr(oscrypto, "asymmetric", None) is stand_in:
            delattr(oscrypto, "asymmetric")


pyasice = _import_pyasice()
_ocsp_module = importlib.import_module("pyasice.ocsp")
_utils_module = importlib.import_module("pyasice.utils")


class _OcspAnyKey(_ocsp_module.OCSP):  # type: ignore[misc,name-defined]
    """pyasice's OCSP client, whose check of the responder's signature accepts only
    sha256/sha1 with RSA (SK's responders); the test PKI's responder signs with ECDSA P-256.
    The same check — a successful answer signed by the certificate it carries — for any key."""

    @staticmethod
    def verify_response(ocsp_response: Any) -> None:
        der = ocsp_response if isinstance(ocsp_response, bytes) else ocsp_response.dump()
        answer = ocsp.load_der_ocsp_response(der)
        if answer.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
            raise _ocsp_module.OCSPError(f"OCSP answer {answer.response_status.name}")
        [responder] = answer.certificates
        key: Any = responder.public_key()
        algorithm = answer.signature_hash_algorithm
        assert algorithm is not None
        try:
            if isinstance(key, ec.EllipticCurvePublicKey):
                key.verify(answer.signature, answer.tbs_response_bytes, ec.ECDSA(algorithm))
            else:
                key.verify(
                    answer.signature, answer.tbs_response_bytes, padding.PKCS1v15(), algorithm
                )
        except InvalidSignature as error:
            raise _ocsp_module.OCSPError("OCSP answer's signature does not verify") from error


@contextmanager
def _ocsp_for_any_key() -> Iterator[None]:
    """`finalize_signature` builds pyasice's own OCSP client; for this call it builds ours."""
    with mock.patch.object(_utils_module, "OCSP", _OcspAnyKey):
        yield


# --- Signers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signer:
    """Someone who signs: the signing certificate, its issuer (for the OCSP request) and
    the key's operation, as the ID card would do it."""

    certificate: x509.Certificate
    issuer: x509.Certificate
    sign: SignFunction

    @property
    def hash_name(self) -> str:
        """pyasice's name of the digest the card uses: SHA-384 for P-384 keys (ES384)."""
        key = self.certificate.public_key()
        if isinstance(key, ec.EllipticCurvePublicKey) and key.curve.key_size >= 384:
            return "sha384"
        return "sha256"


def _sign_with(key: Any) -> SignFunction:
    return partial(device_signature, key)


def card_signer(card: Card, pki: TestPki) -> Signer:
    """A demo card's signing key and certificate (issued by the test PKI's ID-card CA)."""
    return Signer(
        certificate=card.sign_certificate(),
        issuer=x509.load_pem_x509_certificate(pki.idcard_ca.read_bytes()),
        sign=_sign_with(load_private_key(card.sign_key)),
    )


def self_made_signer(personal_number: str) -> Signer:
    """A signer with a certificate that looks like a Georgian ID card's but was issued by a
    CA of its own making (same subject form, PNOGE serial, nonRepudiation), not the PKI's."""
    made = self_made_signing_certificate(
        ca_name=x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "GE"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "OneWindow Test PKI"),
                x509.NameAttribute(NameOID.COMMON_NAME, "OneWindow Test ID-card CA"),
            ]
        ),  # the real CA's name, a different key: only the key makes a CA
        subject=x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "GE"),
                x509.NameAttribute(NameOID.COMMON_NAME, f"FORGED,NINO,{personal_number}"),
                x509.NameAttribute(NameOID.SURNAME, "FORGED"),
                x509.NameAttribute(NameOID.GIVEN_NAME, "NINO"),
                x509.NameAttribute(NameOID.SERIAL_NUMBER, f"PNOGE-{personal_number}"),
            ]
        ),
    )
    return Signer(certificate=made.certificate, issuer=made.ca, sign=_sign_with(made.key))


# --- Containers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Made:
    """A container pyasice made and what it put in: each signature's timestamp token
    (DER ContentInfo) and OCSP answer (DER OCSPResponse), in signing order."""

    data: bytes
    tokens: list[bytes]
    ocsps: list[bytes]


def _der(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.DER)


def _pyasice_misreads(signer: Signer, value: bytes) -> bool:
    """pyasice's `verify` takes an ECDSA value for DER if asn1crypto loads it, and only
    otherwise as XML-DSig's raw r‖s; asn1crypto loads a raw value that happens to begin with
    0x30 about two times in five, and the check then fails (about 1 signature in 650; CI met
    it). The value itself is right, and the portal reads it as r‖s; only pyasice's own check
    before embedding is wrong about it."""
    return isinstance(signer.certificate.public_key(), ec.EllipticCurvePublicKey) and (
        value[:1] == b"\x30"
    )


def _signed_by(container: Any, signer: Signer, *, tsa_url: str, ocsp_url: str) -> Any:
    """pyasice's flow (its README): prepare the XAdES structure over every data file, sign
    SignedInfo's digest with the card, check it, then `finalize_signature` (LT-TS: the TSA's
    token over the canonicalised SignatureValue, then the OCSP answer, both embedded)."""
    signature = container.prepare_signature(_der(signer.certificate), signer.hash_name)
    hash_function = "SHA-384" if signer.hash_name == "sha384" else "SHA-256"
    value = signer.sign(signature.digest(), hash_function)
    while _pyasice_misreads(signer, value):  # ECDSA is randomised: another value is as good
        value = signer.sign(signature.digest(), hash_function)
    signature.set_signature_value(value)
    signature.verify()
    with _ocsp_for_any_key():
        pyasice.finalize_signature(
            signature, _der(signer.issuer), lt_ts=True, ocsp_url=ocsp_url, tsa_url=tsa_url
        )
    container.add_signature(signature)
    return signature


def make_container(
    files: dict[str, bytes],
    signers: Sequence[Signer],
    *,
    tsa_url: str,
    ocsp_url: str,
    mime_type: str = "application/octet-stream",
) -> Made:
    """A new container of `files`, signed by each of `signers` in turn. The first signs the
    new container; each next one opens the saved container with pyasice (which checks its
    mimetype and manifest) and adds a signature file, as a second person's DigiDoc would."""
    data = b""
    tokens: list[bytes] = []
    ocsps: list[bytes] = []
    for number, signer in enumerate(signers):
        if number == 0:
            container = pyasice.Container()
            for name, content in files.items():
                container.add_file(name, content, mime_type)
        else:
            container = pyasice.Container(io.BytesIO(data))
        signature = _signed_by(container, signer, tsa_url=tsa_url, ocsp_url=ocsp_url)
        tokens.append(signature.get_timestamp_response())
        ocsps.append(signature.get_ocsp_response().get_encapsulated_response())
        data = bytes(container.finalize().getvalue())
    return Made(data=data, tokens=tokens, ocsps=ocsps)


def with_changed_file(data: bytes, name: str, content: bytes) -> bytes:
    """The same container with one data file's content replaced (and nothing else)."""
    import zipfile

    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(output, "w") as target,
    ):
        for info in source.infolist():
            target.writestr(info, content if info.filename == name else source.read(info))
    return output.getvalue()


def pyasice_verifies(data: bytes) -> None:
    """pyasice's own check of every signature in `data` (its value over SignedInfo, its
    timestamp and its OCSP answer): the container is good in the maker's eyes."""
    container = pyasice.Container(io.BytesIO(data))
    for signature in container.iter_signatures():
        signature.verify()
        signature.verify_ts_response()
        _OcspAnyKey.verify_response(signature.get_ocsp_response().get_encapsulated_response())
