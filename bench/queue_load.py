"""What bench/telegram_queue.py and bench/signal_queue.py share: the questions, the
same-run baseline, waiting on a fake server's log, and how figures are printed."""

from __future__ import annotations

import asyncio
import resource
import statistics
import time
from collections.abc import Callable
from typing import Protocol

from bot.content import load_content

IN_FAQ = "can i see a doctor without papers"
NOT_IN_FAQ = "hoe laat begint de voetbalwedstrijd"


class Watch(Protocol):
    def update(self) -> None: ...


class SentLog:
    """What the bot sent, per recipient, with the time the fake server saw it.
    Subclasses read their fake's log incrementally in `update` (cheap: it shares the loop)."""

    def __init__(self) -> None:
        self.seen = 0
        self.by: dict[object, list[tuple[float, str]]] = {}

    def update(self) -> None:
        raise NotImplementedError

    def replies(self, who: object, after: float, containing: str = "") -> list[float]:
        return [at for at, text in self.by.get(who, ()) if at >= after and containing in text]

    def texts(self, who: object) -> list[str]:
        return [text for _, text in self.by.get(who, ())]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentiles(values: list[float]) -> str:
    if not values:
        return "n/a"
    ms = sorted(v * 1000 for v in values)
    p99 = ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))]
    return f"p50 {statistics.median(ms):7.1f} ms   p99 {p99:7.1f} ms   max {ms[-1]:7.1f} ms"


async def wait(watch: Watch, done: Callable[[], bool], timeout: float) -> bool:
    """Poll the watch until `done`; the harness shares the loop, so polling stays cheap."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        watch.update()
        if done():
            return True
        await asyncio.sleep(0.05)
    watch.update()
    return done()


async def engine_only(families: int) -> float:
    """Baseline in the same run: the same questions through the engine alone, one by one."""
    from bot.core.engine import Engine
    from bot.core.messages import Inbound

    engine = Engine(load_content())
    start = time.perf_counter()
    for i in range(families):
        await engine.handle(Inbound("bench", str(i), NOT_IN_FAQ if i < families // 2 else IN_FAQ))
    return time.perf_counter() - start
