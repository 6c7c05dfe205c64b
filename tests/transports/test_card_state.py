"""The per-ticket lock around a room's card: it excludes while held and is not kept after."""

from __future__ import annotations

import asyncio
import gc

from bot.transports.card_state import CardStates


async def test_one_card_change_at_a_time_and_no_lock_kept_afterwards():
    cards = CardStates("signal")
    order: list[str] = []

    async def change(name: str) -> None:
        async with cards.lock(7):
            order.append(f"{name} in")
            await asyncio.sleep(0.01)
            order.append(f"{name} out")

    await asyncio.gather(change("a"), change("b"), change("c"))
    assert order == ["a in", "a out", "b in", "b out", "c in", "c out"]
    gc.collect()
    assert len(cards._locks) == 0  # months of tickets leave no locks behind
