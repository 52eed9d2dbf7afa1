"""National Agency of Public Registry (საჯარო რეესტრის ეროვნული სააგენტო).

Real estate with owners and cadastral codes, the registry of entrepreneurs, pledges on
shares, mortgages, and a person's participation in registered documents.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from owexchange import Subject

from ..population import ACTIVITIES, Company, Population, Ref
from .operations import Agency, Operation, not_found
from .registry_documents import (
    RegisteredDocument,
    RegisteredDocumentData,
    documents_of,
    registered_document,
)
from .values import (
    AGENCY_NAMES,
    Party,
    PostalAddress,
    Shape,
    Text,
    company_party,
    party,
    postal_address,
    text,
)

EstateKind = Literal[
    "apartment", "house", "land-agricultural", "land-non-agricultural", "commercial"
]
_ESTATE_NAMES = {
    "apartment": text("ბინა", "Apartment"),
    "house": text("საცხოვრებელი სახლი", "House"),
    "land-agricultural": text("სასოფლო-სამეურნეო მიწის ნაკვეთი", "Agricultural land plot"),
    "land-non-agricultural": text(
        "არასასოფლო-სამეურნეო მიწის ნაკვეთი", "Non-agricultural land plot"
    ),
    "commercial": text("კომერციული ფართი", "Commercial space"),
}
Acquisition = Literal["purchase", "gift", "privatisation", "construction"]
Currency = Literal["GEL", "USD", "EUR"]


class Owner(Shape):
    owner: Party
    share_percent: float
    since: date


class RealEstate(Shape):
    cadastral_code: str = Field(examples=["01.18.02.012.034"])
    kind: EstateKind
    kind_name: Text
    address: PostalAddress
    area_m2: float | None = Field(description="Floor area; null for a land plot.")
    land_area_m2: float | None
    owners: list[Owner]
    acquired_by: Acquisition
    registered_on: date
    registration_number: str
    active_mortgages: list[str] = Field(description="Registration numbers of mortgages on it.")
    documents: list[RegisteredDocument] = Field(
        description="Documents registered on it (its deed, its mortgages); a sealed copy of "
        "each is `registered-document`."
    )


class RealEstateData(Shape):
    items: list[RealEstate]


LegalFormCode = Literal["LLC", "JSC", "IE"]
_LEGAL_FORMS = {
    "LLC": (
        text("შპს", "LLC"),
        text("შეზღუდული პასუხისმგებლობის საზოგადოება", "Limited liability company"),
    ),
    "JSC": (text("სს", "JSC"), text("სააქციო საზოგადოება", "Joint-stock company")),
    "IE": (text("ი/მ", "IE"), text("ინდივიდუალური მეწარმე", "Individual entrepreneur")),
}
CompanyStatus = Literal["active", "in-liquidation", "liquidated", "insolvent"]
_STATUS_NAMES = {
    "active": text("რეგისტრირებული", "Registered"),
    "in-liquidation": text("ლიკვიდაციის პროცესში", "In liquidation"),
    "liquidated": text("ლიკვიდირებული", "Liquidated"),
    "insolvent": text("გადახდისუუნარო", "Insolvent"),
}
RoleCode = Literal["partner", "director", "representative", "individual-entrepreneur"]
_ROLE_NAMES = {
    "partner": text("პარტნიორი", "Partner"),
    "director": text("დირექტორი", "Director"),
    "representative": text("წარმომადგენელი", "Representative"),
    "individual-entrepreneur": text("ინდივიდუალური მეწარმე", "Individual entrepreneur"),
}


class LegalForm(Shape):
    code: LegalFormCode
    abbreviation: Text
    name: Text


class Role(Shape):
    company: Party
    legal_form: LegalForm
    company_status: CompanyStatus
    role: RoleCode
    role_name: Text
    share_percent: float | None
    since: date


class Partner(Shape):
    partner: Party
    share_percent: float
    since: date


class Officer(Shape):
    person: Party
    since: date


class CompanyExtract(Shape):
    """An extract from the Registry of Entrepreneurs and Non-Entrepreneurial Legal Entities."""

    identification_code: str = Field(pattern=r"^\d{9}$")
    name: Text
    legal_form: LegalForm
    registered_on: date
    legal_address: PostalAddress
    status: CompanyStatus
    status_name: Text
    activity: Text
    capital_gel: int
    partners: list[Partner]
    directors: list[Officer]
    representatives: list[Officer]


class EntrepreneursData(Shape):
    roles: list[Role] = Field(description="For a person: their roles in companies.")
    company: CompanyExtract | None = Field(description="For a company: its registry extract.")


class SharePledge(Shape):
    registration_number: str
    company: Party
    pledgor: Party
    pledgee: Party
    share_percent: float
    secured_amount: float
    currency: Currency
    registered_on: date
    status: Literal["active", "terminated"]


class SharePledgesData(Shape):
    items: list[SharePledge]


class Mortgage(Shape):
    registration_number: str
    cadastral_code: str
    property_address: PostalAddress
    mortgagors: list[Party]
    mortgagee: Party
    amount: float
    currency: Currency
    registered_on: date
    valid_until: date
    status: Literal["active", "terminated"]


class MortgagesData(Shape):
    items: list[Mortgage]


ParticipationRole = Literal[
    "buyer",
    "seller",
    "donor",
    "recipient",
    "owner",
    "mortgagor",
    "founder",
    "director",
    "representative",
    "pledgor",
    "pledgee",
]
_PARTICIPATION_NAMES = {
    "buyer": text("მყიდველი", "Buyer"),
    "seller": text("გამყიდველი", "Seller"),
    "donor": text("ჩუქების გამცემი", "Donor"),
    "recipient": text("დასაჩუქრებული", "Recipient"),
    "owner": text("მესაკუთრე", "Owner"),
    "mortgagor": text("იპოთეკის გამცემი", "Mortgagor"),
    "founder": text("დამფუძნებელი", "Founder"),
    "director": text("დირექტორი", "Director"),
    "representative": text("წარმომადგენელი", "Representative"),
    "pledgor": text("დამგირავებელი", "Pledgor"),
    "pledgee": text("მოგირავნე", "Pledgee"),
}
_DOCUMENTS = {
    "purchase": text("ნასყიდობის ხელშეკრულება", "Purchase agreement"),
    "gift": text("ჩუქების ხელშეკრულება", "Deed of gift"),
    "privatisation": text("პრივატიზაციის ხელშეკრულება", "Privatisation agreement"),
    "construction": text("საკუთრების უფლების რეგისტრაცია", "Registration of ownership"),
    "mortgage": text("იპოთეკის ხელშეკრულება", "Mortgage agreement"),
    "founding": text("დაფუძნების შესახებ გადაწყვეტილება", "Decision on founding"),
    "appointment": text(
        "ხელმძღვანელის დანიშვნის შესახებ გადაწყვეტილება", "Decision on appointment"
    ),
    "pledge": text("წილის გირავნობის ხელშეკრულება", "Share pledge agreement"),
}


class DocumentParticipation(Shape):
    registration_number: str
    registered_on: date
    document: Text
    role: ParticipationRole
    role_name: Text
    object: Text = Field(description="What the document is about (a property or a company).")
    counterparties: list[Party]


class DocumentParticipationData(Shape):
    items: list[DocumentParticipation]


def real_estate_item(population: Population, cadastral_code: str) -> RealEstate:
    estate = population.properties[cadastral_code]
    return RealEstate(
        cadastral_code=estate.cadastral_code,
        kind=estate.kind,  # type: ignore[arg-type]
        kind_name=_ESTATE_NAMES[estate.kind],
        address=postal_address(estate.address),
        area_m2=estate.area_m2 or None,
        land_area_m2=estate.land_area_m2 or None,
        owners=[
            Owner(owner=party(population, h.owner), share_percent=h.share, since=h.since)
            for h in estate.owners
        ],
        acquired_by=estate.acquired_by,  # type: ignore[arg-type]
        registered_on=estate.acquired_on,
        registration_number=estate.registration_number,
        active_mortgages=[
            number for number in estate.mortgages if population.mortgages[number].status == "active"
        ],
        documents=documents_of(population, estate),
    )


def real_estate(population: Population, subject: Subject) -> RealEstateData:
    codes = population.properties_of.get(subject.id, [])
    return RealEstateData(items=[real_estate_item(population, code) for code in codes])


def legal_form(code: str) -> LegalForm:
    abbreviation, name = _LEGAL_FORMS[code]
    return LegalForm(code=code, abbreviation=abbreviation, name=name)  # type: ignore[arg-type]


def company_extract(population: Population, company: Company) -> CompanyExtract:
    activity = ACTIVITIES[company.activity]
    return CompanyExtract(
        identification_code=company.code,
        name=text(company.name, company.name_en),
        legal_form=legal_form(company.legal_form),
        registered_on=company.registered_on,
        legal_address=postal_address(company.address),
        status=company.status,  # type: ignore[arg-type]
        status_name=_STATUS_NAMES[company.status],
        activity=text(*activity),
        capital_gel=company.capital_gel,
        partners=[
            Partner(partner=party(population, h.owner), share_percent=h.share, since=h.since)
            for h in company.partners
        ],
        directors=[
            Officer(person=party(population, Ref("person", a.person)), since=a.since)
            for a in company.directors
        ],
        representatives=[
            Officer(person=party(population, Ref("person", a.person)), since=a.since)
            for a in company.representatives
        ],
    )


def person_roles(population: Population, personal_number: str) -> list[Role]:
    roles = []
    for code, role in population.roles.get(personal_number, []):
        company = population.companies[code]
        share, since = None, company.registered_on
        if role in ("partner", "individual-entrepreneur"):
            holding = next(h for h in company.partners if h.owner.id == personal_number)
            share, since = holding.share, holding.since
        else:
            officers = company.directors if role == "director" else company.representatives
            since = next(a.since for a in officers if a.person == personal_number)
        roles.append(
            Role(
                company=company_party(population, code),
                legal_form=legal_form(company.legal_form),
                company_status=company.status,  # type: ignore[arg-type]
                role=role,  # type: ignore[arg-type]
                role_name=_ROLE_NAMES[role],
                share_percent=share,
                since=since,
            )
        )
    return roles


def entrepreneurs(population: Population, subject: Subject) -> EntrepreneursData:
    if subject.type == "person":
        return EntrepreneursData(roles=person_roles(population, subject.id), company=None)
    company = population.companies.get(subject.id)
    if company is None:
        raise not_found(subject)
    return EntrepreneursData(roles=[], company=company_extract(population, company))


def share_pledges(population: Population, subject: Subject) -> SharePledgesData:
    items = []
    for number in population.pledges_of.get(subject.id, []):
        pledge = population.share_pledges[number]
        items.append(
            SharePledge(
                registration_number=pledge.registration_number,
                company=company_party(population, pledge.company),
                pledgor=party(population, pledge.pledgor),
                pledgee=party(population, pledge.pledgee),
                share_percent=pledge.share_percent,
                secured_amount=pledge.amount,
                currency=pledge.currency,  # type: ignore[arg-type]
                registered_on=pledge.registered_on,
                status=pledge.status,  # type: ignore[arg-type]
            )
        )
    return SharePledgesData(items=items)


def mortgage_item(population: Population, number: str) -> Mortgage:
    mortgage = population.mortgages[number]
    estate = population.properties[mortgage.cadastral_code]
    return Mortgage(
        registration_number=mortgage.registration_number,
        cadastral_code=mortgage.cadastral_code,
        property_address=postal_address(estate.address),
        mortgagors=[party(population, ref) for ref in mortgage.mortgagors],
        mortgagee=company_party(population, mortgage.mortgagee),
        amount=mortgage.amount,
        currency=mortgage.currency,  # type: ignore[arg-type]
        registered_on=mortgage.registered_on,
        valid_until=mortgage.valid_until,
        status=mortgage.status,  # type: ignore[arg-type]
    )


def mortgage_numbers(population: Population, subject_id: str) -> list[str]:
    """Mortgages on the subject's property, where the subject is a mortgagor."""
    numbers = []
    for code in population.properties_of.get(subject_id, []):
        for number in population.properties[code].mortgages:
            if any(ref.id == subject_id for ref in population.mortgages[number].mortgagors):
                numbers.append(number)
    return numbers


