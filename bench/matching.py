"""Speed of the engine: per-message latency and start-up, against a difflib baseline.

    .venv/bin/python bench/matching.py [--queries N] [--sizes 1,10,100]

For the shipped content and synthetic catalogues 10x and 100x larger, it runs
the same queries (the eval sets' questions) through `Engine.handle`, the full
path a live message takes, and through `difflib.get_close_matches` over all
question variants, in the same run: the machines here are shared and noisy,
so only figures from one run compare.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import difflib
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.content import Content, load_content  # noqa: E402
from bot.core.engine import Engine  # noqa: E402
from bot.core.messages import Inbound  # noqa: E402
from bot.evaluation import load_cases  # noqa: E402
from bot.faq.model import FaqEntry, Translation  # noqa: E402
from bot.textnorm import normalise  # noqa: E402

SEED = 20261123


def queries(content: Content, limit: int) -> list[str]:
    paths = sorted((content.root / "eval").glob("*.yaml"))
    texts = [c.text for c in load_cases(paths, set(content.faq_by_id))]
    if not texts:  # no eval set: the FAQ's own questions
        texts = [q for e in content.faq for t in e.translations.values() for q in t.questions]
    random.Random(SEED).shuffle(texts)
    return texts[:limit]


def synthetic(content: Content, factor: int) -> Content:
    """The catalogue `factor` times larger: copies whose words are partly replaced.

    Replaced words come from a pool of made-up words, so the vocabulary grows as
    a real, larger catalogue's would, and copies do not simply duplicate.
    """
    if factor == 1:
        return content
    rng = random.Random(SEED + factor)
    letters = "abcdefghijklmnopqrstuvwxyz"
    pool = ["".join(rng.choice(letters) for _ in range(rng.randint(4, 10)))
            for _ in range(400 * factor)]
    entries: list[FaqEntry] = list(content.faq)
    for copy in range(1, factor):
        for entry in content.faq:
            trs = {}
            for lang, tr in entry.translations.items():
                qs = tuple(" ".join(w if rng.random() < 0.5 else rng.choice(pool)
                                    for w in q.split()) + f" {rng.choice(pool)}"
                           for q in tr.questions)
                trs[lang] = Translation(lang, qs, tr.answer, tr.title, tr.status)
            entries.append(dataclasses.replace(entry, id=f"{entry.id}.copy{copy}",
                                               translations=trs))
    return dataclasses.replace(content, faq=entries)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def time_engine(content: Content, texts: list[str]) -> tuple[float, list[float]]:
    started = time.perf_counter()
    engine = Engine(content)
    build = time.perf_counter() - started

    async def run() -> list[float]:
        out = []
        for i, text in enumerate(texts):
            t0 = time.perf_counter()
            await engine.handle(Inbound("bench", f"u{i}", text))
            out.append((time.perf_counter() - t0) * 1000)
        return out

    return build, asyncio.run(run())


def time_difflib(content: Content, texts: list[str]) -> list[float]:
    variants = [normalise(q) for e in content.faq for t in e.translations.values()
                for q in t.questions]
    out = []
    for text in texts:
        t0 = time.perf_counter()
        difflib.get_close_matches(normalise(text), variants, n=3, cutoff=0.6)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def startup_seconds() -> float:
    """Wall time of `helpdesk ask hello` in a new process: import, load, index, answer.
    The peak memory of those processes is in resource.RUSAGE_CHILDREN afterwards."""
    exe = Path(sys.executable).with_name("helpdesk")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "bot"]
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run([*cmd, "ask", "hello"], check=True, capture_output=True, cwd=ROOT)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--sizes", default="1,10,100")
    parser.add_argument("--difflib-queries", type=int, default=100,
                        help="difflib queries at 1x; fewer at larger sizes (slow)")
    args = parser.parse_args()

    t0 = time.perf_counter()
    content = load_content()
    load_s = time.perf_counter() - t0
    texts = queries(content, args.queries)
    print(f"queries: {len(texts)} (from content/eval), machine: {sys.platform}, "
          f"python {sys.version.split()[0]}")
    startup = startup_seconds()
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"languages: {', '.join(content.languages)}; content load: {load_s * 1000:.0f} ms; "
          f"full start-up of `helpdesk ask hello` (new process): {startup:.2f} s, "
          f"peak RSS {child_rss:.0f} MB")
    print()
    header = (f"{'catalogue':>10} {'entries':>8} {'variants':>9} {'index ms':>9} "
              f"{'p50 ms':>8} {'p99 ms':>8} {'difflib p50':>12} {'difflib p99':>12}")
    print(header)
    for factor in (int(s) for s in args.sizes.split(",")):
        cat = synthetic(content, factor)
        n_variants = sum(len(t.questions) for e in cat.faq for t in e.translations.values())
        build, lat = time_engine(cat, texts)
        # difflib takes seconds per query at 100x: fewer queries keep the run short.
        n_base = min(args.difflib_queries, max(10, 1000 // factor))
        base = time_difflib(cat, texts[:n_base])
        print(f"{str(factor) + 'x':>10} {len(cat.faq):>8} {n_variants:>9} {build * 1000:>9.0f} "
              f"{statistics.median(lat):>8.2f} {percentile(lat, 99):>8.2f} "
              f"{statistics.median(base):>12.2f} {percentile(base, 99):>12.2f} ({n_base} q)",
              flush=True)
    print()
    print("targets: p99 <= 5 ms at 1x (<= 10 ms with ten languages), <= 30 ms at 100x; "
          "start-up <= 2 s (3 s with ten languages); peak RSS <= 250 MB")


if __name__ == "__main__":
    main()
