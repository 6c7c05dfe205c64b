"""A desk on a real SQLite file, with in-memory stand-ins for the networks' sides.

The stand-ins record what a family and a volunteers' room would receive; the
Telegram tests (tests/transports) run the same desk behind the real library.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest_asyncio

from bot.content import Content
from bot.core.messages import Button
from bot.handoff.cards import Card
from bot.handoff.desk import Desk, Unreachable
from bot.handoff.seal import Sealer
from bot.handoff.store import TicketStore
from bot.service import open_queue

SECRET = "test-secret-0123456789abcdef"


class Clock:
    def __init__(self, start: float = 1_790_000_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now


class Family:
    name = "test"

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []  # (address, text)
        self.failures: list[Exception] = []  # raised, one per delivery, before succeeding

    async def deliver(self, address: str, text: str, buttons: tuple[Button, ...]) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.received.append((address, text))

    def texts(self, address: str) -> list[str]:
        return [t for a, t in self.received if a == address]


class Room:
    def __init__(self, name: str = "room") -> None:
        self.name = name
        self.cards: dict[int, Card] = {}
        self.posts: list[tuple[int, str]] = []

    async def show(self, card: Card, ref: str | None) -> str | None:
        self.cards[card.ticket] = card
        return "card"

    async def post(self, card: Card, ref: str | None, text: str) -> str | None:
        self.posts.append((card.ticket, text))
        return ref

    def texts(self, ticket: int) -> list[str]:
        return [t for n, t in self.posts if n == ticket]


class Blocked(Family):
    async def deliver(self, address: str, text: str, buttons: tuple[Button, ...]) -> None:
        raise Unreachable


OpenDesk = Callable[..., "AsyncIterator[Desk]"]


@pytest_asyncio.fixture
async def desk_factory(content: Content, tmp_path: Path):
    """open_desk(family=..., room=...) -> Desk on tmp_path/queue.sqlite3; all closed at the end."""
    stores: list[TicketStore] = []

    async def open_desk(family: Family | None = None, rooms: tuple[Room, ...] | None = None,
                        clock: Clock | None = None, secret: str = SECRET) -> Desk:
        store = await TicketStore.open(tmp_path / "queue.sqlite3")
        stores.append(store)
        desk = await open_queue(content, store, Sealer(secret), clock=clock or Clock())
        desk.add_family_channel(family or Family())
        for room in rooms if rooms is not None else (Room(),):
            desk.add_room(room)
        return desk

    yield open_desk
    for store in stores:
        await store.close()
