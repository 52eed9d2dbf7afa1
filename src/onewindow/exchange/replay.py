"""The portal's memory of request ids received from agencies, shared by its processes."""

from __future__ import annotations

from django.core.cache import cache

from owexchange import ReplayCache
from owexchange.replay import REPLAY_WINDOW_SECONDS

from .models import MessageLog


class SharedReplayCache(ReplayCache):
    """Ids seen through the cache (Redis when configured: every portal process shares it)
    and, for good, through the message log of accepted requests."""

    def seen(self, request_id: str, now: float | None = None) -> bool:
        added = cache.add(f"exchange:seen:{request_id}", 1, timeout=REPLAY_WINDOW_SECONDS)
        if not added:
            return True
        return MessageLog.objects.filter(
            direction=MessageLog.Direction.INCOMING,
            kind=MessageLog.Kind.REQUEST,
            request_id=request_id,
            verified=True,
        ).exists()
