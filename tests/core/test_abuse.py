"""A flood gets one polite message, then silence; danger still gets 112."""

from __future__ import annotations

from bot.core.engine import Engine
from bot.core.messages import Inbound


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_over_the_rate_limit_the_bot_says_so_once_then_stays_quiet(content):
    clock = Clock()
    engine = Engine(content, clock=clock)
    burst = content.safety.rate_burst
    replies = [await engine.handle(Inbound("test", "flood", f"hello {i}")) for i in range(burst + 5)]
    assert all(r.text for r in replies[:burst])
    assert "many messages" in replies[burst].text and "112" in replies[burst].text
    assert all(r.actions == () for r in replies[burst + 1:])
    other = await engine.handle(Inbound("test", "someone-else", "hello"))
    assert other.text  # one person's flood does not silence anyone else
    clock.now += 60
    later = await engine.handle(Inbound("test", "flood", "can I see a doctor without papers"))
    assert "CAK" in later.text
