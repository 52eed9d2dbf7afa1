"""Where the test PKI's files live, the URLs its certificates point at, and its test OIDs."""

from __future__ import annotations

from typing import Final

from cryptography.x509 import ObjectIdentifier

DEFAULT_DIRECTORY: Final = "var/idpki"
DEFAULT_PORT: Final = 8300

# Public files, relative to the PKI folder (docs/identity.md, "The test PKI").
ROOT_CA: Final = "root-ca.pem"
IDCARD_CA: Final = "idcard-ca.pem"
OCSP_RESPONDER: Final = "ocsp-responder.pem"
TSA: Final = "tsa.pem"
SEAL_CA: Final = "seal-ca.pem"
IDCARD_CRL: Final = "idcard-ca.crl"
CARDS_JSON: Final = "cards.json"
SEALS_JSON: Final = "seals.json"
CARDS_DIR: Final = "cards"
SEALS_DIR: Final = "seals"
PRIVATE_DIR: Final = "private"
AGENCY_SEALS_JSON: Final = "agency-seals.json"
AGENCY_SEALS_DIR: Final = "agency-seals"
# Written last: its presence means the PKI is complete.
MANIFEST: Final = "manifest.json"
# The manifest's "format": a PKI made by an older version (no format, or a lower one) is
# made again by `init` (2: seal PINs and statuses, seal OCSP).
FORMAT: Final = 2
LOCK: Final = ".lock"


def agency_seal_key(code: str) -> str:
    """The private key name of an agency's seal (under `private/`)."""
    return f"agency-seal-{code}"


def private_key_file(name: str) -> str:
    """The key of `name` (e.g. `idcard-ca`, `card-01001012345-auth`), relative to the folder."""
    return f"{PRIVATE_DIR}/{name}.key.pem"


# The URLs in the certificates (AIA, CRL distribution points): the default `serve` address.
# Consumers under test are configured with the running server's own URLs instead.
BASE_URL: Final = f"http://127.0.0.1:{DEFAULT_PORT}"
IDCARD_OCSP_PATH: Final = "/ocsp/idcard-ca"
SEAL_OCSP_PATH: Final = "/ocsp/seal-ca"
TSA_PATH: Final = "/tsa"
HEALTH_PATH: Final = "/health"


def crl_path(ca: str) -> str:
    return f"/crl/{ca}.crl"


def ca_certificate_path(ca: str) -> str:
    return f"/certs/{ca}.cer"


# Test OIDs under 2.999 ("example", ITU-T X.660 §A.2.4), which no real policy can use:
#   2.999.2026.1.1  ID-card authentication certificate policy
#   2.999.2026.1.2  ID-card (qualified) signing certificate policy
#   2.999.2026.1.3  organisation seal certificate policy
#   2.999.2026.2.1  the TSA's timestamping policy
POLICY_IDCARD_AUTH: Final = ObjectIdentifier("2.999.2026.1.1")
POLICY_IDCARD_SIGN: Final = ObjectIdentifier("2.999.2026.1.2")
POLICY_SEAL: Final = ObjectIdentifier("2.999.2026.1.3")
POLICY_TSA: Final = ObjectIdentifier("2.999.2026.2.1")

# ETSI EN 319 412-5 qualified certificate statements.
QC_STATEMENTS: Final = ObjectIdentifier("1.3.6.1.5.5.7.1.3")
QC_COMPLIANCE: Final = "0.4.0.1862.1.1"
QC_SSCD: Final = "0.4.0.1862.1.4"
QC_TYPE: Final = "0.4.0.1862.1.6"
QC_TYPE_ESIGN: Final = "0.4.0.1862.1.6.1"
QC_TYPE_ESEAL: Final = "0.4.0.1862.1.6.2"
