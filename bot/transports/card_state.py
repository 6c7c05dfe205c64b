"""What one volunteers' room shows of each ticket, and a lock per ticket around changing it.

The state (message ids, a forum topic...) is JSON in the desk's store, per room. It is
read inside the ticket's lock: the copy the desk passes along may predate a concurrent
update of the same card.
"""

from __future__ import annotations

import asyncio
import json
import weakref

from bot.handoff.store import TicketStore


class CardStates:
    def __init__(self, room: str) -> None:
        self.room = room
        # Weak: a ticket's lock lives while someone holds or waits for it, so a bot that
        # runs for months does not keep one for every ticket it ever showed.
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = (
            weakref.WeakValueDictionary())

    def lock(self, ticket: int) -> asyncio.Lock:
        return self._locks.setdefault(ticket, asyncio.Lock())

    async def read(self, store: TicketStore, ticket: int) -> dict:
        raw = await store.card_ref(ticket, self.room)
        return json.loads(raw) if raw else {}
