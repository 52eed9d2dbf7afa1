"""The nine agencies of the exchange and the documented shape of each operation's `data`
(as the sandbox agencies publish them in their OpenAPI documents).

Codes (statuses, kinds, roles) are checked to be strings, not against today's list: each
comes with a bilingual `*_name` to show, so an agency adding a code breaks nothing.
Unknown extra fields are allowed for the same reason.
"""

from __future__ import annotations

from ..shapes import (
    BOOLEAN,
    COMPANY_CODE,
    DATE,
    DATETIME,
    INTEGER,
    NUMBER,
    PERSONAL_NUMBER,
    STRING,
    ListOf,
    Nullable,
    Obj,
    Shape,
    Text,
)
from .base import (
    COMPANY,
    PERSON_OR_COMPANY,
    AgencyConnector,
    Operation,
    protocol_operations,
    register,
)


def obj(**fields: Shape) -> Obj:
    return Obj(required=fields)


def items(item: Shape, **more: Shape) -> Obj:
    """The common `{"items": [...]}` answer (with any further fields)."""
    return obj(items=ListOf(item), **more)


CODE = STRING
# Text in Georgian and English (`{"ka": …, "en": …}`).
TEXT = obj(ka=STRING, en=STRING)
# A person (personal number), a company (identification code) or an agency (its id).
PARTY = obj(type=Text(choices=frozenset({"person", "company", "agency"})), id=STRING, name=TEXT)
POSTAL_ADDRESS = obj(
    municipality=TEXT,
    district=Nullable(TEXT),
    street=TEXT,
    building=STRING,
    apartment=Nullable(STRING),
    text=TEXT,
)
MONEY = NUMBER


@register("civil-registry")
class CivilRegistry(AgencyConnector):
    """Public Service Development Agency: the person, address, family, identity documents."""

    operations = protocol_operations(
        "civil-registry",
        {
            "person": Operation(
                obj(
                    personal_number=PERSONAL_NUMBER,
                    first_name=TEXT,
                    last_name=TEXT,
                    sex=CODE,
                    birth_date=DATE,
                    birth_place=TEXT,
                    citizenship=CODE,
                    status=CODE,
                )
            ),
            "address": Operation(obj(registered_address=POSTAL_ADDRESS, registered_since=DATE)),
            "family": Operation(
                obj(
                    marital_status=CODE,
                    marriage_date=Nullable(DATE),
                    relatives=ListOf(
                        obj(
                            relation=CODE,
                            relation_name=TEXT,
                            personal_number=PERSONAL_NUMBER,
                            first_name=TEXT,
                            last_name=TEXT,
                            birth_date=DATE,
                        )
                    ),
                )
            ),
            "identity-documents": Operation(
                items(
                    obj(
                        kind=CODE,
                        kind_name=TEXT,
                        number=STRING,
                        issued_on=DATE,
                        valid_until=Nullable(DATE),
                        issuer=TEXT,
                        status=CODE,
                    )
                )
            ),
        },
    )


LEGAL_FORM = obj(code=CODE, abbreviation=TEXT, name=TEXT)
ROLE = obj(
    company=PARTY,
    legal_form=LEGAL_FORM,
    company_status=CODE,
    role=CODE,
    role_name=TEXT,
    share_percent=Nullable(NUMBER),
    since=DATE,
)
OFFICER = obj(person=PARTY, since=DATE)
COMPANY_EXTRACT = obj(
    identification_code=COMPANY_CODE,
    name=TEXT,
    legal_form=LEGAL_FORM,
    registered_on=DATE,
    legal_address=POSTAL_ADDRESS,
    status=CODE,
    status_name=TEXT,
    activity=TEXT,
    capital_gel=NUMBER,
    partners=ListOf(obj(partner=PARTY, share_percent=NUMBER, since=DATE)),
    directors=ListOf(OFFICER),
    representatives=ListOf(OFFICER),
)


# A document registered on a property (its deed, a mortgage agreement). Like codes, the
# registration number and the digest are checked to be strings only; signing.copies checks
# that the answer is the document asked for and that the file is the one described.
REGISTERED_DOCUMENT = obj(registration_number=STRING, kind=CODE, kind_name=TEXT, registered_on=DATE)
REGISTERED_DOCUMENT_DETAIL = Obj(
    required={
        **REGISTERED_DOCUMENT.required,
        "cadastral_code": STRING,
        "property_address": POSTAL_ADDRESS,
        "parties": ListOf(obj(party=PARTY, role=CODE, role_name=TEXT)),
    }
)
# The document itself, base64 in the JSON answer.
DOCUMENT_FILE = obj(
    media_type=Text(choices=frozenset({"application/pdf"})),
    filename=STRING,
    size=INTEGER,
    sha256=STRING,
    content_base64=STRING,
)


