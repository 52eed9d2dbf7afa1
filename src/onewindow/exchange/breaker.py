"""A circuit breaker per agency, in each process: stop asking an agency that keeps failing.

Closed: queries go through. After `failures` failed queries in a row it opens: queries
fail at once (AgencyUnavailable "circuit-open"). After `reset_seconds` it is half-open:
one query may try; its success closes the circuit, its failure opens it again.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Literal

State = Literal["closed", "open", "half-open"]


@dataclass(frozen=True)
class BreakerState:
    agency: str
    state: State
    consecutive_failures: int
    # When an open circuit lets a trial query through (time.time()); None when closed.
    retry_at: float | None


class CircuitBreaker:
    def __init__(self, agency: str) -> None:
        self.agency = agency
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_in_flight = False

    def allow(self, *, failures: int, reset_seconds: float, now: float | None = None) -> bool:
        """Whether a query may go to the agency now (a half-open circuit allows one)."""
        now = time.time() if now is None else now
        with self._lock:
            if self._opened_at is None or self._failures < failures:
                return True
            if now - self._opened_at < reset_seconds or self._trial_in_flight:
                return False
            self._trial_in_flight = True
            return True

    def record(self, *, success: bool, failures: int, now: float | None = None) -> None:
        """The outcome of a query that `allow()` let through."""
        now = time.time() if now is None else now
        with self._lock:
            self._trial_in_flight = False
            if success:
                self._failures = 0
                self._opened_at = None
                return
            self._failures += 1
            if self._failures >= failures:
                self._opened_at = now

    def state(
        self, *, failures: int, reset_seconds: float, now: float | None = None
    ) -> BreakerState:
        now = time.time() if now is None else now
        with self._lock:
            if self._opened_at is None or self._failures < failures:
                return BreakerState(self.agency, "closed", self._failures, None)
            retry_at = self._opened_at + reset_seconds
            state: State = "open" if now < retry_at else "half-open"
            return BreakerState(self.agency, state, self._failures, retry_at)


_breakers: dict[str, CircuitBreaker] = {}
_registry_lock = threading.Lock()


def breaker_for(agency: str) -> CircuitBreaker:
    with _registry_lock:
        breaker = _breakers.get(agency)
        if breaker is None:
            breaker = _breakers[agency] = CircuitBreaker(agency)
        return breaker


def breakers_reset() -> None:
    """Forget every circuit's state (tests; a deployment restarts instead)."""
    with _registry_lock:
        _breakers.clear()
