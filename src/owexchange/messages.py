"""What a request says: its subject and parameters (in the body) and its metadata (in
signed headers)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal, cast

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
# A registration number of the Public Registry: 88, the year, a serial (12 digits).
REGISTRATION_NUMBER: Final = re.compile(r"\d{12}")


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


@dataclass(frozen=True)
class DocumentRef:
    """One registered document a query is about, named in `parameters.document`.

    The subject still says whose data it is; the agency answers only when the document
    belongs to the subject, so a document reference never widens what a query may see.
    """

    registration_number: str

    def __post_init__(self) -> None:
        if not isinstance(self.registration_number, str) or not REGISTRATION_NUMBER.fullmatch(
            self.registration_number
        ):
            raise ProtocolRefusal(
                "bad-request",
                detail="parameters.document.registration_number must be 12 digits, "
                'e.g. "882019900101".',
            )

    @classmethod
    def from_json(cls, data: object) -> DocumentRef:
        """The document of a decoded request's parameters; refuses any other shape."""
        if not isinstance(data, dict) or set(data) != {"registration_number"}:
            raise ProtocolRefusal(
                "bad-request",
                detail='parameters.document must be an object with exactly "registration_number".',
            )
        return cls(registration_number=data["registration_number"])

    def to_json(self) -> dict[str, str]:
        return {"registration_number": self.registration_number}


@dataclass(frozen=True)
class QueryBody:
    """A request's decoded body: `{"subject": …, "parameters": {…}}`.

    `parameters` is optional (an empty object by default); its `document`, when present,
    names one registered document and is checked here like the subject. Other parameters
    are the operation's to check.
    """

    subject: Subject
    parameters: Mapping[str, Any]
    document: DocumentRef | None = None

    @classmethod
    def parse(cls, body: bytes) -> QueryBody:
        """The body of a verified request; `bad-request` with a precise detail otherwise."""
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError) as error:
            raise ProtocolRefusal("bad-request", detail="The body is not JSON.") from error
        if (
            not isinstance(payload, dict)
            or "subject" not in payload
            or set(payload) - {"subject", "parameters"}
        ):
            raise ProtocolRefusal(
                "bad-request", detail='The body must be {"subject": …, "parameters": {…}}.'
            )
        parameters = payload.get("parameters", {})
        if not isinstance(parameters, dict):
            raise ProtocolRefusal("bad-request", detail='"parameters" must be an object.')
        subject = Subject.from_json(payload["subject"])
        document = None
        if "document" in parameters:
            document = DocumentRef.from_json(parameters["document"])
        return cls(subject=subject, parameters=parameters, document=document)

    def to_json(self) -> dict[str, object]:
        parameters = dict(self.parameters)
        if self.document is not None:
            parameters["document"] = self.document.to_json()
        return {"subject": self.subject.to_json(), "parameters": parameters}
