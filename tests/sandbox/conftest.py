"""Fixtures of the sandbox tests: the population in-process, and a signing portal client."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from owexchange import RequestMeta, TrustStore, load_private_key, sign_request, verify_response
from sandbox.population import Population, generate
from tests.sandbox_process import SANDBOX_PERSONS, SANDBOX_SEED, RunningSandbox


@pytest.fixture(scope="session")
def population() -> Population:
    """The population the test sandbox serves (same seed and size)."""
    return generate(seed=SANDBOX_SEED, persons=SANDBOX_PERSONS)


def person(pn: str) -> dict[str, str]:
    return {"type": "person", "id": pn}


def company(code: str) -> dict[str, str]:
    return {"type": "company", "id": code}


@dataclass
class SignedRequest:
    url: str
    headers: dict[str, str]
    body: bytes
    meta: RequestMeta


@dataclass
class Portal:
    """Asks the running sandbox as the portal does: signed requests, verified answers."""

    sandbox: RunningSandbox
    key: Ed25519PrivateKey
    trust: TrustStore
    client: httpx.Client

    def prepare(
        self,
        agency: str,
        operation: str,
        subject: object,
        *,
        body: bytes | None = None,
        client: str = "portal",
        key: Ed25519PrivateKey | None = None,
        created: int | None = None,
        on_behalf_of: str | None = None,
    ) -> SignedRequest:
        url = f"{self.sandbox.agency_url(agency)}/v1/{operation}"
        if body is None:
            body = json.dumps({"subject": subject, "parameters": {}}).encode()
        meta = RequestMeta(
            client=client,
            request_id=str(uuid.uuid4()),
            user="person:01001012345",
            purpose="self-view",
            on_behalf_of=on_behalf_of,
        )
        headers = sign_request(
            method="POST", url=url, body=body, meta=meta, key=key or self.key, created=created
        )
        return SignedRequest(url, headers, body, meta)

    def send(self, request: SignedRequest, timeout: float = 10.0) -> httpx.Response:
        return self.client.post(
            request.url, content=request.body, headers=request.headers, timeout=timeout
        )

    def verified(self, request: SignedRequest, response: httpx.Response, agency: str) -> None:
        verify_response(
            status=response.status_code,
            headers=response.headers,
            body=response.content,
            request_id=request.headers.get("OW-Request-Id", ""),
            signer=agency,
            trust=self.trust,
        )

    def ask(self, agency: str, operation: str, subject: object, **options: Any) -> httpx.Response:
        """Send a signed query; the answer's signature is checked before it is returned."""
        request = self.prepare(agency, operation, subject, **options)
        response = self.send(request)
        self.verified(request, response, agency)
        return response

    def data(self, agency: str, operation: str, subject: object) -> dict[str, Any]:
        response = self.ask(agency, operation, subject)
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()["data"]
        return data


@pytest.fixture(scope="session")
def http() -> Iterator[httpx.Client]:
    """One HTTP client for the session (making one costs ~50 ms: its TLS context)."""
    with httpx.Client(timeout=10) as client:
        yield client


@pytest.fixture
def portal(sandbox: RunningSandbox, http: httpx.Client) -> Portal:
    return Portal(
        sandbox=sandbox,
        key=load_private_key(sandbox.pki_dir, "portal"),
        trust=TrustStore.load(sandbox.pki_dir),
        client=http,
    )
