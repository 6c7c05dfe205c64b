"""Ids of the last messages in each private chat, kept in memory for /forget.

Networks let a bot delete messages only for a while (Telegram: 48 hours for a
private chat; Signal: remote delete of its own messages for a day), so the ids,
never the text, are kept for that long to erase a chat from a shared phone.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
KEEP_IDS_PER_CHAT = 300


class RecentMessages(Generic[K, V]):
    def __init__(self, window_seconds: float, clock: Callable[[], float] = time.monotonic):
        self.window = window_seconds
        self._clock = clock
        self._chats: dict[K, deque[tuple[float, V]]] = {}
        self._adds = 0

    def add(self, chat: K, message: V) -> None:
        now = self._clock()
        ids = self._chats.setdefault(chat, deque(maxlen=KEEP_IDS_PER_CHAT))
        ids.append((now, message))
        self._adds += 1
        if self._adds % 1000 == 0:
            self.prune(now)

    def take(self, chat: K) -> list[V]:
        """The chat's ids still inside the window; forgotten here at once."""
        now = self._clock()
        ids = self._chats.pop(chat, deque())
        return [message for at, message in ids if now - at < self.window]

    def prune(self, now: float) -> None:
        for chat in list(self._chats):
            ids = self._chats[chat]
            while ids and now - ids[0][0] >= self.window:
                ids.popleft()
            if not ids:
                del self._chats[chat]
