"""The search engine on a small hand-made catalogue: what a citizen typing a query gets."""

import pytest

from onewindow.catalog.search import SearchDocument, SearchHit, SearchIndex

NAPR_KA = "საჯარო რეესტრის ეროვნული სააგენტო"
NAPR_EN = "National Agency of Public Registry"


def service(
    code: str,
    title_ka: str,
    title_en: str,
    *,
    summary: tuple[str, str] = ("", ""),
    keywords: tuple[tuple[str, ...], tuple[str, ...]] = ((), ()),
    category: tuple[str, str] = ("", ""),
    agency: tuple[str, str] = ("", ""),
    description: tuple[str, str] = ("", ""),
    popularity: int = 0,
) -> SearchDocument:
    return SearchDocument(
        code=code,
        title_ka=title_ka,
        title_en=title_en,
        summary_ka=summary[0],
        summary_en=summary[1],
        description_ka=description[0],
        description_en=description[1],
        keywords_ka=keywords[0],
        keywords_en=keywords[1],
        categories_ka=(category[0],) if category[0] else (),
        categories_en=(category[1],) if category[1] else (),
        agency_ka=agency[0],
        agency_en=agency[1],
        popularity=popularity,
    )


BUSINESS = ("ბიზნესი", "Business")
PERSONAL = ("პირადი ინფორმაცია", "Personal information")
PROPERTY = ("ქონება", "Property")
DEBTS = ("დავალიანება", "Debts")

SERVICES = [
    service(
        "vehicle-ownership",
        "ავტომობილის ფლობა",
        "Vehicle ownership",
        summary=("თქვენს სახელზე რეგისტრირებული ავტომობილები", "Vehicles registered in your name"),
        category=("ტრანსპორტი", "Transport"),
        popularity=900,
    ),
    service(
        "border-crossing",
        "საზღვრის კვეთა",
        "Border crossing",
        summary=("ინფორმაცია საზღვრის კვეთის შესახებ", "When you crossed the state border"),
        category=PERSONAL,
        popularity=500,
    ),
    service(
        "entrepreneurs-extract",
        "ამონაწერის მომზადება მეწარმეთა და არასამეწარმეო იურიდიულ პირთა რეესტრიდან",
        "Preparing an extract from the Registry of Entrepreneurs and "
        "Non-Entrepreneurial Legal Entities",
        summary=("ამონაწერი კომპანიის შესახებ", "An extract about a company"),
        category=BUSINESS,
        agency=(NAPR_KA, NAPR_EN),
        popularity=800,
    ),
    service(
        "entrepreneurs-information",
        "ინფორმაცია მეწარმეთა და არასამეწარმეო იურიდიულ პირთა რეესტრიდან",
        "Information from the Registry of Entrepreneurs and Non-Entrepreneurial Legal Entities",
        category=BUSINESS,
        agency=(NAPR_KA, NAPR_EN),
        popularity=300,
    ),
    service(
        "real-estate",
        "უძრავი ქონება",
        "Real estate",
        summary=("თქვენი უძრავი ქონება საჯარო რეესტრში", "Your real estate in the public registry"),
        keywords=(("მიწა", "ბინა"), ("land", "flat", "property")),
        category=PROPERTY,
        agency=(NAPR_KA, NAPR_EN),
        popularity=850,
    ),
    service(
        "real-estate-extract",
        "უძრავი ქონების ამონაწერის განახლება",
        "Renewing a real-estate extract",
        category=PROPERTY,
        agency=(NAPR_KA, NAPR_EN),
        popularity=400,
    ),
    service(
        "debtors-search",
        "ძებნა მოვალეთა რეესტრში",
        "Search in the debtors' registry",
        category=DEBTS,
        popularity=350,
    ),
    service(
        "debtors-registry",
        "მოვალეთა რეესტრი",
        "Debtors' registry",
        summary=("ხართ თუ არა მოვალეთა რეესტრში", "Whether you are in the debtors' registry"),
        category=DEBTS,
        popularity=600,
    ),
    service(
        "personal-data",
        "პერსონალური მონაცემები",
        "Personal data",
        category=PERSONAL,
        popularity=700,
    ),
    service(
        "new-entity",
        "ახალი სუბიექტის რეგისტრაცია",
        "Registration of a new entity",
        summary=("კომპანიის დარეგისტრირება", "Register a legal entity and start a business"),
        category=BUSINESS,
        agency=(NAPR_KA, NAPR_EN),
        popularity=650,
    ),
    service(
        "id-card",
        "პირადობის მოწმობის აღება",
        "Getting an identity card",
        summary=("ახალი პირადობის მოწმობა", "A new electronic ID card"),
        keywords=(("ID ბარათი",), ()),
        category=PERSONAL,
        popularity=750,
    ),
    service(
        "share-pledge",
        "წილზე გირავნობის უფლების რეგისტრაცია",
        "Registration of a pledge on a share",
        category=BUSINESS,
        agency=(NAPR_KA, NAPR_EN),
        popularity=100,
    ),
    service(
        "fines",
        "ჯარიმების გადახდა",
        "Paying fines",
        summary=("საპატრულო პოლიციის ჯარიმები", "Traffic fines"),
        category=("ჯარიმები", "Fines"),
        popularity=880,
    ),
    service(
        "document-participation",
        "პიროვნების მონაწილეობა დოკუმენტებში",
        "A person's participation in documents",
        popularity=200,
    ),
    service(
        "liquidation-start",
        "ლიკვიდაციის პროცესის დაწყების რეგისტრაცია",
        "Registration of the start of liquidation",
        category=BUSINESS,
        popularity=90,
    ),
    service(
        "classification",
        "საჯარო ინფორმაციის გასაიდუმლოება",
        "Classification of public information",
        popularity=50,
    ),
    service(
        "document-copies",
        "დოკუმენტების ასლების ელექტრონული გაცემა",
        "Electronic issue of copies of documents",
        popularity=150,
    ),
    service(
        "correspondence",
        "მიმოწერა საჯარო უწყებებთან",
        "Correspondence with public agencies",
        description=("წერილები საჯარო დაწესებულებებთან", "Letters to public institutions"),
        popularity=400,
    ),
    service(
        "tax-debt",
        "საგადასახადო დავალიანება",
        "Tax debt",
        summary=("თქვენი დავალიანება შემოსავლების სამსახურში", "What you owe the Revenue Service"),
        category=("გადასახადები", "Taxes"),
        popularity=820,
    ),
]

