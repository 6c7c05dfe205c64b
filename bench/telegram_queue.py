"""The Telegram path under load: many families at once, half of them asking for a person.

    .venv/bin/python bench/telegram_queue.py [--families 500]

The real python-telegram-bot long-polls a fake Bot API server on 127.0.0.1
(tests/fakes/telegram_server.py), in the same process; the real desk keeps its
queue in a SQLite file in a temporary folder. Phases, each timed from the update
being available on the server to the bot's message arriving there:
1. every family sends a question at once (half in the FAQ, half not);
2. the half the bot cannot answer press "ask a volunteer" at once;
3. volunteers claim every ticket, answer each family, and each family writes back.
Counts lost and duplicated messages at every step. Telegram's 20 messages a minute
per group is switched off here (as in the tests); with it on, cards for a burst
of N new tickets take N/20 minutes to appear.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from telegram.ext import AIORateLimiter  # noqa: E402

from bench.queue_load import (  # noqa: E402
    IN_FAQ,
    NOT_IN_FAQ,
    SentLog,
    engine_only,
    percentiles,
    rss_mb,
    wait,
)
from bot.content import load_content  # noqa: E402
from bot.service import Service  # noqa: E402
from bot.settings import Settings, TelegramSettings  # noqa: E402
from tests.fakes.telegram_server import FakeTelegram  # noqa: E402

GROUP = -100500
VOLUNTEERS = (8001, 8002, 8003, 8004)


class Watch(SentLog):
    """What the bot sent, per chat, read incrementally from the fake's call log."""

    def __init__(self, fake: FakeTelegram):
        super().__init__()
        self.fake = fake

    def update(self) -> None:
        calls = self.fake.calls
        for call in calls[self.seen:]:
            if call.status == 200 and call.method == "sendMessage":
                self.by.setdefault(call.params.get("chat_id"), []).append(
                    (call.at, str(call.params.get("text", ""))))
        self.seen = len(calls)


