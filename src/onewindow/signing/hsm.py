"""The agencies' seal keys in the server's PKCS#11 token (SoftHSM2 in the demo).

One token (`SIGNING_HSM_TOKEN`, "agency-seals"), one key and certificate per agency with
CKA_LABEL = the agency's code; the keys never leave the token. `python -m testpki hsm`
fills the demo token (docs/signing.md).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from pkcs11 import Attribute, ObjectClass, Session
from pkcs11.exceptions import PKCS11Error
from pyhanko.config.pkcs11 import TokenCriteria
from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

from . import trust

# A PKCS#11 token takes one login per process: a second thread's login while a session is
# open fails (CKR_USER_ALREADY_LOGGED_IN). Seals made by one process take turns.
_TOKEN_LOCK = threading.Lock()


class SealUnavailable(Exception):
    """The token, its PIN or the agency's key cannot be used (a configuration problem)."""


def _pin() -> str:
    """`SIGNING_HSM_PIN`, else the demo's PIN file beside the token's configuration."""
    if settings.SIGNING_HSM_PIN:
        return str(settings.SIGNING_HSM_PIN)
    pin_file = Path(settings.SIGNING_HSM_CONF).parent / "pin"
    try:
        return pin_file.read_text(encoding="utf-8").strip()
    except OSError as error:
        raise SealUnavailable(f"no SIGNING_HSM_PIN and no {pin_file}") from error


@contextmanager
def seal_session() -> Iterator[Session]:
    """A logged-in session on the seal token, closed afterwards; one at a time per process.

    SoftHSM2 reads `SOFTHSM2_CONF` once per process, when the module is first loaded, so
    the setting must be in place before any seal is made."""
    os.environ["SOFTHSM2_CONF"] = str(settings.SIGNING_HSM_CONF)
    with _TOKEN_LOCK:
        yield from _logged_in_session()


def _logged_in_session() -> Iterator[Session]:
    try:
        session = open_pkcs11_session(
            settings.SIGNING_HSM_MODULE,
            token_criteria=TokenCriteria(label=settings.SIGNING_HSM_TOKEN),
            user_pin=_pin(),
        )
    except PKCS11Error as error:
        raise SealUnavailable(f"token {settings.SIGNING_HSM_TOKEN}: {error!r}") from error
    except Exception as error:  # pyHanko's own PKCS11Error is not python-pkcs11's
        raise SealUnavailable(f"token {settings.SIGNING_HSM_TOKEN}: {error}") from error
    try:
        yield session
    finally:
        session.close()


def agency_certificate(session: Session, agency_code: str) -> x509.Certificate:
    """The agency's seal certificate, as stored in the token beside its key."""
    objects = list(
        session.get_objects(
            {Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.LABEL: agency_code}
        )
    )
    if not objects:
        raise SealUnavailable(f"no seal certificate labelled {agency_code!r} in the token")
    return x509.load_der_x509_certificate(bytes(objects[0][Attribute.VALUE]))


def agency_signer(
    session: Session, agency_code: str, chain: list[x509.Certificate]
) -> PKCS11Signer:
    """pyHanko's signer for the agency's key; EC keys sign raw (SoftHSM2 has no
    ECDSA-with-SHA mechanisms), RSA keys with PKCS#1 v1.5."""
    return PKCS11Signer(
        session,
        key_label=agency_code,
        signing_cert=trust.to_asn1(chain[0]),
        ca_chain=[trust.to_asn1(ca) for ca in chain[1:]],
        use_raw_mechanism=isinstance(chain[0].public_key(), ec.EllipticCurvePublicKey),
    )
