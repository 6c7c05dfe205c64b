"""Short-lived conversation state, in memory only.

Nothing here is written to disk. A session is forgotten after it has been idle
for the configured time, and at once on "forget me". One message at a time per
user: transports may deliver quickly-typed messages concurrently (signalbot
runs several consumers), and answers must not overtake each other.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.core.messages import Button


@dataclass
class Session:
    lang: str | None = None
    lang_chosen: bool = False  # the person picked it: it wins over detection
    second_lang: str | None = None  # the language picked before: first fallback for answers
    last_buttons: tuple[Button, ...] = ()  # for "2" typed instead of tapping a choice
    pending_question: str = ""  # the question a volunteer would get, until they agree or not
    pending_guesses: tuple[str, ...] = ()
    pending_urgent: bool = False
    told_scrubbed: bool = False  # the family heard once why numbers were removed
    told_paused: bool = False  # a banned person heard once that the chat is paused
    last_seen: float = field(default_factory=time.monotonic)


SWEEP_SECONDS = 30.0


class SessionStore:
    def __init__(self, idle_seconds: float, clock: Callable[[], float] = time.monotonic):
        self.idle_seconds = idle_seconds
        self._clock = clock
        self._sessions: dict[str, Session] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._last_sweep = float("-inf")

    def get(self, user: str) -> Session:
        """The user's live session, or a fresh one if none or expired."""
        now = self._clock()
        if now - self._last_sweep > SWEEP_SECONDS:  # a sweep per message would cost O(users)
            self.expire(now)
        session = self._sessions.get(user)
        if session is None or now - session.last_seen > self.idle_seconds:
            session = self._sessions[user] = Session()
        session.last_seen = now
        return session

    def forget(self, user: str) -> None:
        self._sessions.pop(user, None)

    def expire(self, now: float | None = None) -> int:
        now = self._clock() if now is None else now
        self._last_sweep = now
        old = [u for u, s in self._sessions.items() if now - s.last_seen > self.idle_seconds]
        for user in old:
            del self._sessions[user]
            lock = self._locks.get(user)
            if lock is not None and not lock.locked():
                del self._locks[user]
        return len(old)

    def lock(self, user: str) -> asyncio.Lock:
        lock = self._locks.get(user)
        if lock is None:
            lock = self._locks[user] = asyncio.Lock()
        return lock

    def __len__(self) -> int:
        return len(self._sessions)