async def main(families: int) -> int:
    baseline = rss_mb()
    alone = await engine_only(families)
    os.environ.setdefault("HELPDESK_SECRET", "bench-secret-0123456789abcdef")
    fake = FakeTelegram()
    await fake.start()
    fake.add_group(GROUP, members=VOLUNTEERS)
    content = load_content()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(Path(tmp), TelegramSettings(FakeTelegram.TOKEN, fake.base_url, GROUP,
                                                        frozenset()))
        service = Service(content, settings, telegram_options={
            "rate_limiter": AIORateLimiter(group_max_rate=0, overall_max_rate=0),
            "poll_timeout": 1})
        await service.start()
        started_rss = rss_mb()
        watch = Watch(fake)
        users = [7_000_000 + i for i in range(families)]
        escalating = users[: families // 2]
        problems: list[str] = []

        # 1. everyone asks at once
        t0 = time.monotonic()
        for u in users:
            fake.push_text(u, u, NOT_IN_FAQ if u in escalating else IN_FAQ, language_code="en")
        ok = await wait(watch, lambda: all(watch.replies(u, t0) for u in users), 120)
        asked = [watch.replies(u, t0)[0] - t0 for u in users if watch.replies(u, t0)]
        lost1 = sum(not watch.replies(u, t0) for u in users)
        dup1 = sum(len(watch.replies(u, t0)) > 1 for u in users)

        # 2. half press "yes, ask a volunteer" at once
        t1 = time.monotonic()
        for u in escalating:
            offer = fake.sent(u)[-1]
            fake.push_callback(u, u, offer["message_id"], "ticket:open")
        ok &= await wait(watch, lambda: all(watch.replies(u, t1) for u in escalating), 120)
        opened = [watch.replies(u, t1)[0] - t1 for u in escalating if watch.replies(u, t1)]
        lost2 = sum(not watch.replies(u, t1) for u in escalating)

        def cards() -> dict[int, dict]:
            found = {}
            for m in fake.sent(GROUP):
                if m["text"].startswith("Ticket #"):
                    found[int(m["text"].split("#")[1].split(" ")[0])] = m
            return found

        ok &= await wait(watch, lambda: len(cards()) >= len(escalating), 120)
        t_cards = time.monotonic() - t1
        card_count = Counter(m["text"].split(" ")[1] for m in fake.sent(GROUP)
                             if m["text"].startswith("Ticket #"))

        # 3. volunteers claim all, answer each family; each family writes back
        t2 = time.monotonic()
        for n, card in cards().items():
            fake.push_callback(GROUP, VOLUNTEERS[n % len(VOLUNTEERS)], card["message_id"],
                               f"claim:{n}")
        ok &= await wait(watch, lambda: sum(t.startswith("Family: ") for t in watch.texts(GROUP))
                         >= len(escalating), 120)
        t_claims = time.monotonic() - t2
        t3 = time.monotonic()
        for n, card in cards().items():
            fake.push_text(GROUP, VOLUNTEERS[n % len(VOLUNTEERS)], f"answer for ticket {n}",
                           reply_to=card["message_id"])

        def answered(u: int) -> list[float]:
            return watch.replies(u, t3, ": answer for ticket ")

        ok &= await wait(watch, lambda: all(answered(u) for u in escalating), 120)
        relayed = [answered(u)[0] - t3 for u in escalating if answered(u)]
        lost3 = sum(not answered(u) for u in escalating)
        dup3 = sum(len(answered(u)) > 1 for u in escalating)
        t4 = time.monotonic()
        for u in escalating:
            fake.push_text(u, u, f"thanks from {u - 7_000_000}")
        ok &= await wait(watch, lambda: sum(t.startswith("Family: thanks from")
                                            for t in watch.texts(GROUP)) >= len(escalating), 120)
        back = Counter(t for t in watch.texts(GROUP) if t.startswith("Family: thanks from"))
        lost4 = len(escalating) - len(back)
        dup4 = sum(n > 1 for n in back.values())
        t_back = time.monotonic() - t4
        peak = rss_mb()
        await service.stop()
    await fake.stop()

    if not ok:
        problems.append("some step timed out")
    print(f"families: {families} at once, {len(escalating)} escalating; "
          f"{len(VOLUNTEERS)} volunteers; python-telegram-bot against a fake Bot API on 127.0.0.1")
    print(f"baseline: the engine alone answers the same {families} questions one by one in "
          f"{alone * 1000:.0f} ms ({alone / families * 1000:.2f} ms each); the rest of the time "
          "below is Telegram's HTTP round trips, client and fake server sharing this process")
    print(f"1. question -> answer / offer     {percentiles(asked)}   lost {lost1}  duplicates {dup1}")
    print(f"2. 'ask a volunteer' -> confirmed {percentiles(opened)}   lost {lost2}")
    print(f"   all {len(escalating)} cards in the group after {t_cards:.1f} s; "
          f"cards posted twice: {sum(n > 1 for n in card_count.values())}")
    print(f"   {len(escalating)} claims at once: every claimer has the family's question after "
          f"{t_claims:.1f} s")
    print(f"3. volunteer reply -> family      {percentiles(relayed)}   lost {lost3}  duplicates {dup3}")
    print(f"   family reply -> group: all {len(back)} after {t_back:.1f} s   lost {lost4}  "
          f"duplicates {dup4}")
    print(f"peak RSS {peak:.0f} MB (process before start {baseline:.0f} MB, after start "
          f"{started_rss:.0f} MB; the fake server runs in the same process)")
    total_lost = lost1 + lost2 + lost3 + lost4
    total_dup = dup1 + dup3 + dup4
    for p in problems:
        print("PROBLEM:", p)
    return 0 if ok and total_lost == 0 and total_dup == 0 else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=500)
    sys.exit(asyncio.run(main(parser.parse_args().families)))
