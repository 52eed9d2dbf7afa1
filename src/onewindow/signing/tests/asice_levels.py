"""Test helpers: ASiC-E containers with long-term signatures made the way European tools
(DigiDoc4, EU DSS) make them, from the session test PKI's real services — XAdES signed by
signxml, a real RFC 3161 token from the test TSA over the canonicalised ds:SignatureValue,
real OCSP answers and CRLs in xades:RevocationValues; CAdES signed by pyHanko with
id-aa-ets-revocationValues. Nothing here uses the portal's validation code."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import secrets
import zipfile
from dataclasses import dataclass, field
from typing import Any

import httpx
from asn1crypto import cms, core, tsp
from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import ocsp
from lxml import etree  # type: ignore[import-untyped]
from pyhanko.sign.timestamps import HTTPTimeStamper

from testpki import Card, TestPki

from .conftest import card_simple_signer

ASICE_MIMETYPE = b"application/vnd.etsi.asic-e+zip"
DS = "http://www.w3.org/2000/09/xmldsig#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
ASIC = "http://uri.etsi.org/02918/v1.2.1#"
C14N_11 = "http://www.w3.org/2006/12/xml-c14n11"  # what DigiDoc4 names
C14N_10 = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"


# --- The container ---------------------------------------------------------------------------


def _odf_manifest(files: dict[str, bytes]) -> bytes:
    entries = "".join(
        f'<manifest:file-entry manifest:full-path="{name}" '
        'manifest:media-type="application/octet-stream"/>'
        for name in files
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.etsi.asic-e+zip"/>'
        f"{entries}</manifest:manifest>"
    ).encode()


def container(files: dict[str, bytes], meta: dict[str, bytes]) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), ASICE_MIMETYPE, zipfile.ZIP_STORED)
        for name, data in files.items():
            archive.writestr(name, data)
        archive.writestr("META-INF/manifest.xml", _odf_manifest(files))
        for name, data in meta.items():
            archive.writestr(name, data)
    return output.getvalue()


# --- The test PKI's services -----------------------------------------------------------------


def timestamp_token(data: bytes, tsa_url: str) -> bytes:
    """A real RFC 3161 token (DER ContentInfo) from the TSA over SHA-256(`data`)."""
    request = tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": hashlib.sha256(data).digest(),
            },
            "nonce": secrets.randbits(63),
            "cert_req": True,
        }
    )
    response = httpx.post(
        tsa_url,
        content=request.dump(),
        headers={"Content-Type": "application/timestamp-query"},
        timeout=10,
    )
    response.raise_for_status()
    reply = tsp.TimeStampResp.load(response.content)
    assert reply["status"]["status"].native == "granted", reply["status"].native
    token: bytes = reply["time_stamp_token"].dump()
    return token


def token_time(token: bytes) -> Any:
    info = cms.ContentInfo.load(token)["content"]["encap_content_info"]["content"].parsed
    return info["gen_time"].native


def ocsp_answer(certificate: x509.Certificate, issuer: x509.Certificate, url: str) -> bytes:
    """The responder's real (signed) OCSPResponse for `certificate`."""
    request = (
        ocsp.OCSPRequestBuilder()
        .add_certificate(certificate, issuer, hashes.SHA1())  # noqa: S303 - CertID
        .build()
        .public_bytes(serialization.Encoding.DER)
    )
    response = httpx.post(
        url, content=request, headers={"Content-Type": "application/ocsp-request"}, timeout=10
    )
    response.raise_for_status()
    return response.content


def crl(server_url: str, ca: str) -> bytes:
    response = httpx.get(f"{server_url}/crl/{ca}.crl", timeout=10)
    response.raise_for_status()
    return response.content


def der(path: Any) -> bytes:
    return x509.load_pem_x509_certificate(path.read_bytes()).public_bytes(
        serialization.Encoding.DER
    )


@dataclass
class LongTermData:
    """What a B-LT signature embeds: certificates, OCSP responses and CRLs (DER)."""

    certificates: list[bytes] = field(default_factory=list)
    ocsps: list[bytes] = field(default_factory=list)
    crls: list[bytes] = field(default_factory=list)


def long_term_data(card: Card, pki: TestPki, server_url: str) -> LongTermData:
    """As DSS gathers it: the signer's OCSP answer from the ID-card CA's responder, the
    root's CRL (for the ID-card CA and the TSA), and the chain's certificates."""
    signer = card.sign_certificate()
    issuer = x509.load_pem_x509_certificate(pki.idcard_ca.read_bytes())
    return LongTermData(
        certificates=[der(card.sign_cert), der(pki.idcard_ca), der(pki.ocsp_responder)],
        ocsps=[ocsp_answer(signer, issuer, f"{server_url}/ocsp/idcard-ca")],
        crls=[crl(server_url, "root-ca")],
    )