def mortgages(population: Population, subject: Subject) -> MortgagesData:
    numbers = mortgage_numbers(population, subject.id)
    return MortgagesData(items=[mortgage_item(population, number) for number in numbers])


def _estate_text(population: Population, cadastral_code: str) -> Text:
    return text(
        f"უძრავი ქონება, საკადასტრო კოდი {cadastral_code}",
        f"Real estate, cadastral code {cadastral_code}",
    )


def _company_text(company: Company) -> Text:
    return text(
        f"{company.name}, ს/კ {company.code}",
        f"{company.name_en}, identification code {company.code}",
    )


def _participation(
    number: str,
    on: date,
    document: str,
    role: ParticipationRole,
    about: Text,
    counterparties: list[Party],
) -> DocumentParticipation:
    return DocumentParticipation(
        registration_number=number,
        registered_on=on,
        document=_DOCUMENTS[document],
        role=role,
        role_name=_PARTICIPATION_NAMES[role],
        object=about,
        counterparties=counterparties,
    )


def _estate_documents(population: Population, pn: str) -> list[DocumentParticipation]:
    items = []
    acquirer_role: dict[str, ParticipationRole] = {
        "purchase": "buyer",
        "gift": "recipient",
        "privatisation": "owner",
        "construction": "owner",
    }
    for code in population.properties_of.get(pn, []):
        estate = population.properties[code]
        sellers = [party(population, estate.previous_owner)] if estate.previous_owner else []
        items.append(
            _participation(
                estate.registration_number,
                estate.acquired_on,
                estate.acquired_by,
                acquirer_role[estate.acquired_by],
                _estate_text(population, code),
                sellers,
            )
        )
    for code in population.sold_by.get(pn, []):
        estate = population.properties[code]
        items.append(
            _participation(
                estate.registration_number,
                estate.acquired_on,
                estate.acquired_by,
                "donor" if estate.acquired_by == "gift" else "seller",
                _estate_text(population, code),
                [party(population, h.owner) for h in estate.owners],
            )
        )
    for number in mortgage_numbers(population, pn):
        mortgage = population.mortgages[number]
        items.append(
            _participation(
                number,
                mortgage.registered_on,
                "mortgage",
                "mortgagor",
                _estate_text(population, mortgage.cadastral_code),
                [company_party(population, mortgage.mortgagee)],
            )
        )
    return items


