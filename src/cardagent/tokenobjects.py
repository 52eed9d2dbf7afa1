"""PKCS#11 templates for importing a key and its certificate into a token.

One place for what every imported key is: private, sensitive, non-extractable and
sign-only, so that afterwards the token can only be asked to sign. Used by `provision`
(the demo cards and seal devices) and by `testpki.hsm` (the server's seal HSM).
"""

from __future__ import annotations

from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa


def private_key_template(key: Any, *, object_id: bytes, label: str) -> dict[Any, Any]:
    """The attributes of `key` (RSA or EC) as a sign-only private key object."""
    from pkcs11 import Attribute, KeyType, ObjectClass
    from pkcs11.util import biginteger
    from pkcs11.util.ec import encode_named_curve_parameters

    template: dict[Any, Any] = {
        Attribute.CLASS: ObjectClass.PRIVATE_KEY,
        Attribute.TOKEN: True,
        Attribute.PRIVATE: True,
        Attribute.SENSITIVE: True,
        Attribute.EXTRACTABLE: False,
        Attribute.SIGN: True,
        Attribute.DECRYPT: False,
        Attribute.UNWRAP: False,
        Attribute.DERIVE: False,
        Attribute.ID: object_id,
        Attribute.LABEL: label,
    }
    if isinstance(key, rsa.RSAPrivateKey):
        numbers = key.private_numbers()
        template.update(
            {
                Attribute.KEY_TYPE: KeyType.RSA,
                Attribute.MODULUS: biginteger(numbers.public_numbers.n),
                Attribute.PUBLIC_EXPONENT: biginteger(numbers.public_numbers.e),
                Attribute.PRIVATE_EXPONENT: biginteger(numbers.d),
                Attribute.PRIME_1: biginteger(numbers.p),
                Attribute.PRIME_2: biginteger(numbers.q),
                Attribute.EXPONENT_1: biginteger(numbers.dmp1),
                Attribute.EXPONENT_2: biginteger(numbers.dmq1),
                Attribute.COEFFICIENT: biginteger(numbers.iqmp),
            }
        )
    elif isinstance(key, ec.EllipticCurvePrivateKey):
        size = (key.curve.key_size + 7) // 8
        template.update(
            {
                Attribute.KEY_TYPE: KeyType.EC,
                Attribute.EC_PARAMS: encode_named_curve_parameters(key.curve.name),
                Attribute.VALUE: key.private_numbers().private_value.to_bytes(size, "big"),
            }
        )
    else:
        raise ValueError(f"only RSA and EC keys are supported (key {label!r})")
    return template


def certificate_template(
    certificate: x509.Certificate, *, object_id: bytes, label: str
) -> dict[Any, Any]:
    """`certificate` as a public X.509 certificate object beside its key (same ID, label)."""
    from pkcs11 import Attribute, CertificateType, ObjectClass

    return {
        Attribute.CLASS: ObjectClass.CERTIFICATE,
        Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
        Attribute.TOKEN: True,
        Attribute.PRIVATE: False,
        Attribute.ID: object_id,
        Attribute.LABEL: label,
        Attribute.SUBJECT: certificate.subject.public_bytes(),
        Attribute.ISSUER: certificate.issuer.public_bytes(),
        Attribute.SERIAL_NUMBER: _der_integer(certificate.serial_number),
        Attribute.VALUE: certificate.public_bytes(serialization.Encoding.DER),
    }


def _der_integer(value: int) -> bytes:
    from asn1crypto.core import Integer

    der: bytes = Integer(value).dump()
    return der