SYNONYMS = [
    ["car", "vehicle", "automobile", "ავტომობილი", "მანქანა", "ავტო"],
    ["company", "legal entity", "subject", "კომპანია", "იურიდიული პირი", "სუბიექტი", "საწარმო"],
    ["ID card", "identity card", "პირადობა", "პირადობის მოწმობა", "ID ბარათი"],
]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex.build(SERVICES, SYNONYMS)


def codes(hits: list[SearchHit]) -> list[str]:
    return [hit.code for hit in hits]


def first(index: SearchIndex, query: str) -> str | None:
    hits = index.search(query)
    return hits[0].code if hits else None


# --- Kinds of match ---------------------------------------------------------------------


def test_an_exact_word_finds_its_service(index: SearchIndex) -> None:
    assert first(index, "ქონება") == "real-estate"
    assert first(index, "liquidation") == "liquidation-start"


def test_the_beginning_of_a_word_finds_the_word(index: SearchIndex) -> None:
    assert first(index, "ავტომობ") == "vehicle-ownership"
    assert first(index, "classif") == "classification"


def test_an_ending_the_stemmer_does_not_know_still_finds_the_stem(index: SearchIndex) -> None:
    # -ც, "…too", is not an ending the stemmer takes off
    assert first(index, "ქონებაც") == "real-estate"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("რეესტრიდან", {"debtors-registry", "debtors-search", "entrepreneurs-extract"}),
        ("რეესტრში", {"debtors-registry", "debtors-search", "entrepreneurs-information"}),
        ("რეესტრი", {"debtors-registry", "debtors-search", "entrepreneurs-extract"}),
    ],
)
def test_any_inflected_form_finds_every_other_form(
    index: SearchIndex, query: str, expected: set[str]
) -> None:
    found = codes(index.search(query))
    assert expected <= set(found[:4])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ჯარიმები", "fines"),  # plural, the title has the plural genitive ჯარიმების
        ("ჯარიმა", "fines"),
        ("საზღვარი", "border-crossing"),  # the title has საზღვრის: the vowel drops
        ("კვეთის", "border-crossing"),
        ("მეწარმე", "entrepreneurs-information"),  # the title has the old plural მეწარმეთა
        ("ქონებაზე", "real-estate"),
        ("ამონაწერისთვის", "entrepreneurs-extract"),
        ("დოკუმენტები", "document-copies"),
    ],
)
def test_georgian_inflections(index: SearchIndex, query: str, expected: str) -> None:
    assert expected in codes(index.search(query))[:2]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ავტომობლის", "vehicle-ownership"),  # one letter missing
        ("პერსანალური", "personal-data"),  # one letter wrong
        ("vehicel", "vehicle-ownership"),  # two letters swapped
        ("liqudation", "liquidation-start"),
        ("ownershp", "vehicle-ownership"),
        ("გასაიდმლოებაა", "classification"),  # two letters wrong in a long word
        ("regstraton", "new-entity"),  # two letters missing
        ("amonawri", "entrepreneurs-extract"),  # a typo in Latin-typed Georgian
        ("registation", "new-entity"),  # stems like "registered", but means registration
    ],
)
def test_typos(index: SearchIndex, query: str, expected: str) -> None:
    assert first(index, query) == expected


