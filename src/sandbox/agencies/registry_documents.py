"""The Public Registry's registered documents of a property (deeds and mortgage
agreements) and the document itself as a PDF, made from the sandbox's data.

The PDF is rendered by WeasyPrint from the registry's record only, so the same document
is the same bytes every time (no dates of rendering, no random ids): a copy asked twice
is the same file, as a scanned original in a real registry would be.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from datetime import date
from html import escape
from typing import Literal

from pydantic import Field

from owexchange import DocumentRef, ProtocolRefusal, Subject

from ..population import Population, Property
from .values import Party, PostalAddress, Shape, Text, company_party, party, postal_address, text

DocumentKind = Literal[
    "sale-contract",
    "gift-contract",
    "privatisation-agreement",
    "ownership-registration",
    "mortgage-agreement",
]
_KIND_OF_ACQUISITION: dict[str, DocumentKind] = {
    "purchase": "sale-contract",
    "gift": "gift-contract",
    "privatisation": "privatisation-agreement",
    "construction": "ownership-registration",
}
KIND_NAMES: dict[str, Text] = {
    "sale-contract": text("ნასყიდობის ხელშეკრულება", "Sale contract"),
    "gift-contract": text("ჩუქების ხელშეკრულება", "Deed of gift"),
    "privatisation-agreement": text("პრივატიზაციის ხელშეკრულება", "Privatisation agreement"),
    "ownership-registration": text(
        "საკუთრების უფლების რეგისტრაციის შესახებ გადაწყვეტილება",
        "Decision on the registration of ownership",
    ),
    "mortgage-agreement": text("იპოთეკის ხელშეკრულება", "Mortgage agreement"),
}
PartyRole = Literal["buyer", "seller", "donor", "recipient", "owner", "mortgagor", "mortgagee"]
_ROLE_NAMES: dict[str, Text] = {
    "buyer": text("მყიდველი", "Buyer"),
    "seller": text("გამყიდველი", "Seller"),
    "donor": text("ჩუქების გამცემი", "Donor"),
    "recipient": text("დასაჩუქრებული", "Recipient"),
    "owner": text("მესაკუთრე", "Owner"),
    "mortgagor": text("იპოთეკის გამცემი", "Mortgagor"),
    "mortgagee": text("იპოთეკარი", "Mortgagee"),
}
_ACQUIRER: dict[str, PartyRole] = {
    "purchase": "buyer",
    "gift": "recipient",
    "privatisation": "owner",
    "construction": "owner",
}


class RegisteredDocument(Shape):
    """A document registered on a property: the deed it was acquired by, a mortgage."""

    registration_number: str = Field(pattern=r"^\d{12}$", examples=["882019900101"])
    kind: DocumentKind
    kind_name: Text
    registered_on: date


class DocumentParty(Shape):
    party: Party
    role: PartyRole
    role_name: Text


class RegisteredDocumentDetail(RegisteredDocument):
    cadastral_code: str
    property_address: PostalAddress
    parties: list[DocumentParty]


class DocumentFile(Shape):
    """The document itself: a PDF, base64 in the JSON answer."""

    media_type: Literal["application/pdf"]
    filename: str
    size: int
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    content_base64: str


class RegisteredDocumentData(Shape):
    document: RegisteredDocumentDetail
    file: DocumentFile


def documents_of(population: Population, estate: Property) -> list[RegisteredDocument]:
    """The property's registered documents: its deed, then its mortgages (oldest first)."""
    kind = _KIND_OF_ACQUISITION[estate.acquired_by]
    documents = [
        RegisteredDocument(
            registration_number=estate.registration_number,
            kind=kind,
            kind_name=KIND_NAMES[kind],
            registered_on=estate.acquired_on,
        )
    ]
    for number in estate.mortgages:
        documents.append(
            RegisteredDocument(
                registration_number=number,
                kind="mortgage-agreement",
                kind_name=KIND_NAMES["mortgage-agreement"],
                registered_on=population.mortgages[number].registered_on,
            )
        )
    return documents