@register("public-registry")
class PublicRegistry(AgencyConnector):
    """National Agency of Public Registry: property, entrepreneurs, pledges, mortgages."""

    operations = protocol_operations(
        "public-registry",
        {
            "real-estate": Operation(
                items(
                    Obj(
                        required=dict(
                            cadastral_code=STRING,
                            kind=CODE,
                            kind_name=TEXT,
                            address=POSTAL_ADDRESS,
                            area_m2=Nullable(NUMBER),
                            land_area_m2=Nullable(NUMBER),
                            owners=ListOf(obj(owner=PARTY, share_percent=NUMBER, since=DATE)),
                            acquired_by=CODE,
                            registered_on=DATE,
                            registration_number=STRING,
                            active_mortgages=ListOf(STRING),
                        ),
                        # Added with registered-document; an older registry may not list them.
                        optional={"documents": ListOf(REGISTERED_DOCUMENT)},
                    )
                ),
                subjects=PERSON_OR_COMPANY,
            ),
            "entrepreneurs": Operation(
                obj(roles=ListOf(ROLE), company=Nullable(COMPANY_EXTRACT)),
                subjects=PERSON_OR_COMPANY,
            ),
            "share-pledges": Operation(
                items(
                    obj(
                        registration_number=STRING,
                        company=PARTY,
                        pledgor=PARTY,
                        pledgee=PARTY,
                        share_percent=NUMBER,
                        secured_amount=MONEY,
                        currency=CODE,
                        registered_on=DATE,
                        status=CODE,
                    )
                ),
                subjects=PERSON_OR_COMPANY,
            ),
            "mortgages": Operation(
                items(
                    obj(
                        registration_number=STRING,
                        cadastral_code=STRING,
                        property_address=POSTAL_ADDRESS,
                        mortgagors=ListOf(PARTY),
                        mortgagee=PARTY,
                        amount=MONEY,
                        currency=CODE,
                        registered_on=DATE,
                        valid_until=DATE,
                        status=CODE,
                    )
                ),
                subjects=PERSON_OR_COMPANY,
            ),
            "document-participation": Operation(
                items(
                    obj(
                        registration_number=STRING,
                        registered_on=DATE,
                        document=TEXT,
                        role=CODE,
                        role_name=TEXT,
                        object=TEXT,
                        counterparties=ListOf(PARTY),
                    )
                )
            ),
            "registered-document": Operation(
                obj(document=REGISTERED_DOCUMENT_DETAIL, file=DOCUMENT_FILE),
                subjects=PERSON_OR_COMPANY,
                needs_document=True,
            ),
        },
    )


@register("revenue")
class RevenueService(AgencyConnector):
    """Revenue Service: tax debts, and a company's authorised persons."""

    operations = protocol_operations(
        "revenue",
        {
            "tax-debts": Operation(
                items(
                    obj(
                        tax=CODE,
                        tax_name=TEXT,
                        principal_gel=MONEY,
                        penalty_gel=MONEY,
                        total_gel=MONEY,
                        due_since=DATE,
                        status=CODE,
                    ),
                    total_gel=MONEY,
                ),
                subjects=PERSON_OR_COMPANY,
            ),
            "authorised-persons": Operation(
                items(
                    obj(
                        person=PARTY,
                        role=CODE,
                        role_name=TEXT,
                        rights=ListOf(CODE),
                        since=DATE,
                    )
                ),
                subjects=COMPANY,
            ),
        },
    )


@register("patrol-police")
class PatrolPolice(AgencyConnector):
    """Patrol Police (Ministry of Internal Affairs): fines, vehicles, driving licences."""

    operations = protocol_operations(
        "patrol-police",
        {
            "fines": Operation(
                items(
                    obj(
                        protocol_number=STRING,
                        issued_at=DATETIME,
                        article=STRING,
                        offence=TEXT,
                        amount_gel=MONEY,
                        status=CODE,
                        due_on=DATE,
                        plate=Nullable(STRING),
                        place=TEXT,
                    ),
                    total_unpaid_gel=MONEY,
                ),
                subjects=PERSON_OR_COMPANY,
            ),
            "vehicles": Operation(
                items(
                    obj(
                        plate=STRING,
                        vin=STRING,
                        make=STRING,
                        model=STRING,
                        year=INTEGER,
                        colour=TEXT,
                        registration_certificate=STRING,
                        registered_on=DATE,
                        owner=PARTY,
                        status=CODE,
                    )
                ),
                subjects=PERSON_OR_COMPANY,
            ),
            # მართვის მოწმობა — driving licences
            "driving-licences": Operation(
                items(
                    obj(
                        number=STRING,
                        categories=ListOf(STRING),
                        issued_on=DATE,
                        valid_until=DATE,
                        status=CODE,
                        status_name=TEXT,
                        issuer=TEXT,
                        penalty_points=INTEGER,
                    )
                )
            ),
        },
    )