# --- XAdES -----------------------------------------------------------------------------------


def xades_signature(card: Card, files: dict[str, bytes], *, signing_time: str | None = None) -> Any:
    """A detached XAdES B-B signature by signxml over the files, inside the ASiC
    XAdESSignatures root (the ds:Signature element; its parent is the root). `signing_time`
    is the claimed xades:SigningTime, which a signer can set to anything (default: signxml's
    own, the time of signing)."""
    from signxml.algorithms import DigestAlgorithm, SignatureConstructionMethod, SignatureMethod
    from signxml.signer import SignatureReference
    from signxml.xades.xades import XAdESSigner

    class ContainerSigner(XAdESSigner):
        def _unpack(self, data: Any, references: Any) -> Any:
            sig_root, doc_root, _inputs, _references = super()._unpack(data, None)  # type: ignore[arg-type]
            etree.Element(f"{{{ASIC}}}XAdESSignatures", nsmap={"asic": ASIC}).append(sig_root)
            return (
                sig_root,
                doc_root,
                list(files.values()),
                [SignatureReference(URI=n) for n in files],
            )

        def _build_sig(self, *args: Any, **kwargs: Any) -> Any:
            signed_info, signature_value = super()._build_sig(*args, **kwargs)  # type: ignore[no-untyped-call]
            for transforms in signed_info.iter(f"{{{DS}}}Transforms"):
                if len(transforms) == 0:
                    transforms.getparent().remove(transforms)
            return signed_info, signature_value

        def _c14n(self, nodes: Any, algorithm: Any, inclusive_ns_prefixes: Any = None) -> Any:
            if isinstance(nodes, bytes):
                return nodes
            return super()._c14n(nodes, algorithm, inclusive_ns_prefixes)

        def add_signing_time(self, properties: Any, sig_root: Any, signing_settings: Any) -> None:
            if signing_time is None:
                super().add_signing_time(properties, sig_root, signing_settings)
            else:
                etree.SubElement(properties, f"{{{XADES}}}SigningTime").text = signing_time

    key: Any = serialization.load_pem_private_key(card.sign_key.read_bytes(), password=None)
    method = (
        SignatureMethod.ECDSA_SHA256
        if isinstance(key, ec.EllipticCurvePrivateKey)
        else SignatureMethod.RSA_SHA256
    )
    signer = ContainerSigner(
        method=SignatureConstructionMethod.detached,
        signature_algorithm=method,
        digest_algorithm=DigestAlgorithm.SHA256,
    )
    return signer.sign(
        etree.Element("placeholder", Id="object"),
        key=key,
        cert=[card.sign_certificate()],
        exclude_c14n_transform_element=True,
    )


def canonical_signature_value(signature: Any, method: str = C14N_11) -> bytes:
    """ds:SignatureValue canonicalised in its document (what a SignatureTimeStamp's
    imprint is over). C14N 1.1 equals 1.0 here: no xml:id/xml:base above it."""
    value = signature.find(f"{{{DS}}}SignatureValue")
    exclusive = method.startswith(EXC_C14N)
    data: bytes = etree.tostring(value, method="c14n", exclusive=exclusive)
    return data


def add_unsigned_properties(
    signature: Any,
    *,
    token: bytes | None,
    method: str = C14N_11,
    long_term: LongTermData | None = None,
) -> None:
    """xades:UnsignedProperties as DigiDoc4 writes them: SignatureTimeStamp, then
    CertificateValues and RevocationValues (OCSPValues, CRLValues)."""
    qualifying = signature.find(f"{{{DS}}}Object/{{{XADES}}}QualifyingProperties")
    unsigned = etree.SubElement(qualifying, f"{{{XADES}}}UnsignedProperties")
    properties = etree.SubElement(unsigned, f"{{{XADES}}}UnsignedSignatureProperties")
    if token is not None:
        stamp = etree.SubElement(properties, f"{{{XADES}}}SignatureTimeStamp", Id="S0-T0")
        etree.SubElement(stamp, f"{{{DS}}}CanonicalizationMethod", Algorithm=method)
        etree.SubElement(stamp, f"{{{XADES}}}EncapsulatedTimeStamp").text = _b64(token)
    if long_term is None:
        return
    values = etree.SubElement(properties, f"{{{XADES}}}CertificateValues")
    for certificate in long_term.certificates:
        etree.SubElement(values, f"{{{XADES}}}EncapsulatedX509Certificate").text = _b64(certificate)
    revocation = etree.SubElement(properties, f"{{{XADES}}}RevocationValues")
    if long_term.crls:
        crls = etree.SubElement(revocation, f"{{{XADES}}}CRLValues")
        for item in long_term.crls:
            etree.SubElement(crls, f"{{{XADES}}}EncapsulatedCRLValue").text = _b64(item)
    if long_term.ocsps:
        ocsps = etree.SubElement(revocation, f"{{{XADES}}}OCSPValues")
        for item in long_term.ocsps:
            etree.SubElement(ocsps, f"{{{XADES}}}EncapsulatedOCSPValue").text = _b64(item)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def xades_container(files: dict[str, bytes], signature: Any) -> bytes:
    wrapper = signature.getparent()
    document = etree.tostring(wrapper, xml_declaration=True, encoding="UTF-8")
    return container(files, {"META-INF/signatures0.xml": document})


