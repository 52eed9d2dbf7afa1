"""What the portal asks (Query), on whose authority (Asker), and what comes back (Answer).

Other apps import these from `services.py`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from owexchange import PURPOSES, Subject
from owexchange.messages import ON_BEHALF_OF, USER

from .errors import ExchangeError

ASKER_KINDS: Final = frozenset({"person", "operator", "agency_staff", "portal"})


@dataclass(frozen=True)
class Query:
    """One operation of one agency about one subject, e.g. civil-registry/address."""

    agency: str
    operation: str
    subject: Subject
    parameters: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        try:
            json.dumps(dict(self.parameters))
        except (TypeError, ValueError) as error:
            raise ValueError("Query parameters must be JSON values.") from error


@dataclass(frozen=True)
class Asker:
    """Who asks, as the exchange names them, and why.

    `kind`: "person" (about themselves), "operator" (Public Service Hall), "agency_staff",
    or "portal" (the portal itself, for the person); `user`: the `OW-User` value, e.g.
    `account.exchange_user` ("person:<pn>"), "operator:<id>", "staff:<agency>:<id>",
    "system:<job>"; `purpose`: one of the protocol's purposes; `on_behalf_of`:
    "person:<pn>" or "company:<code>" when acting for someone else.
    """

    kind: str
    user: str
    name: str
    purpose: str
    on_behalf_of: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in ASKER_KINDS:
            raise ValueError(f"Asker.kind must be one of {sorted(ASKER_KINDS)}.")
        if not USER.fullmatch(self.user):
            raise ValueError(
                f"Asker.user {self.user!r} is not an OW-User value "
                "(person:<pn>, operator:<id>, staff:<agency>:<id>, system:<job>)."
            )
        if self.purpose not in PURPOSES or self.purpose == "access-report":
            raise ValueError(f"Asker.purpose {self.purpose!r} is not a purpose of the protocol.")
        if self.on_behalf_of is not None and not ON_BEHALF_OF.fullmatch(self.on_behalf_of):
            raise ValueError("Asker.on_behalf_of must be person:<pn> or company:<code>.")


@dataclass(frozen=True)
class Answer:
    """The agency's checked data for one query, or the error that stands in for it."""

    query: Query
    data: Mapping[str, object] | None
    error: ExchangeError | None
    elapsed_ms: float
    from_cache: bool
    # The exchange request that produced the data ("" when nothing was sent).
    request_id: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None and self.data is not None
