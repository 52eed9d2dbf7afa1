"""What a request says: its subject (in the body) and its metadata (in signed headers)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal, cast

from .errors import ProtocolRefusal
from .parties import PURPOSES

PERSONAL_NUMBER: Final = re.compile(r"\d{11}")
COMPANY_CODE: Final = re.compile(r"\d{9}")
PARTY_ID: Final = re.compile(r"[a-z][a-z0-9-]{0,62}")
REQUEST_ID: Final = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
)
_NAME = r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}"
USER: Final = re.compile(
    rf"person:\d{{11}}|operator:{_NAME}|staff:[a-z][a-z0-9-]{{0,62}}:{_NAME}|system:{_NAME}"
)
ON_BEHALF_OF: Final = re.compile(r"person:\d{11}|company:\d{9}")


@dataclass(frozen=True)
class Subject:
    """Whom a query is about: a person (11-digit personal number) or a company (9 digits)."""

    type: Literal["person", "company"]
    id: str

    def __post_init__(self) -> None:
        pattern = {"person": PERSONAL_NUMBER, "company": COMPANY_CODE}.get(self.type)
        if pattern is None or not isinstance(self.id, str) or not pattern.fullmatch(self.id):
            raise ProtocolRefusal(
                "bad-request",
                detail="The subject must be a person with an 11-digit personal number "
                "or a company with a 9-digit identification code.",
            )

    @classmethod
    def person(cls, personal_number: str) -> Subject:
        return cls(type="person", id=personal_number)

    @classmethod
    def company(cls, code: str) -> Subject:
        return cls(type="company", id=code)

    @classmethod
    def from_json(cls, data: object) -> Subject:
        """The subject of a decoded request body; refuses anything but the documented shape."""
        if not isinstance(data, dict) or set(data) != {"type", "id"}:
            raise ProtocolRefusal(
                "bad-request", detail='The subject must be an object with "type" and "id".'
            )
        kind, identifier = data["type"], data["id"]
        if kind not in ("person", "company") or not isinstance(identifier, str):
            raise ProtocolRefusal(
                "bad-request", detail='The subject "type" must be "person" or "company".'
            )
        return cls(type=cast(Literal["person", "company"], kind), id=identifier)

    def to_json(self) -> dict[str, str]:
        return {"type": self.type, "id": self.id}


@dataclass(frozen=True)
class RequestMeta:
    """The signed metadata of a request: who calls, which request, who acts, and why."""

    client: str
    request_id: str
    user: str
    purpose: str
    on_behalf_of: str | None = None

    def problems(self) -> list[str]:
        """What is wrong with these values under the protocol (empty when they are valid)."""
        problems = []
        if not PARTY_ID.fullmatch(self.client):
            problems.append("OW-Client must be a party id such as civil-registry.")
        if not REQUEST_ID.fullmatch(self.request_id):
            problems.append("OW-Request-Id must be a lowercase UUID4.")
        if not USER.fullmatch(self.user):
            problems.append(
                "OW-User must be person:<pn>, operator:<id>, staff:<agency>:<id> or system:<job>."
            )
        if self.purpose not in PURPOSES:
            problems.append("OW-Purpose must be one of: " + ", ".join(sorted(PURPOSES)) + ".")
        if self.on_behalf_of is not None and not ON_BEHALF_OF.fullmatch(self.on_behalf_of):
            problems.append("OW-On-Behalf-Of must be person:<pn> or company:<code>.")
        return problems