@register("border-police")
class BorderPolice(AgencyConnector):
    """Border Police (Ministry of Internal Affairs): border crossings."""

    operations = protocol_operations(
        "border-police",
        {
            "border-crossings": Operation(
                items(
                    obj(
                        crossed_at=DATETIME,
                        direction=CODE,
                        checkpoint_code=STRING,
                        checkpoint=TEXT,
                        transport=CODE,
                        country=TEXT,
                        document=obj(kind=CODE, number=STRING),
                        plate=Nullable(STRING),
                    )
                )
            ),
        },
    )


@register("enforcement")
class Enforcement(AgencyConnector):
    """National Bureau of Enforcement: the debtors' registry."""

    operations = protocol_operations(
        "enforcement",
        {
            "debtors-registry": Operation(
                items(
                    obj(
                        case_number=STRING,
                        registered_on=DATE,
                        creditor=PARTY,
                        basis=CODE,
                        basis_name=TEXT,
                        amount_gel=MONEY,
                        status=CODE,
                        restrictions=ListOf(TEXT),
                    ),
                    registered=BOOLEAN,
                ),
                subjects=PERSON_OR_COMPANY,
            ),
        },
    )


@register("social-service")
class SocialService(AgencyConnector):
    """Social Service Agency: pensions, benefits, health insurance."""

    operations = protocol_operations(
        "social-service",
        {
            "pensions": Operation(
                items(
                    obj(
                        kind=CODE,
                        kind_name=TEXT,
                        status=CODE,
                        monthly_gel=MONEY,
                        since=DATE,
                        paid_through=DATE,
                    )
                )
            ),
            "benefits": Operation(
                items(
                    obj(
                        programme=CODE,
                        programme_name=TEXT,
                        status=CODE,
                        monthly_gel=MONEY,
                        since=DATE,
                        until=Nullable(DATE),
                        rating_score=Nullable(INTEGER),
                    )
                )
            ),
            "health-insurance": Operation(
                items(
                    obj(
                        programme=CODE,
                        programme_name=TEXT,
                        package=Nullable(CODE),
                        package_name=Nullable(TEXT),
                        status=CODE,
                        insurer=Nullable(PARTY),
                        since=DATE,
                        until=Nullable(DATE),
                    )
                )
            ),
        },
    )


@register("education")
class Education(AgencyConnector):
    """Ministry of Education: education records."""

    operations = protocol_operations(
        "education",
        {
            "education-records": Operation(
                items(
                    obj(
                        level=CODE,
                        level_name=TEXT,
                        institution=TEXT,
                        programme=Nullable(TEXT),
                        qualification=Nullable(TEXT),
                        started_on=DATE,
                        finished_on=Nullable(DATE),
                        status=CODE,
                        document_number=Nullable(STRING),
                    )
                )
            ),
        },
    )


@register("tbilisi")
class TbilisiCityHall(AgencyConnector):
    """Tbilisi City Hall: municipal data and towed vehicles."""

    operations = protocol_operations(
        "tbilisi",
        {
            "municipal-data": Operation(
                obj(
                    resident=BOOLEAN,
                    district=Nullable(TEXT),
                    parking_permits=ListOf(
                        obj(
                            number=STRING,
                            plate=STRING,
                            zone=TEXT,
                            valid_from=DATE,
                            valid_until=DATE,
                            status=CODE,
                        )
                    ),
                    parking_fines=ListOf(
                        obj(
                            number=STRING,
                            plate=STRING,
                            issued_at=DATETIME,
                            place=TEXT,
                            amount_gel=MONEY,
                            status=CODE,
                        )
                    ),
                    programmes=ListOf(
                        obj(programme=CODE, programme_name=TEXT, status=CODE, since=DATE)
                    ),
                    permits=ListOf(
                        obj(
                            number=STRING,
                            kind=CODE,
                            kind_name=TEXT,
                            cadastral_code=Nullable(STRING),
                            issued_on=DATE,
                            valid_until=DATE,
                            status=CODE,
                        )
                    ),
                ),
                subjects=PERSON_OR_COMPANY,
            ),
            # ევაკუირებული ავტომობილები — vehicles taken away by the tow service
            "towed-vehicles": Operation(
                items(
                    obj(
                        plate=STRING,
                        towed_at=DATETIME,
                        towed_from=TEXT,
                        reason=CODE,
                        reason_name=TEXT,
                        impound_lot=TEXT,
                        status=CODE,
                        released_at=Nullable(DATETIME),
                        fee_gel=MONEY,
                    )
                ),
                subjects=PERSON_OR_COMPANY,
            ),
        },
    )
