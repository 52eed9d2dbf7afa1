"""Signature checks: the token's JWA algorithms and the X.509/OCSP signatures of CAs.

Certificates are parsed with asn1crypto (it reads certificates that pyca/cryptography refuses),
and every signature is verified with pyca/cryptography over the exact signed bytes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import Enum
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

# Hash functions accepted in CA signatures (certificates, OCSP responses). SHA-1 and MD5 are
# refused: a collision lets someone forge a certificate.
_CA_SIGNATURE_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
    "sha3_224": hashes.SHA3_224,
    "sha3_256": hashes.SHA3_256,
    "sha3_384": hashes.SHA3_384,
    "sha3_512": hashes.SHA3_512,
}

PublicKey = (
    rsa.RSAPublicKey | ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey | ed448.Ed448PublicKey
)


class KeyFamily(Enum):
    EC = "EC"
    RSA = "RSA"


@dataclass(frozen=True)
class TokenAlgorithm:
    """One of the JWA algorithms a Web eID token may name."""

    name: str
    key_family: KeyFamily
    pss: bool
    hash: type[hashes.HashAlgorithm]


TOKEN_ALGORITHMS: dict[str, TokenAlgorithm] = {
    alg.name: alg
    for alg in (
        TokenAlgorithm("ES256", KeyFamily.EC, False, hashes.SHA256),
        TokenAlgorithm("ES384", KeyFamily.EC, False, hashes.SHA384),
        TokenAlgorithm("ES512", KeyFamily.EC, False, hashes.SHA512),
        TokenAlgorithm("PS256", KeyFamily.RSA, True, hashes.SHA256),
        TokenAlgorithm("PS384", KeyFamily.RSA, True, hashes.SHA384),
        TokenAlgorithm("PS512", KeyFamily.RSA, True, hashes.SHA512),
        TokenAlgorithm("RS256", KeyFamily.RSA, False, hashes.SHA256),
        TokenAlgorithm("RS384", KeyFamily.RSA, False, hashes.SHA384),
        TokenAlgorithm("RS512", KeyFamily.RSA, False, hashes.SHA512),
    )
}


def load_public_key(spki_der: bytes) -> PublicKey:
    """The key of a SubjectPublicKeyInfo; ValueError if it is not a supported, valid key."""
    try:
        key = serialization.load_der_public_key(spki_der)
    except UnsupportedAlgorithm as exc:
        raise ValueError(f"unsupported key: {exc}") from exc
    if not isinstance(
        key,
        rsa.RSAPublicKey
        | ec.EllipticCurvePublicKey
        | ed25519.Ed25519PublicKey
        | ed448.Ed448PublicKey,
    ):
        raise ValueError(f"unsupported key type {type(key).__name__}")
    return key


def key_family(key: PublicKey) -> KeyFamily | None:
    if isinstance(key, ec.EllipticCurvePublicKey):
        return KeyFamily.EC
    if isinstance(key, rsa.RSAPublicKey):
        return KeyFamily.RSA
    return None


def signed_data(algorithm: TokenAlgorithm, origin: str, nonce: str) -> bytes:
    """What the card signed: H(origin) ‖ H(nonce), H being the algorithm's own hash."""
    name = algorithm.hash().name
    return hashlib.new(name, origin.encode()).digest() + hashlib.new(name, nonce.encode()).digest()


def verify_token_signature(
    key: PublicKey, algorithm: TokenAlgorithm, signature: bytes, data: bytes
) -> bool:
    """Verify a JWS-style signature (ECDSA as raw r‖s, PSS salt = hash length)."""
    digest = algorithm.hash()
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            size = (key.curve.key_size + 7) // 8
            if len(signature) != 2 * size:
                return False
            r = int.from_bytes(signature[:size], "big")
            s = int.from_bytes(signature[size:], "big")
            key.verify(encode_dss_signature(r, s), data, ec.ECDSA(digest))
        elif isinstance(key, rsa.RSAPublicKey):
            if algorithm.pss:
                pss = padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size)
                key.verify(signature, data, pss, digest)
            else:
                key.verify(signature, data, padding.PKCS1v15(), digest)
        else:
            return False
    except InvalidSignature:
        return False
    return True


def _ca_hash(name: str) -> hashes.HashAlgorithm:
    try:
        return _CA_SIGNATURE_HASHES[name]()
    except KeyError:
        raise ValueError(f"hash {name} is not accepted in CA signatures") from None


def _pss_padding(parameters: Any) -> tuple[padding.PSS, hashes.HashAlgorithm]:
    digest = _ca_hash(parameters["hash_algorithm"]["algorithm"].native)
    mgf = parameters["mask_gen_algorithm"]
    if mgf["algorithm"].native != "mgf1":
        raise ValueError("RSA-PSS with a mask generation function other than MGF1")
    mgf_digest = _ca_hash(mgf["parameters"]["algorithm"].native)
    if parameters["trailer_field"].native not in (None, "trailer_field_bc"):
        raise ValueError("RSA-PSS with an unknown trailer field")
    salt = int(parameters["salt_length"].native)
    return padding.PSS(mgf=padding.MGF1(mgf_digest), salt_length=salt), digest


def verify_ca_signature(key: PublicKey, algorithm: Any, data: bytes, signature: bytes) -> bool:
    """Verify a signature described by an X.509 AlgorithmIdentifier (asn1crypto).

    `algorithm` is an `asn1crypto.algos.SignedDigestAlgorithm`. Returns False for a signature
    that does not verify, and for algorithms that are refused or do not fit the key.
    """
    try:
        kind = algorithm.signature_algo
        if kind == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), _ca_hash(algorithm.hash_algo))
        elif kind == "rsassa_pss" and isinstance(key, rsa.RSAPublicKey):
            pss, digest = _pss_padding(algorithm["parameters"])
            key.verify(signature, data, pss, digest)
        elif kind == "ecdsa" and isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(_ca_hash(algorithm.hash_algo)))
        elif kind in ("ed25519", "ed448") and isinstance(
            key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey
        ):
            key.verify(signature, data)
        else:
            return False
    except (InvalidSignature, ValueError, KeyError, TypeError):
        return False
    return True
