"""What one volunteers' room shows of each ticket, and a lock per ticket around changing it.

The state (message ids, a forum topic...) is JSON in the desk's store, per room. It is
read inside the ticket's lock: the copy the desk passes along may predate a concurrent
update of the same card.
"""

from __future__ import annotations

import asyncio
import json

from bot.handoff.store import TicketStore


class CardStates:
    def __init__(self, room: str) -> None:
        self.room = room
        self._locks: dict[int, asyncio.Lock] = {}

    def lock(self, ticket: int) -> asyncio.Lock:
        return self._locks.setdefault(ticket, asyncio.Lock())

    async def read(self, store: TicketStore, ticket: int) -> dict:
        raw = await store.card_ref(ticket, self.room)
        return json.loads(raw) if raw else {}
