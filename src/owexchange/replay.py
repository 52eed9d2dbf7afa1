"""Request ids seen recently, so that a replayed request is refused."""

from __future__ import annotations

import heapq
import threading
import time
from typing import Final

REPLAY_WINDOW_SECONDS: Final = 600


class ReplayCache:
    """Request ids seen in the last `ttl` seconds, in memory and thread-safe."""

    def __init__(self, ttl: float = REPLAY_WINDOW_SECONDS) -> None:
        self._ttl = ttl
        self._expiry: dict[str, float] = {}
        self._queue: list[tuple[float, str]] = []
        self._lock = threading.Lock()

    def seen(self, request_id: str, now: float | None = None) -> bool:
        """Record the id; whether it was already recorded within the window."""
        now = time.time() if now is None else now
        with self._lock:
            self._forget_until(now)
            expiry = self._expiry.get(request_id)
            if expiry is not None and expiry > now:
                return True
            self._expiry[request_id] = now + self._ttl
            heapq.heappush(self._queue, (now + self._ttl, request_id))
            return False

    def size(self) -> int:
        """How many ids are remembered (a cache is never falsy, so `cache or …` is safe)."""
        with self._lock:
            return len(self._expiry)

    def _forget_until(self, now: float) -> None:
        while self._queue and self._queue[0][0] <= now:
            expiry, request_id = heapq.heappop(self._queue)
            if self._expiry.get(request_id) == expiry:
                del self._expiry[request_id]