# --- CAdES -----------------------------------------------------------------------------------

REVOCATION_VALUES = "1.2.840.113549.1.9.16.2.24"  # id-aa-ets-revocationValues
CERTIFICATE_VALUES = "1.2.840.113549.1.9.16.2.23"  # id-aa-ets-certValues


class _Crls(core.SequenceOf):  # type: ignore[misc]
    _child_spec = asn1_crl.CertificateList


class _Ocsps(core.SequenceOf):  # type: ignore[misc]
    _child_spec = asn1_ocsp.BasicOCSPResponse


class _Certificates(core.SequenceOf):  # type: ignore[misc]
    _child_spec = asn1_x509.Certificate


class _RevocationValues(core.Sequence):  # type: ignore[misc]
    _fields = [
        ("crl_vals", _Crls, {"explicit": 0, "optional": True}),
        ("ocsp_vals", _Ocsps, {"explicit": 1, "optional": True}),
        ("other_rev_vals", core.Any, {"explicit": 2, "optional": True}),
    ]


def asic_manifest(files: dict[str, bytes], signature_name: str) -> bytes:
    references = "".join(
        f'<asic:DataObjectReference URI="{name}">'
        '<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>'
        f"<ds:DigestValue>{_b64(hashlib.sha256(data).digest())}"
        "</ds:DigestValue></asic:DataObjectReference>"
        for name, data in files.items()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<asic:ASiCManifest xmlns:asic="{ASIC}" xmlns:ds="{DS}">'
        f'<asic:SigReference URI="{signature_name}" MimeType="application/x-pkcs7-signature"/>'
        f"{references}</asic:ASiCManifest>"
    ).encode()


def cades_container(
    card: Card,
    pki: TestPki,
    files: dict[str, bytes],
    tsa_url: str,
    *,
    long_term: LongTermData | None,
) -> bytes:
    """CAdES B-T by pyHanko's CMS signer over an ASiCManifest; with `long_term`, B-LT:
    certValues and revocationValues (CRLs, BasicOCSPResponses) as unsigned attributes."""
    name = "META-INF/signature001.p7s"
    manifest = asic_manifest(files, name)
    content = asyncio.run(
        card_simple_signer(card, pki).async_sign_general_data(
            manifest, "sha256", detached=True, timestamper=HTTPTimeStamper(tsa_url)
        )
    )
    if long_term is not None:
        signer_info = content["content"]["signer_infos"][0]
        basics = [
            asn1_ocsp.OCSPResponse.load(item)["response_bytes"]["response"].parsed
            for item in long_term.ocsps
        ]
        values = _RevocationValues(
            {
                "crl_vals": [asn1_crl.CertificateList.load(item) for item in long_term.crls],
                "ocsp_vals": basics,
            }
        )
        certificates = _Certificates(
            [asn1_x509.Certificate.load(item) for item in long_term.certificates]
        )
        signer_info["unsigned_attrs"] = cms.CMSAttributes(
            [
                *signer_info["unsigned_attrs"],
                cms.CMSAttribute({"type": CERTIFICATE_VALUES, "values": [certificates]}),
                cms.CMSAttribute({"type": REVOCATION_VALUES, "values": [values]}),
            ]
        )
    data: bytes = content.dump()  # asn1crypto re-encodes only what was changed
    attributes = cms.ContentInfo.load(data)["content"]["signer_infos"][0]["unsigned_attrs"]
    assert len(attributes) == (3 if long_term is not None else 1)
    return container(files, {"META-INF/ASiCManifest001.xml": manifest, name: data})