def _parties(
    population: Population, estate: Property, kind: str, number: str
) -> list[DocumentParty]:
    def entry(who: Party, role: PartyRole) -> DocumentParty:
        return DocumentParty(party=who, role=role, role_name=_ROLE_NAMES[role])

    if kind == "mortgage-agreement":
        mortgage = population.mortgages[number]
        return [entry(party(population, ref), "mortgagor") for ref in mortgage.mortgagors] + [
            entry(company_party(population, mortgage.mortgagee), "mortgagee")
        ]
    parties = []
    if estate.previous_owner is not None:
        giver: PartyRole = "donor" if estate.acquired_by == "gift" else "seller"
        parties.append(entry(party(population, estate.previous_owner), giver))
    acquirer = _ACQUIRER[estate.acquired_by]
    parties += [entry(party(population, holding.owner), acquirer) for holding in estate.owners]
    return parties


def registered_document(
    population: Population, subject: Subject, document: DocumentRef
) -> RegisteredDocumentData:
    """One registered document of a property the subject owns now, with its PDF.

    A number the registry does not have and a document of someone else's property get the
    same `not-found`: the answer does not tell whether a stranger's document exists.
    """
    for code in population.properties_of.get(subject.id, []):
        estate = population.properties[code]
        for listed in documents_of(population, estate):
            if listed.registration_number == document.registration_number:
                detail = RegisteredDocumentDetail(
                    **listed.model_dump(),
                    cadastral_code=estate.cadastral_code,
                    property_address=postal_address(estate.address),
                    parties=_parties(population, estate, listed.kind, listed.registration_number),
                )
                pdf = document_pdf(detail.model_dump_json())
                return RegisteredDocumentData(
                    document=detail,
                    file=DocumentFile(
                        media_type="application/pdf",
                        filename=f"{listed.registration_number}.pdf",
                        size=len(pdf),
                        sha256=hashlib.sha256(pdf).hexdigest(),
                        content_base64=base64.b64encode(pdf).decode("ascii"),
                    ),
                )
    raise ProtocolRefusal(
        "not-found", detail="The subject has no property with a document of this number."
    )


@functools.lru_cache(maxsize=64)
def document_pdf(detail_json: str) -> bytes:
    """The document as a PDF (A4, Georgian with English), from its record as JSON."""
    from weasyprint import HTML  # type: ignore[import-untyped]

    detail = RegisteredDocumentDetail.model_validate_json(detail_json)
    pdf: bytes = HTML(string=_html(detail)).write_pdf()
    return pdf


def _html(detail: RegisteredDocumentDetail) -> str:
    rows = "".join(
        f"<tr><td>{escape(p.role_name.ka)} / {escape(p.role_name.en)}</td>"
        f"<td>{escape(p.party.name.ka)}<br><span class=en>{escape(p.party.name.en)}</span></td>"
        f"<td>{escape(p.party.id)}</td></tr>"
        for p in detail.parties
    )
    address = detail.property_address.text
    return f"""<!doctype html>
<html lang="ka"><head><meta charset="utf-8">
<title>{escape(detail.kind_name.en)} {detail.registration_number}</title>
<style>
@page {{ size: A4; margin: 20mm 18mm 40mm 18mm; }}
body {{ font-family: "DejaVu Sans", sans-serif; font-size: 10pt; }}
h1 {{ font-size: 15pt; margin-bottom: 2mm; }}
.en {{ color: #444; }}
table {{ border-collapse: collapse; width: 100%; margin-top: 4mm; }}
td, th {{ border: 0.5pt solid #777; padding: 1.5mm; text-align: left; vertical-align: top; }}
</style></head><body>
<p>საჯარო რეესტრის ეროვნული სააგენტო<br>
<span class="en">National Agency of Public Registry (OneWindow sandbox: synthetic data)</span></p>
<h1>{escape(detail.kind_name.ka)}<br><span class="en">{escape(detail.kind_name.en)}</span></h1>
<table>
<tr><th>სარეგისტრაციო ნომერი / Registration number</th><td>{detail.registration_number}</td></tr>
<tr><th>რეგისტრაციის თარიღი / Registered on</th><td>{detail.registered_on:%d.%m.%Y}</td></tr>
<tr><th>საკადასტრო კოდი / Cadastral code</th><td>{escape(detail.cadastral_code)}</td></tr>
<tr><th>მისამართი / Address</th><td>{escape(address.ka)}<br>
<span class="en">{escape(address.en)}</span></td></tr>
</table>
<h2>მხარეები / Parties</h2>
<table><tr><th>როლი / Role</th><th>სახელი / Name</th><th>კოდი / Identifier</th></tr>
{rows}</table>
<p>დოკუმენტი რეგისტრირებულია საჯარო რეესტრში.
<span class="en">The document is registered in the Public Registry.</span></p>
</body></html>"""
