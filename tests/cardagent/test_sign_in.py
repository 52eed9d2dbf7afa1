"""Signing in through the dialog: tokens that verify, PIN tries, certificate and reader problems."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature

from tests.cardagent.helpers import ORIGIN, error_code, single_card_pki, start_sign_in, verify_token
from tests.cardagent_process import DemoCards, RunningAgent, provision_cards

StartAgent = Callable[..., RunningAgent]


def _auth_certificate(demo_cards: DemoCards, card: dict[str, Any]) -> x509.Certificate:
    return x509.load_pem_x509_certificate((demo_cards.pki_dir / card["auth_cert"]).read_bytes())


@pytest.fixture
def own_card(demo_cards: DemoCards, tmp_path: Path) -> Callable[[str], DemoCards]:
    """A freshly provisioned copy of one card, for tests that spend its PIN tries."""

    def provision(label: str) -> DemoCards:
        pki = single_card_pki(demo_cards.pki_dir, label, tmp_path / f"pki-{label}")
        return provision_cards(pki, tmp_path / f"cards-{label}")

    return provision


@pytest.mark.parametrize(
    ("key_type", "algorithm"), [("rsa2048", "RS256"), ("ec-p256", "ES256"), ("ec-p384", "ES384")]
)
def test_right_pin_gives_a_token_that_verifies(
    demo_cards: DemoCards, card_agent_factory: StartAgent, key_type: str, algorithm: str
) -> None:
    card = demo_cards.card(key_type)
    agent = card_agent_factory(demo_cards.directory, ORIGIN, extra_args=["--card", card["label"]])
    sign_in = start_sign_in(agent.url)
    page = sign_in.dialog()
    assert card["personal_number"] in page.text
    assert 'inputmode="numeric"' in page.text and 'autocomplete="off"' in page.text
    done = sign_in.enter_pin(card["pin"])
    assert "Done — return to the OneWindow window" in done.text
    result = sign_in.poll().json()
    assert result["status"] == "done"
    token = result["token"]
    assert token["algorithm"] == algorithm
    certificate = verify_token(token, origin=ORIGIN, nonce=sign_in.nonce)
    assert certificate == _auth_certificate(demo_cards, card)
    with pytest.raises(InvalidSignature):
        verify_token(token, origin="http://127.0.0.1:9999", nonce=sign_in.nonce)
    output = agent.output().replace(str(agent.port), "")
    assert card["pin"] not in output


def test_wrong_pins_count_down_and_block_the_card_for_good(
    own_card: Callable[[str], DemoCards], card_agent_factory: StartAgent
) -> None:
    cards = own_card(own_card_label := "card-01017033481")
    card = cards.card("ec-p256")
    assert card["label"] == own_card_label
    agent = card_agent_factory(cards.directory, ORIGIN)
    sign_in = start_sign_in(agent.url)
    sign_in.dialog()
    wrong = "0000" if card["pin"] != "0000" else "1111"
    assert "Wrong PIN. 2 tries left." in sign_in.enter_pin(wrong).text
    assert sign_in.poll().json() == {"status": "pending"}
    assert "Wrong PIN. 1 try left." in sign_in.enter_pin(wrong).text
    blocked = sign_in.enter_pin(wrong)
    assert error_code(blocked) == "pin-blocked"
    assert sign_in.poll().json()["code"] == "pin-blocked"
    output = agent.output().replace(str(agent.port), "")
    assert wrong not in output and card["pin"] not in output

    agent.stop()
    restarted = card_agent_factory(cards.directory, ORIGIN)
    again = start_sign_in(restarted.url)
    assert error_code(again.dialog()) == "pin-blocked"
    # Even the right PIN posted straight to the agent does not get past a blocked card.
    assert "Done" not in again.enter_pin(card["pin"]).text
    result = again.poll().json()
    assert result["code"] == "pin-blocked"
    assert "PUK" in result["message"]["en"] and "PUK" in result["message"]["ka"]


def test_a_right_pin_resets_the_count(
    own_card: Callable[[str], DemoCards], card_agent_factory: StartAgent
) -> None:
    cards = own_card("card-01008057492")
    card = cards.card("rsa2048")
    agent = card_agent_factory(cards.directory, ORIGIN)
    for _ in range(2):
        sign_in = start_sign_in(agent.url)
        sign_in.dialog()
        assert "Wrong PIN. 2 tries left." in sign_in.enter_pin("9731").text
        assert "Done" in sign_in.enter_pin(card["pin"]).text
        assert sign_in.poll().json()["status"] == "done"


def test_soft_cards_work_the_same_way(
    demo_cards: DemoCards, tmp_path: Path, card_agent_factory: StartAgent
) -> None:
    card = demo_cards.card("ec-p384")
    pki = single_card_pki(demo_cards.pki_dir, card["label"], tmp_path / "pki")
    cards = provision_cards(pki, tmp_path / "soft", softhsm=False)
    assert cards.kind == "softcard"
    agent = card_agent_factory(cards.directory, ORIGIN)
    sign_in = start_sign_in(agent.url)
    sign_in.dialog()
    assert "Wrong PIN. 2 tries left." in sign_in.enter_pin("9731").text
    assert "Done" in sign_in.enter_pin(card["pin"]).text
    token = sign_in.poll().json()["token"]
    assert token["algorithm"] == "ES384"
    verify_token(token, origin=ORIGIN, nonce=sign_in.nonce)


def test_expired_certificate(demo_cards: DemoCards, card_agent_factory: StartAgent) -> None:
    card = demo_cards.by_status("expired")
    agent = card_agent_factory(demo_cards.directory, ORIGIN, extra_args=["--card", card["label"]])
    sign_in = start_sign_in(agent.url, lang="ka")
    page = sign_in.dialog(lang="ka")
    assert error_code(page) == "certificate-expired"
    assert 'name="pin"' not in page.text
    result = sign_in.poll().json()
    assert result["code"] == "certificate-expired"
    assert result["message"]["ka"] in page.text


def test_revoked_certificate_with_a_real_ocsp_responder(
    demo_cards: DemoCards, card_agent_factory: StartAgent, idpki_server: Any
) -> None:
    revoked = demo_cards.by_status("revoked")
    agent = card_agent_factory(
        demo_cards.directory,
        ORIGIN,
        ocsp_url=idpki_server.ocsp_url,
        extra_args=["--card", revoked["label"], "--card", demo_cards.label("ec-p256")],
    )
    sign_in = start_sign_in(agent.url)
    choose = sign_in.dialog()
    assert 'type="radio"' in choose.text
    page = sign_in.submit(step="card", card=revoked["label"])
    assert error_code(page) == "certificate-revoked"
    assert sign_in.poll().json()["code"] == "certificate-revoked"
    # A good certificate gets the PIN field from the same responder.
    good = start_sign_in(agent.url)
    good.dialog()
    assert 'name="pin"' in good.submit(step="card", card=demo_cards.label("ec-p256")).text


def test_unreachable_ocsp_responder_lets_the_portal_decide(
    demo_cards: DemoCards, card_agent_factory: StartAgent
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead_url = f"http://127.0.0.1:{closed.getsockname()[1]}/ocsp"
    revoked = demo_cards.by_status("revoked")
    agent = card_agent_factory(
        demo_cards.directory, ORIGIN, ocsp_url=dead_url, extra_args=["--card", revoked["label"]]
    )
    sign_in = start_sign_in(agent.url)
    assert 'name="pin"' in sign_in.dialog().text


def test_no_card(demo_cards: DemoCards, tmp_path: Path, card_agent_factory: StartAgent) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "softhsm2.conf").write_text(
        f"directories.tokendir = {tmp_path / 'empty'}\nobjectstore.backend = file\n"
    )
    for agent in (
        card_agent_factory(tmp_path / "empty", ORIGIN),  # SoftHSM2 loads, no token
        card_agent_factory(demo_cards.directory, ORIGIN, extra_args=["--card", "nobody"]),
    ):
        sign_in = start_sign_in(agent.url)
        assert error_code(sign_in.dialog()) == "no-card"
        result = sign_in.poll().json()
        assert result["code"] == "no-card"
        assert result["message"]["en"].startswith("No ID card")


def test_no_reader(demo_cards: DemoCards, tmp_path: Path, card_agent_factory: StartAgent) -> None:
    broken = tmp_path / "not-a-module.so"
    broken.write_bytes(b"not a shared library")
    for module in (tmp_path / "missing.so", broken):
        agent = card_agent_factory(tmp_path, ORIGIN, extra_args=["--module", str(module)])
        sign_in = start_sign_in(agent.url)
        assert error_code(sign_in.dialog()) == "no-reader"
        assert sign_in.poll().json()["code"] == "no-reader"
