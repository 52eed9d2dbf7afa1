"""The catalogue's pages as a visitor gets them, in both languages, with bounded queries."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pytest

from onewindow.catalog.services import catalog_load_directory

SMALL = Path(__file__).parent / "fixtures" / "small"

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_catalog() -> None:
    catalog_load_directory(directory=SMALL)


def page(client: Client, url: str, status: int = 200, **headers: str) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def test_home_lists_topics_and_most_used_services_in_georgian(
    client: Client, small_catalog: None
) -> None:
    html = page(client, "/ka/")
    assert '<html lang="ka"' in html
    assert "ქონება" in html and "ბიზნესი" in html
    assert 'href="/ka/services/real-estate/"' in html
    assert 'hreflang="en" href="http://testserver/en/"' in html


def test_home_in_english(client: Client, small_catalog: None) -> None:
    html = page(client, "/en/")
    assert '<html lang="en"' in html
    assert "Property" in html and "Real estate" in html
    assert "ქონება" not in html.split("<main", 1)[1]


def test_a_bare_address_opens_in_georgian_whatever_the_browser_prefers(client: Client) -> None:
    response = client.get("/", headers={"accept-language": "en-GB,en;q=0.9"})
    assert response.status_code == 302
    assert response["Location"] == "/ka/"


def test_the_language_chosen_on_the_portal_is_remembered(
    client: Client, small_catalog: None
) -> None:
    page(client, "/en/services/real-estate/")
    response = client.get("/")
    assert response["Location"] == "/en/"


def test_category_page_groups_services_by_kind(client: Client, small_catalog: None) -> None:
    html = page(client, "/en/categories/property/")
    assert "<h1" in html and "Property" in html
    assert "Information about you" in html and "Application" in html
    assert "/en/services/registry-extract/" in html


def test_service_page_shows_what_a_citizen_needs_before_starting(
    client: Client, small_catalog: None
) -> None:
    html = page(client, "/en/services/registry-extract/")
    assert "Preparing an extract" in html
    assert "10.00 GEL" in html and "20 GEL for express." in html
    assert "1 working day" in html
    assert "Identity card" in html
    assert "National Agency of Public Registry" in html
    assert 'href="/en/sign-in/?next=/en/services/registry-extract/"' in html


def test_an_informational_service_starts_on_its_my_data_page(client: Client) -> None:
    """The real catalogue: "Start now" of an informational service opens its My data page,
    which sends an anonymous visitor to sign in and back."""
    from django.core.management import call_command

    call_command("load_catalog", verbosity=0)
    html = page(client, "/en/services/driving-licence/")
    assert 'href="/en/my-data/driving-licence/"' in html
    response = client.get("/en/my-data/driving-licence/")
    assert response.status_code == 302
    assert response["Location"] == "/en/sign-in/?next=/en/my-data/driving-licence/"


def test_service_page_in_georgian(client: Client, small_catalog: None) -> None:
    html = page(client, "/ka/services/registry-extract/")
    assert "ამონაწერის მომზადება" in html
    assert "პირადობის მოწმობა" in html


@pytest.mark.parametrize(
    "url",
    ["/ka/services/no-such-service/", "/en/categories/nothing/", "/en/agencies/nobody/"],
)
def test_unknown_objects_are_404_pages(client: Client, small_catalog: None, url: str) -> None:
    html = page(client, url, status=404)
    assert "<main" in html


def test_404_page_is_translated(client: Client, small_catalog: None) -> None:
    english = page(client, "/en/services/no-such-service/", status=404)
    georgian = page(client, "/ka/services/no-such-service/", status=404)
    assert english != georgian
    assert '<html lang="ka"' in georgian


def test_agencies(client: Client, small_catalog: None) -> None:
    html = page(client, "/en/agencies/")
    assert "/en/agencies/napr/" in html
    html = page(client, "/en/agencies/napr/")
    assert "https://napr.gov.ge" in html and "Real estate" in html


def test_search_results_page(client: Client, small_catalog: None) -> None:
    html = page(client, "/en/search/?q=extract")
    assert "/en/services/registry-extract/" in html
    assert "1 result for" in html


def test_search_with_no_result_offers_topics(client: Client, small_catalog: None) -> None:
    html = page(client, "/en/search/?q=zzzzqqqxxx")
    assert "0 results for" in html
    assert "/en/categories/property/" in html


def test_an_overlong_search_is_refused_with_a_message(client: Client, small_catalog: None) -> None:
    html = page(client, "/en/search/?q=" + "a" * 300)
    assert "govuk-error-summary" in html
    assert "200 characters or fewer" in html


def test_search_filter_by_kind(client: Client, small_catalog: None) -> None:
    html = page(client, "/en/search/?q=real+estate+extract&kind=functional")
    assert "/en/services/registry-extract/" in html
    assert "/en/services/real-estate/" not in html.split("ow-result-count", 1)[1]


def test_suggestions_json(client: Client, small_catalog: None) -> None:
    response = client.get("/ka/search/suggest/", {"q": "amonaw"})
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["query"] == "amonaw"
    assert data["suggestions"][0]["url"] == "/ka/services/registry-extract/"
    assert data["suggestions"][0]["title"] == "ამონაწერის მომზადება"


def test_sitemap_lists_both_languages_with_alternates(client: Client, small_catalog: None) -> None:
    xml = page(client, "/sitemap.xml")
    assert "http://testserver/ka/services/real-estate/" in xml
    assert "http://testserver/en/services/real-estate/" in xml
    assert 'hreflang="en"' in xml and 'hreflang="x-default"' in xml


def test_security_headers(client: Client, small_catalog: None) -> None:
    response = client.get("/ka/")
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "default-src 'self'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


PAGES = [
    "/ka/",
    "/en/categories/property/",
    "/ka/services/registry-extract/",
    "/en/agencies/",
    "/ka/agencies/napr/",
    "/ka/search/?q=ამონაწერი",
    "/en/search/?q=nothing+at+all",
    "/ka/search/suggest/?q=amon",
]


def count_queries(client: Client) -> dict[str, int]:
    counts = {}
    for url in PAGES:
        client.get(url)  # warm: the in-memory catalogue is built on the first request
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[url] = len(queries)
    return counts


def test_query_budget_does_not_grow_with_the_catalogue(client: Client) -> None:
    catalog_load_directory(directory=SMALL)
    small = count_queries(client)

    catalog_load_directory(directory=SMALL, generate=700)
    large = count_queries(client)

    assert large == small
    # One query per page at most: the check for a changed catalogue.
    assert max(large.values()) <= 1


def test_pages_show_a_catalogue_change_at_once(client: Client, tmp_path: Path) -> None:
    import shutil

    directory = tmp_path / "catalog"
    shutil.copytree(SMALL, directory)
    catalog_load_directory(directory=directory)
    assert "Real estate" in page(client, "/en/")
    assert "Real estate" in page(client, "/en/services/real-estate/")

    services = directory / "services" / "registry.yaml"
    services.write_text(services.read_text().replace("en: Real estate}", "en: Land and homes}"))
    catalog_load_directory(directory=directory)

    assert "Land and homes" in page(client, "/en/")
    assert "Land and homes" in page(client, "/en/services/real-estate/")


def test_cached_parts_of_pages_follow_the_language(client: Client, small_catalog: None) -> None:
    for _ in range(2):  # the second round is served from the cached fragments
        georgian = page(client, "/ka/search/?q=extract").split("<main", 1)[1]
        english = page(client, "/en/search/?q=extract").split("<main", 1)[1]
        assert "ამონაწერის მომზადება" in georgian and "Preparing an extract" not in georgian
        assert "Preparing an extract" in english and "ამონაწერის მომზადება" not in english
        assert "Accessibility statement" in page(client, "/en/agencies/")
        assert "მისაწვდომობის განცხადება" in page(client, "/ka/agencies/")


def test_a_service_with_an_online_form_starts_its_application(client: Client) -> None:
    """ "Start now" of a functional service with a form leads to the apply journey (which
    has visitors sign in first); one without a form to the sign-in page."""
    from django.conf import settings

    from onewindow.catalog.models import Service

    catalog_load_directory(directory=settings.CATALOG_DIR)
    with_form = Service.objects.filter(kind="functional", form__isnull=False).first()
    without_form = Service.objects.filter(kind="functional", form__isnull=True).first()
    assert with_form is not None and without_form is not None
    html = client.get(f"/en/services/{with_form.code}/").content.decode()
    assert f'href="/en/apply/{with_form.code}/"' in html
    html = client.get(f"/en/services/{without_form.code}/").content.decode()
    assert f'href="/en/sign-in/?next=/en/services/{without_form.code}/"' in html