def _company_documents(population: Population, pn: str) -> list[DocumentParticipation]:
    items = []
    for code, role in population.roles.get(pn, []):
        company = population.companies[code]
        number = f"B{company.registered_on.year % 100:02d}{company.code[-7:]}"
        if role in ("partner", "individual-entrepreneur"):
            others = [party(population, h.owner) for h in company.partners if h.owner.id != pn]
            items.append(
                _participation(
                    number,
                    company.registered_on,
                    "founding",
                    "founder",
                    _company_text(company),
                    others,
                )
            )
            continue
        officers = company.directors if role == "director" else company.representatives
        since = next(a.since for a in officers if a.person == pn)
        items.append(
            _participation(
                f"{number}-{since:%y%m%d}",
                since,
                "appointment",
                "director" if role == "director" else "representative",
                _company_text(company),
                [company_party(population, code)],
            )
        )
    for number in population.pledges_of.get(pn, []):
        pledge = population.share_pledges[number]
        pledgor = pledge.pledgor.id == pn
        counterparty = pledge.pledgee if pledgor else pledge.pledgor
        items.append(
            _participation(
                number,
                pledge.registered_on,
                "pledge",
                "pledgor" if pledgor else "pledgee",
                _company_text(population.companies[pledge.company]),
                [party(population, counterparty)],
            )
        )
    return items


