"""Prefill and lookups over real HTTP: the portal's exchange asks the sandbox agencies
(`sandbox` fixture, tests/sandbox_process.py) about the demo persons (docs/demo-data.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tests.sandbox_process import RunningSandbox

from onewindow.applications.forms import engine
from onewindow.applications.forms.lookups import lookup_company, lookup_page, lookup_person
from onewindow.applications.forms.prefill import prefill_facts
from onewindow.applications.forms.schema import parse_form
from onewindow.exchange.models import DataAccess
from onewindow.exchange.tests.conftest import exchange_through_sandbox
from onewindow.identity.models import Account

from .test_forms_fixtures import TODAY, t

pytestmark = pytest.mark.django_db

NINO = "01001012345"
UNKNOWN = "01999999999"

FORM = parse_form(
    {
        "pages": [
            {
                "id": "you",
                "title": t("You"),
                "fields": [
                    {"name": "name", "type": "text", "label": t("Name"), "prefill": "full-name"},
                    {
                        "name": "born",
                        "type": "date",
                        "label": t("Born"),
                        "prefill": "date-of-birth",
                    },
                    {
                        "name": "home",
                        "type": "address",
                        "label": t("Address"),
                        "prefill": "registered-address",
                    },
                ],
            },
            {
                "id": "things",
                "title": t("Things"),
                "fields": [
                    {
                        "name": "firm",
                        "type": "select",
                        "label": t("Company"),
                        "prefill": "represented-companies",
                    },
                    {
                        "name": "flat",
                        "type": "select",
                        "label": t("Property"),
                        "prefill": "properties",
                    },
                ],
            },
            {
                "id": "others",
                "title": t("Others"),
                "fields": [
                    {
                        "name": "owner",
                        "type": "personal-number",
                        "label": t("Owner"),
                        "lookup": True,
                    },
                    {"name": "buyer", "type": "company-code", "label": t("Buyer"), "lookup": True},
                ],
            },
        ]
    }
)


@pytest.fixture
def portal(settings: Any, sandbox: RunningSandbox) -> Iterator[Any]:
    """The portal's exchange pointed at the sandbox, with nothing cached between tests."""
    with exchange_through_sandbox(settings, sandbox, timeout=3.0):
        yield settings


@pytest.fixture
def nino(db: None) -> Account:
    return Account.objects.create_user(
        username="nino", password=None, personal_number=NINO, first_name_ka="ნინო",
        last_name_ka="ბერიძე",
    )  # fmt: skip


def test_the_registries_fill_the_form_and_the_access_is_logged(portal: Any, nino: Account) -> None:
    facts = prefill_facts(FORM, account=nino)

    home = facts["home"]
    assert home["source"] == "civil-registry"
    assert home["value"]["building"] == "37" and home["value"]["apartment"] == "12"
    assert "Chavchavadze" in home["display"]["en"] and "ჭავჭავაძის" in home["display"]["ka"]
    assert facts["name"] == {
        "source": "civil-registry",
        "value": "ნინო ბერიძე",
        "display": {"ka": "ნინო ბერიძე", "en": "Nino Beridze"},
    }
    assert facts["born"]["value"] == "1986-03-14"
    assert facts["born"]["display"]["en"] == "14 March 1986"
    companies = {option["value"] for option in facts["firm"]["options"]}
    assert "404987654" in companies
    assert any("Georgian Digital Services" in o["label"]["en"] for o in facts["firm"]["options"])
    assert "01.14.12.005.012.01.012" in {option["value"] for option in facts["flat"]["options"]}

    accesses = DataAccess.objects.filter(personal_number=NINO)
    assert accesses.exists()
    assert set(accesses.values_list("purpose", flat=True)) == {"prefill"}

    # The facts are shown, not asked; the options are the registry's.
    rows = {row.field: row for row in engine.summary(FORM, {}, facts, "en")}
    assert rows["home"].source == "civil-registry" and "Chavchavadze" in rows["home"].value
    result = engine.clean_page(
        FORM, "things", {"firm": "404987654", "flat": "01.14.12.005.012.01.012"},
        answers={}, prefilled=facts, today=TODAY, lang="en",
    )  # fmt: skip
    assert result.errors == {}
    refused = engine.clean_page(
        FORM, "things", {"firm": "999999999", "flat": "01.14.12.005.012.01.012"},
        answers={}, prefilled=facts, today=TODAY, lang="en",
    )  # fmt: skip
    assert refused.errors == {"firm": "Select company"}


def test_a_registry_that_does_not_answer_leaves_an_ordinary_question(
    portal: Any, nino: Account, sandbox: RunningSandbox
) -> None:
    sandbox.set_faults({"civil-registry": {"fail": True}})
    facts = prefill_facts(FORM, account=nino)
    assert "home" not in facts and "name" not in facts and "born" not in facts
    assert "firm" in facts  # the public registry answered
    result = engine.clean_page(
        FORM, "you", {"name": "Nino B", "born-day": "14", "born-month": "3", "born-year": "1986",
                      "home-street": "Chavchavadze", "home-building": "37", "home-city": "Tbilisi"},
        answers={}, prefilled=facts, today=TODAY, lang="en",
    )  # fmt: skip
    assert result.errors == {}
    assert result.cleaned["name"] == "Nino B" and result.cleaned["born"] == "1986-03-14"


def test_a_person_unknown_to_the_registry_gets_no_facts(portal: Any) -> None:
    stranger = Account.objects.create_user(username="x", password=None, personal_number=UNKNOWN)
    assert prefill_facts(FORM, account=stranger) == {}


def test_lookups_confirm_a_person_and_a_company(portal: Any, nino: Account) -> None:
    found = lookup_person("01008057492", account=nino)
    assert found.name == {"ka": "გიორგი ბერიძე", "en": "Giorgi Beridze"}
    assert lookup_person(UNKNOWN, account=nino).error == "not-found"
    company = lookup_company("404987654", account=nino)
    assert company.name is not None and "Georgian Digital Services" in company.name["en"]
    assert lookup_company("400000001", account=nino).error == "not-found"

    checked = lookup_page(
        FORM, "others", {"owner": UNKNOWN, "buyer": "404987654"}, answers={}, prefilled={},
        account=nino, acting_for="", lang="en",
    )  # fmt: skip
    assert checked.errors == {
        "owner": "No person with this personal number was found in the Civil Registry"
    }
    assert "Georgian Digital Services" in checked.names["buyer"]["en"]
    assert list(checked.facts) == ["lookup:buyer"]
    assert checked.facts["lookup:buyer"]["value"] == "404987654"

    # The summary shows the name found while the answer is still that code.
    answers = {"owner": "01008057492", "buyer": "404987654"}
    rows = {row.field: row.value for row in engine.summary(FORM, answers, checked.facts, "en")}
    assert rows["buyer"].startswith("404987654\n") and "Georgian Digital Services" in rows["buyer"]
    assert rows["owner"] == "01008057492"
    changed = engine.summary(FORM, {**answers, "buyer": "404123456"}, checked.facts, "en")
    assert {row.field: row.value for row in changed}["buyer"] == "404123456"


def test_a_lookup_when_the_registry_is_down(
    portal: Any, nino: Account, sandbox: RunningSandbox
) -> None:
    sandbox.set_faults({"civil-registry": {"fail": True}})
    checked = lookup_page(
        FORM, "others", {"owner": "01008057492", "buyer": ""}, answers={}, prefilled={},
        account=nino, acting_for="", lang="en",
    )  # fmt: skip
    assert checked.errors == {"owner": "We cannot check owner at the moment. Try again later"}
