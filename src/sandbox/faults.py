"""Failure injection: each agency can be made slow, failing, hanging, down or malformed.

Set with `SANDBOX_FAULTS` at start (`{"border-police": {"delay_ms": 150}}`) and replaced at
run time through `POST /_control/faults`. What each fault does:

- `delay_ms` (+ up to `jitter_ms`): every answer of the agency comes that much later;
- `fail`: operations answer `503` with a signed problem (`reason: unavailable`), health `503`;
- `hang`: nothing is answered until the client gives up (its timeout);
- `down`: the connection is closed as soon as the request line and headers arrive, with no
  response at all (the client sees "server disconnected"; `serve` installs this in the
  HTTP protocol; under another server it degrades to `hang`);
- `malformed`: operations answer `200`, correctly signed, with a body that is not the
  documented JSON (`"json"` or `true`: cut-off JSON; `"shape"`: valid JSON, wrong shape).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from owexchange import AGENCIES


class Faults(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    delay_ms: int = Field(default=0, ge=0, le=600_000)
    jitter_ms: int = Field(default=0, ge=0, le=600_000)
    fail: bool = False
    hang: bool = False
    down: bool = False
    malformed: bool | Literal["json", "shape"] = False

    @property
    def malformation(self) -> str | None:
        if self.malformed is False:
            return None
        return "json" if self.malformed is True else self.malformed


NO_FAULTS = Faults()


class FaultConfigError(ValueError):
    """A fault configuration that names an unknown agency or an unknown fault."""


def parse_faults(value: object) -> dict[str, Faults]:
    """`{"agency-id": {"delay_ms": …}, …}` (a JSON text or its decoded object), checked."""
    if isinstance(value, str | bytes):
        try:
            value = json.loads(value or "{}")
        except ValueError as error:
            raise FaultConfigError(f"The faults are not JSON: {error}") from error
    if not isinstance(value, Mapping):
        raise FaultConfigError("The faults must be an object keyed by agency id.")
    faults = {}
    for agency, spec in value.items():
        if agency not in AGENCIES:
            raise FaultConfigError(f"Unknown agency {agency!r}; known: {', '.join(AGENCIES)}.")
        try:
            faults[agency] = Faults.model_validate(spec)
        except ValidationError as error:
            raise FaultConfigError(f"Bad faults for {agency}: {error}") from error
    return faults


class FaultBoard:
    """The faults in force, per agency; read on every request, replaced as a whole."""

    def __init__(self, faults: Mapping[str, Faults] | None = None) -> None:
        self._faults: dict[str, Faults] = dict(faults or {})

    def of(self, agency: str) -> Faults:
        return self._faults.get(agency, NO_FAULTS)

    def replace(self, faults: Mapping[str, Faults]) -> None:
        self._faults = dict(faults)

    def as_json(self) -> dict[str, dict[str, object]]:
        return {
            agency: faults.model_dump(exclude_defaults=True)
            for agency, faults in self._faults.items()
            if faults != NO_FAULTS
        }

    def is_down(self, path: str) -> bool:
        """Whether a request to `path` (`/{agency}/…`) must be dropped."""
        agency = path.lstrip("/").split("/", 1)[0]
        return self.of(agency).down
