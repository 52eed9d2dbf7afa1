"""Search over the real catalogue (catalog/*.yaml): what a citizen types, and the service
they should see first — in Georgian, English, Latin-typed Georgian, with typos and synonyms.
"""

from pathlib import Path
from typing import Any

import pytest
import yaml

from onewindow.catalog.search import SearchDocument, SearchIndex

CATALOG = Path(__file__).resolve().parents[4] / "catalog"

# (query, the service a citizen wants first)
RANKING = [
    # Georgian, as the services are called
    ("საზღვრის კვეთა", "border-crossing"),
    ("ავტომობილის ფლობა", "vehicle-ownership"),
    ("მოვალეთა რეესტრი", "debtors-registry-status"),
    ("ძებნა მოვალეთა რეესტრში", "debtors-registry-search"),
    ("უძრავი ქონება", "real-estate"),
    ("პერსონალური მონაცემები", "personal-data"),
    ("იპოთეკა", "mortgage-registration"),
    ("ჯარიმის გადახდა", "fine-payment"),
    ("პენსია", "pension-and-benefits"),
    ("საბავშვო ბაღი", "kindergarten-registration"),
    ("ოჯახის ექიმი", "family-doctor-registration"),
    # Georgian, inflected or in other words
    ("რეესტრიდან ამონაწერი", "entrepreneurs-registry-extract"),
    ("ქონების ამონაწერი", "real-estate-extract-renewal"),
    ("ბინის ამონაწერი", "real-estate-extract-renewal"),
    ("ავტომობილები", "vehicle-ownership"),
    ("ჩემი ავტომობილები", "vehicle-ownership"),
    ("ჯარიმები", "fines-info"),
    ("ქორწინების მოწმობა", "marriage-certificate-reissue"),
    ("დაბადების მოწმობის", "birth-certificate-reissue"),
    ("წილის გირავნობა", "share-pledge-registration"),
    ("ლიკვიდაციის დაწყება", "liquidation-start-registration"),
    ("მისამართის შეცვლა", "address-change"),
    ("საგადასახადო დავალიანებაზე", "tax-debt"),
    ("ნასამართლობის შესახებ ცნობა", "criminal-record-certificate"),
    # English
    ("border crossing", "border-crossing"),
    ("criminal record", "criminal-record-certificate"),
    ("driving licence", "driving-licence"),
    ("pay a fine", "fine-payment"),
    ("parking fines", "parking-fines"),
    ("birth certificate", "birth-certificate-reissue"),
    ("register a mortgage", "mortgage-registration"),
    ("electricity bill", "electricity-bill"),
    ("i want to pay my gas bill", "gas-bill"),
    ("VAT registration", "vat-registration"),
    ("tax return", "income-declaration"),
    ("building permit", "construction-permit"),
    ("company registration", "new-entity-registration"),
    ("first grade", "school-enrolment"),
    ("mobile top up", "mobile-top-up"),
    ("fine appeal", "fine-appeal"),
    # the national romanisation, with apostrophes…
    ("amonats'eri", "entrepreneurs-registry-extract"),
    ("sazghvris k'veta", "border-crossing"),
    ("ts'q'lis gadasakhadi", "water-bill"),
    ("p'ersonaluri monatsemebi", "personal-data"),
    # …and without
    ("sazghvris kveta", "border-crossing"),
    ("udzravi koneba", "real-estate"),
    ("movaleta reestri", "debtors-registry-status"),
    ("ipotekis registratsia", "mortgage-registration"),
    ("martvis motsmoba", "driving-licence"),
    ("jarimis gadakhda", "fine-payment"),
    ("pirvelklaselis registratsia", "school-enrolment"),
    # Georgian typed on a Latin keyboard as if the Georgian layout were on
    ("amonaweri", "entrepreneurs-registry-extract"),
    ("qoneba", "real-estate"),
    ("sazRvris kveTa", "border-crossing"),
    ("piradobis mowmoba", "id-card-replacement"),
    ("wylis gadasaxadi", "water-bill"),
    ("nasamartloba", "criminal-record-certificate"),
    ("pensia", "pension-and-benefits"),
    ("jarimis gasaCivreba", "fine-appeal"),
    ("balansis Sevseba", "mobile-top-up"),
    # one or two letters wrong
    ("ავტომობლის ფლობა", "vehicle-ownership"),
    ("vehicel ownership", "vehicle-ownership"),
    ("morgage", "mortgage-registration"),
    ("kindergarden", "kindergarten-registration"),
    ("sazgvris kvta", "border-crossing"),
    ("pensoin", "pension-and-benefits"),
    # synonyms
    ("car", "vehicle-ownership"),
    ("my cars", "vehicle-ownership"),
    ("new company", "new-entity-registration"),
    ("ID card", "id-card-replacement"),
    ("პირადობა", "id-card-replacement"),
    ("bankruptcy", "insolvency-proceedings-start"),
    ("wedding certificate", "marriage-certificate-reissue"),
    ("police certificate", "criminal-record-certificate"),
    ("bailiff", "enforcement-cases"),
    ("shuqi", "electricity-bill"),
    ("freedom of information", "public-information-request"),
    ("self-employed", "individual-entrepreneur-registration"),
    ("apartment", "real-estate"),
    ("driver's license", "driving-licence"),
    ("child allowance", "child-benefit"),
]


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or []