def document_participation(population: Population, subject: Subject) -> DocumentParticipationData:
    items = _estate_documents(population, subject.id) + _company_documents(population, subject.id)
    items.sort(key=lambda item: (item.registered_on, item.registration_number), reverse=True)
    return DocumentParticipationData(items=items)


_BOTH = ("person", "company")
AGENCY = Agency(
    id="public-registry",
    name=AGENCY_NAMES["public-registry"],
    description="Real estate, the registry of entrepreneurs, pledges on shares, mortgages "
    "and documents registered with the Public Registry. A subject the registry holds "
    "nothing about gets empty lists; an unknown company's extract is `not-found`.",
    operations=(
        Operation(
            name="real-estate",
            summary="Real estate owned",
            description="Properties the subject owns (alone or with others), with cadastral "
            "codes, owners and their shares, and the mortgages on them.",
            subjects=_BOTH,
            model=RealEstateData,
            derive=real_estate,
        ),
        Operation(
            name="entrepreneurs",
            summary="Registry of entrepreneurs",
            description="For a person: their roles in companies (partner with share, "
            "director, representative, individual entrepreneur). For a company: its extract "
            "(partners, directors, representatives); `not-found` when unknown.",
            subjects=_BOTH,
            model=EntrepreneursData,
            derive=entrepreneurs,
        ),
        Operation(
            name="share-pledges",
            summary="Pledges on shares",
            description="Pledges on shares where the subject is the pledgor, the pledgee or "
            "the company whose share is pledged.",
            subjects=_BOTH,
            model=SharePledgesData,
            derive=share_pledges,
        ),
        Operation(
            name="mortgages",
            summary="Mortgages",
            description="Mortgages on the subject's property (the subject is a mortgagor).",
            subjects=_BOTH,
            model=MortgagesData,
            derive=mortgages,
        ),
        Operation(
            name="document-participation",
            summary="A person's participation in documents",
            description="Registered documents the person is a party to: purchases, sales, "
            "gifts, mortgages, company foundations and appointments, share pledges.",
            subjects=("person",),
            model=DocumentParticipationData,
            derive=document_participation,
        ),
        Operation(
            name="registered-document",
            summary="One registered document of the subject's property, with the document",
            description="The document named by `parameters.document.registration_number` "
            "(a deed or a mortgage agreement listed under `documents` in `real-estate`): its "
            "record and the document itself as a PDF (base64). Only a document of a property "
            "the subject owns now; any other number is `not-found`.",
            subjects=_BOTH,
            model=RegisteredDocumentData,
            derive_document=registered_document,
        ),
    ),
)
