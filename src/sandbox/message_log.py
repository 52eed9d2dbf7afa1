"""Each agency's append-only message log: one JSON line per request it answered or refused.

Written to `{var dir}/messages/{agency}.jsonl` when the sandbox has a var dir; the last
entries are also kept in memory for `GET /_control/messages`.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

MEMORY_ENTRIES = 1000


class MessageLog:
    def __init__(self, agency: str, directory: Path | None) -> None:
        self.agency = agency
        self.path = directory / f"{agency}.jsonl" if directory else None
        if self.path:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._recent: deque[dict[str, Any]] = deque(maxlen=MEMORY_ENTRIES)
        self._lock = threading.Lock()

    def record(self, **entry: Any) -> None:
        entry = {
            "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "agency": self.agency,
            **entry,
        }
        line = json.dumps(entry, ensure_ascii=False, sort_keys=True)
        with self._lock:
            self._recent.append(entry)
            if self.path:
                with self.path.open("a", encoding="utf-8") as log:
                    log.write(line + "\n")

    def recent(self, limit: int = 100) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._recent)[-limit:]