def catalogue_documents() -> list[SearchDocument]:
    """The services of catalog/services/*.yaml as the search engine sees them."""
    categories = {
        category["code"]: category["title"] for category in _load(CATALOG / "categories.yaml")
    }
    agencies = {agency["code"]: agency["name"] for agency in _load(CATALOG / "agencies.yaml")}
    documents = []
    for path in sorted((CATALOG / "services").glob("*.yaml")):
        for entry in _load(path):
            keywords = entry.get("keywords") or {}
            names = [categories[code] for code in entry.get("categories", [])]
            agency = agencies[entry["provider"]]
            documents.append(
                SearchDocument(
                    code=entry["code"],
                    title_ka=entry["title"]["ka"],
                    title_en=entry["title"]["en"],
                    summary_ka=entry["summary"]["ka"],
                    summary_en=entry["summary"]["en"],
                    description_ka=entry["description"]["ka"],
                    description_en=entry["description"]["en"],
                    keywords_ka=tuple(keywords.get("ka", ())),
                    keywords_en=tuple(keywords.get("en", ())),
                    categories_ka=tuple(name["ka"] for name in names),
                    categories_en=tuple(name["en"] for name in names),
                    agency_ka=agency["ka"],
                    agency_en=agency["en"],
                    popularity=entry.get("popularity", 0),
                )
            )
    return documents


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    synonyms = _load(CATALOG / "synonyms.yaml") if (CATALOG / "synonyms.yaml").exists() else []
    return SearchIndex.build(catalogue_documents(), synonyms)


@pytest.fixture(scope="module")
def service_codes() -> set[str]:
    return {document.code for document in catalogue_documents()}


@pytest.mark.parametrize(("query", "expected"), RANKING, ids=[query for query, _ in RANKING])
def test_the_service_a_citizen_wants_comes_first(
    index: SearchIndex, service_codes: set[str], query: str, expected: str
) -> None:
    assert expected in service_codes, f"{expected} is not in the catalogue any more"
    found = [hit.code for hit in index.search(query, limit=5)]
    assert found[:1] == [expected], f"{query!r} gave {found}"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("amonaw", "entrepreneurs-registry-extract"),
        ("საზღვრის კვ", "border-crossing"),
        ("მოვალეთა რეეს", "debtors-registry-status"),
        ("vehicle own", "vehicle-ownership"),
        ("kinderg", "kindergarten-registration"),
    ],
)
def test_type_ahead_offers_it_while_typing(index: SearchIndex, typed: str, expected: str) -> None:
    assert index.suggest(typed)[:1] == [expected]


def test_an_empty_result_offers_a_spelling_in_the_same_script(index: SearchIndex) -> None:
    assert index.search("ავტმბოლის") == []
    suggestions = index.spelling_suggestions("ავტმბოლის")
    assert suggestions and suggestions[0].startswith("ავტომობილ")
    assert index.search(suggestions[0])[0].code == "vehicle-ownership"