def test_short_words_are_not_guessed_at(index: SearchIndex) -> None:
    # three letters are too few to correct: "fin" must not become "fines" by a typo rule,
    # only by being the beginning of it
    assert index.search("xyz") == []
    assert first(index, "fin") == "fines"


# --- Scripts and transliteration -----------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "საზღვრის კვეთა",
        "sazghvris k'veta",  # national, with apostrophes
        "sazghvris kveta",  # national, without
        "sazgvris kveta",  # gh typed as g
        "sazRvris kveTa",  # Georgian keyboard, with Shift
        "sazrvris kveta",  # Georgian keyboard, Shift forgotten: ღ typed as რ (a typo)
        "Border crossing",
    ],
)
def test_border_crossing_in_every_style(index: SearchIndex, query: str) -> None:
    assert first(index, query) == "border-crossing"


@pytest.mark.parametrize(
    "query",
    ["ამონაწერი", "amonats'eri", "amonats’eri", "amonatseri", "amonaweri", "extract"],
)
def test_extract_in_every_style(index: SearchIndex, query: str) -> None:
    found = codes(index.search(query))
    assert set(found[:2]) == {"entrepreneurs-extract", "real-estate-extract"}


@pytest.mark.parametrize("query", ["qoneba", "koneba", "უძრავი ქონება", "udzravi qoneba"])
def test_property_in_every_style(index: SearchIndex, query: str) -> None:
    assert first(index, query) == "real-estate"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("jarimebis gadakhda", "fines"),
        ("jarimebis gadaxda", "fines"),
        ("movaleta reestri", "debtors-registry"),
        ("personaluri monacemebi", "personal-data"),
        ("piradobis mots'moba", "id-card"),
        ("piradobis mowmoba", "id-card"),
        ("PERSONAL DATA", "personal-data"),
    ],
)
def test_latin_typed_georgian_and_capitals(index: SearchIndex, query: str, expected: str) -> None:
    assert first(index, query) == expected


# --- Synonyms ----------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["car", "automobile", "მანქანა", "mankana", "ავტო"])
def test_car_finds_vehicle_ownership(index: SearchIndex, query: str) -> None:
    hits = index.search(query)
    assert hits[0].code == "vehicle-ownership"
    assert hits[0].title_match  # a synonym of a title word counts as in the title


@pytest.mark.parametrize("query", ["company", "legal entity", "subject", "კომპანია"])
def test_company_legal_entity_and_subject_are_one(index: SearchIndex, query: str) -> None:
    found = set(codes(index.search(query))[:3])
    assert found == {"entrepreneurs-extract", "entrepreneurs-information", "new-entity"}


