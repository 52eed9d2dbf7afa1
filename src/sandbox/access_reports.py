"""Agency access reports: agency staff looked at a person's data; the portal is told.

`python -m sandbox report-accesses --portal http://127.0.0.1:8000` sends, signed as each
agency, a few entries about the demo persons to `POST /api/exchange/v1/access-reports`
(docs/exchange-protocol.md, "Access reports").
"""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

import httpx

from owexchange import (
    PORTAL,
    RequestMeta,
    ResponseTampered,
    TrustStore,
    load_private_key,
    sign_request,
    verify_response,
)

from .agencies import AGENCIES
from .demo import RICH_PERSONS

MAX_ENTRIES: Final = 500
PATH: Final = "/api/exchange/v1/access-reports"


@dataclass(frozen=True)
class ReportResult:
    agency: str
    entries: int
    status: int
    problem: str | None  # why the answer was refused or unexpected; None when accepted


def access_entries(agency_id: str, count: int, rng: random.Random) -> list[dict[str, str]]:
    """`count` accesses by the agency's staff to the demo persons' data, in the last 30 days."""
    operations = [op.name for op in AGENCIES[agency_id].operations if "person" in op.subjects]
    now = datetime.now(UTC).replace(microsecond=0)
    return [
        {
            "subject": rng.choice(RICH_PERSONS),
            "accessed_at": (now - timedelta(minutes=rng.randint(5, 30 * 24 * 60)))
            .isoformat()
            .replace("+00:00", "Z"),
            "accessor": f"staff:{agency_id}:{rng.randint(1000, 9999)}",
            "accessor_kind": "agency-staff",
            "purpose": "case-handling",
            "data": rng.choice(operations),
        }
        for _ in range(min(count, MAX_ENTRIES))
    ]


def report_accesses(
    *,
    portal: str,
    pki_dir: Path,
    count: int,
    seed: int,
    timeout: float = 10.0,
    transport: httpx.BaseTransport | None = None,
) -> list[ReportResult]:
    """One signed report per agency; the portal's signed answer is verified."""
    trust = TrustStore.load(pki_dir)
    rng = random.Random(seed)  # noqa: S311 — synthetic data
    url = portal.rstrip("/") + PATH
    results = []
    with httpx.Client(timeout=timeout, transport=transport) as client:
        for agency_id in AGENCIES:
            entries = access_entries(agency_id, count, rng)
            body = json.dumps({"entries": entries}, ensure_ascii=False).encode()
            meta = RequestMeta(
                client=agency_id,
                request_id=str(uuid.uuid4()),
                user="system:access-report",
                purpose="access-report",
            )
            headers = sign_request(
                method="POST",
                url=url,
                body=body,
                meta=meta,
                key=load_private_key(pki_dir, agency_id),
            )
            response = client.post(url, content=body, headers=headers)
            problem = None
            try:
                verify_response(
                    status=response.status_code,
                    headers=response.headers,
                    body=response.content,
                    request_id=meta.request_id,
                    signer=PORTAL,
                    trust=trust,
                )
            except ResponseTampered as error:
                problem = f"response refused: {error}"
            if problem is None and response.status_code != 202:
                problem = f"unexpected status {response.status_code}: {response.text[:200]}"
            results.append(ReportResult(agency_id, len(entries), response.status_code, problem))
    return results
