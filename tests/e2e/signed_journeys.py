"""Steps the journeys with a signed or sealed application share (test_signed_casework,
test_company_seal): a card agent with SoftHSM2 tokens of its own, sending the signed draft,
and the clerk's approving answer."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.cardagent_process import DemoCards, RunningAgent, provision_cards, start_card_agent

from .sessions import sign_in, signed_in_session
from .test_casework import case_action, status_of

REFERENCE = re.compile(r"OW-\d{4}-\d{7}")


# The `own_card_agent` fixture's starter: (a folder name, the agent's extra arguments) →
# the cards provisioned anew and the agent started on them.
OwnCardAgent = Callable[..., tuple[DemoCards, RunningAgent]]


@pytest.fixture(scope="module")
def own_card_agent(
    idpki: Any,
    idpki_server: Any,
    tmp_path_factory: pytest.TempPathFactory,
    portal_url: str,
    cardagent_port: int,
) -> Iterator[OwnCardAgent]:
    """Starts a card agent where the shared portal expects it, with the session PKI's cards
    and seal devices provisioned anew for the module (SoftHSM2 tokens of its own: a wrong
    PIN typed there counts against no other module's), asking the PKI's OCSP responder;
    stopped when the module is done."""
    started: list[RunningAgent] = []

    def start(name: str, *, extra_args: Sequence[str] = ()) -> tuple[DemoCards, RunningAgent]:
        cards = provision_cards(Path(idpki.directory), tmp_path_factory.mktemp(name) / "cards")
        agent = start_card_agent(
            cards.directory,
            portal_url,
            port=cardagent_port,
            ocsp_url=idpki_server.ocsp_url,
            extra_args=extra_args,
        )
        started.append(agent)
        return cards, agent

    yield start
    for agent in started:
        agent.stop()


def signed_in_person(
    page: Page,
    env: dict[str, str],
    portal_url: str,
    *,
    username: str,
    personal_number: str,
    first_name: str,
    last_name: str,
) -> Page:
    """`page` signed in as the person, whose account is made if need be."""
    session = signed_in_session(
        env, username=username, personal_number=personal_number,
        first_name=first_name, last_name=last_name,
    )  # fmt: skip
    sign_in(page.context, portal_url, session)
    return page


def accept_and_send(page: Page) -> str:
    """From the signed (or sealed) draft's page: send it; the new application's reference."""
    with page.expect_navigation():
        page.get_by_role("button", name="Accept and send").click()
    expect(page).to_have_url(re.compile(r"/en/applications/OW-\d{4}-\d{7}/submitted/$"))
    found = REFERENCE.search(page.url)
    assert found
    return found.group(0)


def approve_with_answer(clerk: Page, body: str, *, document: Path | None = None) -> None:
    """On the case page: the clerk takes the case, works on it and sends an approving
    answer saying `body` (with `document`, if any); the case is then answered."""
    case_action(clerk, "Assign to me")
    case_action(clerk, "Mark as in progress")
    clerk.check("#answer-outcome")  # approved
    clerk.fill("#answer-body", body)
    if document is not None:
        clerk.set_input_files("#answer-documents", str(document))
    case_action(clerk, "Send the answer")
    assert status_of(clerk) == "answered"
