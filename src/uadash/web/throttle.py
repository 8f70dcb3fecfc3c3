"""What the public routes share against abuse: the client's address (behind a trusted proxy
too), a size limit on request bodies, and rate limits kept in memory per server process."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from starlette.requests import Request

from uadash.config import Rate


class TooLarge(ValueError):
    """The body is over the limit; nothing of it was read past the limit."""


def client_address(request: Request, trusted: frozenset[str]) -> str:
    """The peer's address, or, when the peer is a trusted reverse proxy, the address its
    X-Forwarded-For names: the rightmost one that is not itself a trusted proxy."""
    peer = request.client.host if request.client else "unknown"
    if peer not in trusted:
        return peer
    forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",")]
    for address in reversed([part for part in forwarded if part]):
        if address not in trusted:
            return address
    return peer


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused as soon as it grows past `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"the request is larger than {limit:,} bytes")
    body = bytearray()
    async for part in request.stream():
        body.extend(part)
        if len(body) > limit:
            raise TooLarge(f"the request is larger than {limit:,} bytes")
    return bytes(body)


class RateLimiter:
    """At most `rate.count` events per key in any `rate.seconds` (a sliding window)."""

    MAX_KEYS = 100_000  # beyond this, the stalest keys are forgotten

    def __init__(self, rate: Callable[[], Rate], clock: Callable[[], float] = time.monotonic):
        self._rate = rate
        self._clock = clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Count an event for `key` unless it is over the limit; True if allowed."""
        rate = self._rate()
        now = self._clock()
        with self._lock:
            events = self._events.get(key)
            if events is None:
                if len(self._events) >= self.MAX_KEYS:
                    self._forget(now, rate.seconds)
                events = self._events[key] = deque()
            while events and events[0] <= now - rate.seconds:
                events.popleft()
            if len(events) >= rate.count:
                return False
            events.append(now)
            return True

    def _forget(self, now: float, seconds: float) -> None:
        stale = [
            key for key, events in self._events.items() if not events or events[-1] <= now - seconds
        ]
        for key in stale or list(self._events)[: len(self._events) // 2]:
            del self._events[key]
