"""Contract tests: every agency's API answers as its OpenAPI document says (schemathesis).

Each generated request is signed as the portal before it is sent to the running sandbox,
so that it passes verification and reaches the operation; the response is then checked
against the document (status, content type, headers, body schema) by schemathesis.
"""

from __future__ import annotations

import json
import uuid

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings

from owexchange import RequestMeta, load_private_key, sign_request
from sandbox.agencies import AGENCIES
from sandbox.app import openapi_document
from tests.sandbox_process import RunningSandbox

SCHEMAS = {
    agency_id.replace("-", "_"): schemathesis.openapi.from_dict(openapi_document(agency_id))
    for agency_id in AGENCIES
}
for _schema in SCHEMAS.values():
    _schema.config.generation.update(max_examples=12, deterministic=True)


def _send(case: schemathesis.Case, sandbox: RunningSandbox, http: httpx.Client) -> httpx.Response:
    """The request schemathesis would send, signed as the portal."""
    agency = case.operation.schema.raw_schema["info"]["x-agency"]
    kwargs = case.as_transport_kwargs(base_url=sandbox.agency_url(agency))
    prepared = requests.Request(
        method=kwargs["method"],
        url=kwargs["url"],
        headers=kwargs["headers"],
        params=kwargs.get("params"),
        json=kwargs.get("json"),
        data=kwargs.get("data"),
    ).prepare()
    assert prepared.method and prepared.url
    body = prepared.body or b""
    body = body.encode() if isinstance(body, str) else body
    headers = dict(prepared.headers)
    if prepared.method == "POST":
        meta = RequestMeta(
            client="portal",
            request_id=str(uuid.uuid4()),
            user="person:01001012345",
            purpose="test",
        )
        key = load_private_key(sandbox.pki_dir, "portal")
        signed = sign_request(method="POST", url=prepared.url, body=body, meta=meta, key=key)
        # A generated Content-Type other than JSON is kept: the agency must refuse it.
        headers = {**signed, **{k: v for k, v in headers.items() if k.lower() == "content-type"}}
    return http.request(prepared.method, prepared.url, content=body, headers=headers)


@schemathesis.pytest.parametrize(**SCHEMAS)
@settings(deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
def test_every_agency_answers_as_documented(
    case: schemathesis.Case, sandbox: RunningSandbox, http: httpx.Client
) -> None:
    case.validate_response(_send(case, sandbox, http))


@pytest.mark.parametrize("agency_id", list(AGENCIES))
def test_the_served_document_is_the_tested_one(
    sandbox: RunningSandbox, http: httpx.Client, agency_id: str
) -> None:
    served = http.get(f"{sandbox.agency_url(agency_id)}/openapi.json").json()
    assert served.pop("servers") == [{"url": f"/{agency_id}"}]
    assert served == json.loads(json.dumps(openapi_document(agency_id)))
    paths = {path.removeprefix("/v1/") for path in served["paths"] if path.startswith("/v1/")}
    assert paths == {operation.name for operation in AGENCIES[agency_id].operations}
