"""The card agent's HTTP contract: status, authenticate, poll, CORS, preflight, Host check."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx

from tests.cardagent.conftest import OTHER_ALLOWED_ORIGIN
from tests.cardagent.helpers import ORIGIN, error_code, new_nonce, start_sign_in
from tests.cardagent_process import REPOSITORY, DemoCards, RunningAgent, start_card_agent

CORS_HEADERS = {"access-control-allow-origin", "access-control-allow-methods"}


def test_status_counts_the_cards(agent: RunningAgent, demo_cards: DemoCards) -> None:
    response = httpx.get(f"{agent.url}/v1/status", headers={"Origin": ORIGIN})
    assert response.status_code == 200
    assert response.json() == {
        "app": "onewindow-cardagent",
        "version": "1.0.0",
        "cards": len(demo_cards.cards),
    }
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert response.headers["vary"] == "Origin"


def test_authenticate_returns_an_unguessable_dialog_url(agent: RunningAgent) -> None:
    first, second = start_sign_in(agent.url, lang="ka"), start_sign_in(agent.url)
    assert first.id != second.id and len(first.id) >= 32
    assert first.dialog_url == f"http://127.0.0.1:{agent.port}/v1/dialog/{first.id}?lang=ka"
    assert first.poll().json() == {"status": "pending"}


def test_authenticate_refuses_bad_requests(agent: RunningAgent) -> None:
    url = f"{agent.url}/v1/authenticate"
    headers = {"Origin": ORIGIN}
    for body in (
        {"challengeNonce": "c2hvcnQ=", "lang": "en"},  # shorter than 44 characters
        {"challengeNonce": "!" * 44, "lang": "en"},  # not base64
        {"challengeNonce": new_nonce(), "lang": "de"},
        {"lang": "en"},
        [new_nonce()],
    ):
        assert httpx.post(url, json=body, headers=headers).status_code == 400, body
    form = httpx.post(url, data={"challengeNonce": new_nonce()}, headers=headers)
    assert form.status_code == 415
    without_origin = httpx.post(url, json={"challengeNonce": new_nonce(), "lang": "en"})
    assert without_origin.status_code == 403


def test_other_origins_get_403_without_cors_headers(agent: RunningAgent) -> None:
    evil = {"Origin": "http://127.0.0.1:8766"}
    for response in (
        httpx.get(f"{agent.url}/v1/status", headers=evil),
        httpx.post(
            f"{agent.url}/v1/authenticate",
            json={"challengeNonce": new_nonce(), "lang": "en"},
            headers=evil,
        ),
        httpx.options(
            f"{agent.url}/v1/authenticate",
            headers={**evil, "Access-Control-Request-Method": "POST"},
        ),
    ):
        assert response.status_code == 403
        assert not CORS_HEADERS & set(response.headers), response.headers


def test_preflight_allows_the_origin_and_private_network_access(agent: RunningAgent) -> None:
    response = httpx.options(
        f"{agent.url}/v1/authenticate",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
            "Access-Control-Request-Private-Network": "true",
        },
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert response.headers["access-control-allow-methods"] == "GET, POST"
    assert response.headers["access-control-allow-headers"] == "Content-Type"
    assert response.headers["access-control-allow-private-network"] == "true"
    assert response.headers["vary"] == "Origin"
    plain = httpx.options(
        f"{agent.url}/v1/authenticate",
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"},
    )
    assert plain.status_code == 204
    assert "access-control-allow-private-network" not in plain.headers


def test_host_header_must_be_the_loopback_address(agent: RunningAgent) -> None:
    url = f"{agent.url}/v1/status"
    rebound = httpx.get(url, headers={"Host": f"attacker.example:{agent.port}"})
    assert rebound.status_code == 403
    assert httpx.get(url, headers={"Host": f"127.0.0.1:{agent.port + 1}"}).status_code == 403
    assert httpx.get(url, headers={"Host": f"localhost:{agent.port}"}).status_code == 200


def test_result_only_to_the_origin_that_asked_and_only_once(agent: RunningAgent) -> None:
    sign_in = start_sign_in(agent.url)
    assert sign_in.poll(origin=OTHER_ALLOWED_ORIGIN).status_code == 404
    assert httpx.get(f"{agent.url}/v1/authenticate/{sign_in.id}").status_code == 404
    page = sign_in.submit(action="cancel")
    assert error_code(page) == "cancelled"
    assert sign_in.poll(origin=OTHER_ALLOWED_ORIGIN).status_code == 404
    result = sign_in.poll()
    assert result.status_code == 200
    assert result.json() == {
        "status": "error",
        "code": "cancelled",
        "message": {
            "ka": "პირადობის მოწმობით შესვლა გაუქმდა.",
            "en": "Signing in with the ID card was cancelled.",
        },
    }
    assert sign_in.poll().status_code == 404
    gone = sign_in.dialog()  # the request is gone
    assert gone.status_code == 404
    assert error_code(gone) == "unknown"


def test_unknown_request(agent: RunningAgent) -> None:
    response = httpx.get(f"{agent.url}/v1/authenticate/not-a-request", headers={"Origin": ORIGIN})
    assert response.status_code == 404


def test_dialog_is_the_agents_own_page(agent: RunningAgent) -> None:
    sign_in = start_sign_in(agent.url, lang="ka")
    page = sign_in.dialog(lang="ka")
    assert page.status_code == 200
    assert '<html lang="ka">' in page.text
    assert ORIGIN in page.text
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "<script>" not in page.text and "style=" not in page.text
    assert httpx.get(f"{agent.url}/v1/static/dialog.css").status_code == 200
    assert httpx.get(f"{agent.url}/v1/static/dialog.js").status_code == 200
    # A form posted from another site (cross-site request forgery) is refused.
    forged = httpx.post(
        sign_in.dialog_url.split("?")[0],
        data={"action": "cancel"},
        headers={"Origin": "http://attacker.example"},
    )
    assert forged.status_code == 403
    assert sign_in.poll().json() == {"status": "pending"}


def test_requests_expire(demo_cards: DemoCards) -> None:
    agent = start_card_agent(demo_cards.directory, ORIGIN, extra_args=["--request-ttl", "0.5"])
    try:
        sign_in = start_sign_in(agent.url)
        time.sleep(0.8)
        result = sign_in.poll().json()
        assert result["status"] == "error" and result["code"] == "timeout"
        assert set(result["message"]) == {"ka", "en"}
    finally:
        agent.stop()


def test_refuses_to_listen_beyond_loopback(demo_cards: DemoCards) -> None:
    command = [sys.executable, "-m", "cardagent", "serve", "--cards", str(demo_cards.directory)]
    command += ["--origin", ORIGIN, "--host", "0.0.0.0", "--port", "0"]  # noqa: S104
    done = subprocess.run(
        command, cwd=REPOSITORY, env={"PYTHONPATH": "src"}, capture_output=True, timeout=30
    )
    assert done.returncode == 2
    assert b"loopback" in done.stderr
