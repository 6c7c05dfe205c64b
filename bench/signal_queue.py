"""The Signal path under load: many families at once, half of them asking for a person.

    .venv/bin/python bench/signal_queue.py [--families 500]

The real signalbot talks to a fake signal-cli-rest-api on 127.0.0.1
(tests/fakes/signal_server.py), in the same process; the real desk keeps its
queue in a SQLite file in a temporary folder; volunteers sit in a Signal group.
Phases, each timed from the envelope being pushed to the bot's message arriving
at the fake service:
1. every family sends a question at once (half in the FAQ, half not); halfway
   through, the receive socket is closed as a restarting service would;
2. the half the bot cannot answer type "1" (yes, ask a volunteer) at once;
3. volunteers claim every ticket and answer each family; each family writes back.
Counts lost and duplicated messages at every step.
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
from bot.settings import Settings, SignalSettings  # noqa: E402
from tests.fakes.signal_server import FakeSignal  # noqa: E402

VOLUNTEERS = ("a0000000-0000-4000-8000-000000000001", "a0000000-0000-4000-8000-000000000002",
              "a0000000-0000-4000-8000-000000000003", "a0000000-0000-4000-8000-000000000004")


def family(i: int) -> str:
    return f"f0000000-0000-4000-8000-{i:012d}"


class Watch(SentLog):
    def __init__(self, fake: FakeSignal):
        super().__init__()
        self.fake = fake

    def update(self) -> None:
        for sent in self.fake.sent[self.seen:]:
            for r in sent.recipients:
                self.by.setdefault(r, []).append((sent.at, sent.text))
        self.seen = len(self.fake.sent)


async def main(families: int) -> int:
    baseline = rss_mb()
    alone = await engine_only(families)
    os.environ.setdefault("HELPDESK_SECRET", "bench-secret-0123456789abcdef")
    fake = FakeSignal()
    await fake.start()
    group = fake.add_group(members=list(VOLUNTEERS))
    content = load_content()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(Path(tmp), None, SignalSettings(
            FakeSignal.NUMBER, fake.service, False, group.id, 7 * 86400))
        service = Service(content, settings)
        await service.start()
        started_rss = rss_mb()
        watch = Watch(fake)
        users = [family(i) for i in range(families)]
        escalating = set(users[: families // 2])

        # 1. everyone asks at once; the socket drops halfway
        ok &= await wait(watch, lambda: fake.connections >= 1, 10)
        t0 = time.monotonic()
        for i, u in enumerate(users):
            fake.push_private(u, NOT_IN_FAQ if u in escalating else IN_FAQ)
            if i == families // 2:
                await fake.drop()
        ok &= await wait(watch, lambda: all(watch.replies(u, t0) for u in users), 120)
        asked = [watch.replies(u, t0)[0] - t0 for u in users if watch.replies(u, t0)]
        lost1 = sum(not watch.replies(u, t0) for u in users)
        dup1 = sum(len(watch.replies(u, t0)) > 1 for u in users)

        # 2. half type "1": yes, ask a volunteer
        t1 = time.monotonic()
        for u in escalating:
            fake.push_private(u, "1")
        ok &= await wait(watch, lambda: all(watch.replies(u, t1) for u in escalating), 120)
        opened = [watch.replies(u, t1)[0] - t1 for u in escalating if watch.replies(u, t1)]
        lost2 = sum(not watch.replies(u, t1) for u in escalating)

        def notices() -> dict[int, int]:
            return {int(s.text.split("#")[1].split(" ")[0]): s.timestamp for s in fake.sent
                    if group.id in s.recipients and s.text.startswith("Ticket #")
                    and s.edit_timestamp is None}

        ok &= await wait(watch, lambda: len(notices()) >= len(escalating), 120)
        t_notices = time.monotonic() - t1
        posted = Counter(s.text.split(" ")[1] for s in fake.sent
                         if group.id in s.recipients and s.text.startswith("Ticket #")
                         and s.edit_timestamp is None)

        # 3. volunteers claim all and answer each family; each family writes back
        t2 = time.monotonic()
        for n in notices():
            fake.push_group(group, VOLUNTEERS[n % len(VOLUNTEERS)], f"/claim {n}")
        ok &= await wait(watch, lambda: sum(": Family: " not in t and "Family: " in t
                                            for t in watch.texts(group.id)) >= len(escalating), 120)
        t_claims = time.monotonic() - t2
        t3 = time.monotonic()
        for n in notices():
            fake.push_group(group, VOLUNTEERS[n % len(VOLUNTEERS)], f"/reply {n} answer for ticket {n}")

        def answered(u: str) -> list[float]:
            return watch.replies(u, t3, ": answer for ticket ")

        ok &= await wait(watch, lambda: all(answered(u) for u in escalating), 120)
        relayed = [answered(u)[0] - t3 for u in escalating if answered(u)]
        lost3 = sum(not answered(u) for u in escalating)
        dup3 = sum(len(answered(u)) > 1 for u in escalating)
        t4 = time.monotonic()
        for u in escalating:
            fake.push_private(u, f"thanks from {u[-6:]}")

        def back() -> Counter:
            return Counter(t.split(" ", 1)[1] for t in watch.texts(group.id)
                           if "Family: thanks from" in t)

        ok &= await wait(watch, lambda: len(back()) >= len(escalating), 120)
        lost4 = len(escalating) - len(back())
        dup4 = sum(n > 1 for n in back().values())
        t_back = time.monotonic() - t4
        peak = rss_mb()
        await service.stop()
    await fake.stop()

    print(f"families: {families} at once, {len(escalating)} escalating; {len(VOLUNTEERS)} "
          "volunteers in a Signal group; signalbot against a fake signal-cli-rest-api on 127.0.0.1")
    print(f"baseline: the engine alone answers the same {families} questions one by one in "
          f"{alone * 1000:.0f} ms ({alone / families * 1000:.2f} ms each); the rest below is "
          "HTTP and websocket round trips, client and fake service sharing this process")
    print(f"1. question -> answer / offer     {percentiles(asked)}   lost {lost1}  duplicates {dup1}"
          f"   (receive socket closed once mid-burst; {fake.connections} connections)")
    print(f"2. '1' (ask a volunteer) -> confirmed {percentiles(opened)}   lost {lost2}")
    print(f"   all {len(escalating)} notices in the group after {t_notices:.1f} s; "
          f"posted twice: {sum(n > 1 for n in posted.values())}")
    print(f"   {len(escalating)} claims at once: every claimer has the family's question after "
          f"{t_claims:.1f} s")
    print(f"3. volunteer reply -> family      {percentiles(relayed)}   lost {lost3}  duplicates {dup3}")
    print(f"   family reply -> group: all {len(back())} after {t_back:.1f} s   lost {lost4}  "
          f"duplicates {dup4}")
    print(f"peak RSS {peak:.0f} MB (process before start {baseline:.0f} MB, after start "
          f"{started_rss:.0f} MB; the fake service runs in the same process)")
    if not ok:
        print("PROBLEM: some step timed out")
    total = lost1 + lost2 + lost3 + lost4 + dup1 + dup3 + dup4
    return 0 if ok and total == 0 else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=500)
    sys.exit(asyncio.run(main(parser.parse_args().families)))