@pytest.mark.parametrize("query", ["ID card", "identity card", "პირადობა", "ID ბარათი"])
def test_id_card_and_piradoba_are_one(index: SearchIndex, query: str) -> None:
    assert first(index, query) == "id-card"


def test_a_synonym_does_not_reach_services_without_its_group(index: SearchIndex) -> None:
    assert codes(index.search("automobile")) == ["vehicle-ownership"]
    assert codes(index.search("legal entity"))[:3] != ["vehicle-ownership"]
    assert "vehicle-ownership" not in codes(index.search("company"))


def test_without_the_synonym_group_car_does_not_find_vehicles() -> None:
    plain = SearchIndex.build(SERVICES)
    assert "vehicle-ownership" not in codes(plain.search("car"))
    assert first(plain, "vehicle") == "vehicle-ownership"


# --- Ranking -------------------------------------------------------------------------------


def test_the_exact_title_comes_first() -> None:
    # every title holds both words; the least used one is exactly the query
    docs = [
        service(
            "search", "ძებნა მოვალეთა რეესტრში", "Search in the debtors' registry", popularity=900
        ),
        service("registry", "მოვალეთა რეესტრი", "Debtors' registry", popularity=10),
        service(
            "extract", "მოვალეთა რეესტრის ამონაწერი", "Debtors' registry extract", popularity=800
        ),
    ]
    index = SearchIndex.build(docs)
    for query in ["მოვალეთა რეესტრი", "movaleta reestri", "debtors registry", "მოვალეთა რეესტრს"]:
        assert first(index, query) == "registry"


def test_a_title_beginning_with_the_query_comes_before_one_only_containing_it() -> None:
    docs = [
        service("real-estate-extract", "ქონების ამონაწერი", "Property extract", popularity=900),
        service("registry-extract", "ამონაწერი რეესტრიდან", "Extract from the registry"),
    ]
    index = SearchIndex.build(docs)
    assert codes(index.search("ამონაწერი")) == ["registry-extract", "real-estate-extract"]
    assert codes(index.search("extract")) == ["registry-extract", "real-estate-extract"]


def test_a_title_holding_every_word_comes_before_other_fields() -> None:
    docs = [
        service("summary", "ა", "Alpha", summary=("", "Debtors registry"), popularity=900),
        service("title", "ბ", "The registry of debtors"),
    ]
    hits = SearchIndex.build(docs).search("debtors registry")
    assert codes(hits) == ["title", "summary"]
    assert [hit.title_match for hit in hits] == [True, False]


def test_a_title_match_beats_a_more_popular_service_matching_elsewhere(
    index: SearchIndex,
) -> None:
    found = codes(index.search("registry"))
    assert found.index("debtors-search") < found.index("real-estate")  # 350 vs 850
    hits = {hit.code: hit for hit in index.search("registry")}
    assert hits["debtors-search"].title_match
    assert not hits["real-estate"].title_match


def test_services_matching_every_word_come_first(index: SearchIndex) -> None:
    found = codes(index.search("debtors registry"))
    assert set(found[:2]) == {"debtors-registry", "debtors-search"}
    assert "entrepreneurs-extract" in found[2:]  # matches only "registry"


def test_the_title_ranks_above_the_summary_above_the_description(index: SearchIndex) -> None:
    docs = [
        service("in-description", "ა", "Alpha", description=("", "Pledge")),
        service("in-summary", "ბ", "Beta", summary=("", "Pledge")),
        service("in-title", "გ", "Gamma pledge"),
        service("in-keywords", "დ", "Delta", keywords=((), ("pledge",))),
    ]
    found = codes(SearchIndex.build(docs).search("pledge"))
    assert found == ["in-title", "in-keywords", "in-summary", "in-description"]


def test_popularity_breaks_ties() -> None:
    docs = [
        service("rare", "ბინა", "Flat", popularity=10),
        service("popular", "ბინა", "Flat", popularity=900),
        service("middle", "ბინა", "Flat", popularity=500),
    ]
    assert codes(SearchIndex.build(docs).search("flat")) == ["popular", "middle", "rare"]


