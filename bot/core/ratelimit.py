"""A polite per-person rate limit: a token bucket per pseudonym, in memory.

A frightened parent may send five short messages in a row; a spammer sends
hundreds. The bucket lets a burst through, then one message every few
seconds. Over the limit, the person is told once, then ignored until the bucket
refills, so a flood cannot make the bot flood Telegram in return.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    at: float
    told: bool = False


class RateLimiter:
    def __init__(self, burst: int, per_minute: float,
                 clock: Callable[[], float] = time.monotonic):
        self.burst = burst
        self.rate = per_minute / 60.0
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def check(self, key: str) -> str:
        """'ok', 'tell' (first message over the limit) or 'drop' (told already)."""
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(float(self.burst), now)
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.told = False
            return "ok"
        if bucket.told:
            return "drop"
        bucket.told = True
        return "tell"

    def sweep(self) -> None:
        """Forget full buckets: they hold nothing a fresh one would not."""
        now = self._clock()
        full = [k for k, b in self._buckets.items()
                if b.tokens + (now - b.at) * self.rate >= self.burst]
        for key in full:
            del self._buckets[key]

    def __len__(self) -> int:
        return len(self._buckets)