def test_scores_follow_the_order(index: SearchIndex) -> None:
    hits = index.search("registry")
    scores = [hit.score for hit in hits]
    assert scores == sorted(scores, reverse=True)
    assert len(hits) > 3


def test_limit(index: SearchIndex) -> None:
    assert len(index.search("registry", limit=2)) == 2


# --- Blank, stopword and nonsense queries -------------------------------------------------


@pytest.mark.parametrize("query", ["", "   ", "?!", "— …", "the of", "და ან"])
def test_blank_queries_find_nothing(index: SearchIndex, query: str) -> None:
    assert index.search(query) == []
    assert index.suggest(query) == []


def test_an_empty_catalogue_finds_nothing_and_does_not_fail() -> None:
    empty = SearchIndex.build([])
    assert empty.search("ამონაწერი") == []
    assert empty.suggest("amonaw") == []
    assert empty.spelling_suggestions("amonawri") == []


@pytest.mark.parametrize("query", ["xqzwv", "qwrtpsdfg", "ჟჟჟჟჟ", "zzzz kkkk"])
def test_nonsense_finds_nothing(index: SearchIndex, query: str) -> None:
    assert index.search(query) == []


def test_a_pasted_sentence_is_searched_by_its_first_words(index: SearchIndex) -> None:
    sentence = "საზღვრის კვეთა " + " ".join(["xqzwv"] * 40)
    assert first(index, sentence) == "border-crossing"


def test_one_nonsense_word_does_not_hide_what_the_other_words_find(index: SearchIndex) -> None:
    assert first(index, "xqzwv ავტომობილი") == "vehicle-ownership"


# --- Type-ahead ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("amonaw", "entrepreneurs-extract"),
        ("ამონ", "entrepreneurs-extract"),
        ("რეეს", "debtors-registry"),
        ("vehic", "vehicle-ownership"),
        ("sazgh", "border-crossing"),
        ("saz", "border-crossing"),
        ("მოვალეთა რეეს", "debtors-registry"),
        ("personal d", "personal-data"),
        ("ID bar", "id-card"),
    ],
)
def test_suggest_completes_the_last_word(index: SearchIndex, typed: str, expected: str) -> None:
    assert index.suggest(typed)[0] == expected


def test_suggest_gives_codes_up_to_the_limit(index: SearchIndex) -> None:
    suggested = index.suggest("რე", limit=3)
    assert len(suggested) == 3
    assert set(suggested) <= {service.code for service in SERVICES}


def test_a_partial_word_in_a_submitted_search_is_still_found(index: SearchIndex) -> None:
    assert first(index, "amonaw") == "entrepreneurs-extract"


# --- Did you mean ---------------------------------------------------------------------------


def test_spelling_suggestions_in_georgian_for_georgian(index: SearchIndex) -> None:
    assert index.search("ავტმბოლი") == []  # too far for a typo match
    suggestions = index.spelling_suggestions("ავტმბოლი")
    assert suggestions and suggestions[0].startswith("ავტომობილ")
    assert all(index.search(suggestion) for suggestion in suggestions)


def test_spelling_suggestions_in_latin_for_latin_typed_georgian(index: SearchIndex) -> None:
    assert index.search("mvalta") == []
    assert index.spelling_suggestions("mvalta")[0] == "movaleta"


def test_spelling_suggestions_in_english_for_english(index: SearchIndex) -> None:
    assert index.search("ownrshp") == []
    assert index.spelling_suggestions("ownrshp")[0] == "ownership"


def test_spelling_suggestions_keep_the_words_that_were_right(index: SearchIndex) -> None:
    assert index.spelling_suggestions("vehicle ownrshp")[0] == "vehicle ownership"


def test_no_spelling_suggestion_for_nonsense_or_a_good_query(index: SearchIndex) -> None:
    assert index.spelling_suggestions("xqzwv") == []
    assert index.spelling_suggestions("ავტომობილის ფლობა") == []
    assert index.spelling_suggestions("") == []
